/**
 * A strict JSON parser for untrusted headers. Unlike `JSON.parse` it rejects duplicate keys
 * (which `JSON.parse` silently resolves to the last one), builds objects as `Map`s so keys such
 * as `__proto__` or `constructor` are plain data, and keeps numbers as text so integers beyond
 * 2^53 can be read exactly with BigInt.
 */

/** A JSON number as written, e.g. `"12"`; use {@link jsonInt} to read it. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** A parsed JSON value; objects are `Map`s in document order. */
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | Map<string, JsonValue>;

/** Thrown for malformed JSON; callers wrap it in an `IoError` naming the file. */
export class JsonSyntaxError extends Error {}

/** Nesting limit; safetensors headers nest 3 levels. */
const MAX_DEPTH = 64;

/** Parses `text` as one JSON value (RFC 8259), rejecting duplicate object keys. */
export function parseJson(text: string): JsonValue {
  let i = 0;
  const err = (what: string): never => {
    throw new JsonSyntaxError(`${what} at character ${i}`);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const str = (): string => {
    i++; // opening quote
    let out = '';
    let run = i;
    for (;;) {
      if (i >= text.length) err('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) err('control character in string');
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(run, i);
      const e = text[i + 1];
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
      };
      if (e in simple) {
        out += simple[e];
        i += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
      } else err('bad escape');
      run = i;
    }
    out += text.slice(run, i);
    i++;
    return out;
  };
  const value = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) err(`nesting deeper than ${MAX_DEPTH}`);
    ws();
    const c = text[i];
    if (c === '"') return str();
    if (c === '{') {
      i++;
      const map = new Map<string, JsonValue>();
      ws();
      if (text[i] === '}') {
        i++;
        return map;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') err('expected a string key');
        const key = str();
        if (map.has(key)) err(`duplicate key ${JSON.stringify(key)}`);
        ws();
        if (text[i++] !== ':') err("expected ':'");
        map.set(key, value(depth + 1));
        ws();
        const d = text[i++];
        if (d === '}') return map;
        if (d !== ',') err("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: JsonValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        const d = text[i++];
        if (d === ']') return arr;
        if (d !== ',') err("expected ',' or ']'");
      }
    }
    for (const [lit, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return v;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '') return err('unexpected character');
    i += m[0].length;
    return new JsonNumber(m[0]);
  };
  const v = value(0);
  ws();
  if (i !== text.length) err('unexpected text after the value');
  return v;
}

/** The exact integer value of a JSON number, or `undefined` if it has a fraction or exponent. */
export function jsonInt(v: JsonValue | undefined): bigint | undefined {
  return v instanceof JsonNumber && /^-?\d+$/.test(v.text) ? BigInt(v.text) : undefined;
}
