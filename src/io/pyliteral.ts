/**
 * A tokenizer and recursive-descent parser for the Python literal subset found in `.npy` headers:
 * dicts, tuples, lists, strings, integers, True/False/None. The header is data from an untrusted
 * file, so it is parsed, never evaluated; anything else (names, calls, operators) is an error.
 * Work is linear in the input and nesting is capped, so hostile headers parse in bounded time.
 */

/** A parsed Python literal. Tuples and lists are told apart because NumPy needs a tuple shape. */
export type PyValue =
  | string
  | bigint
  | boolean
  | null
  | { kind: 'tuple' | 'list'; items: PyValue[] }
  | Map<string, PyValue>;

/** Thrown for malformed input; callers wrap it into an `IoError` that names the file. */
export class PyLiteralError extends Error {}

/** Deepest nesting accepted; real headers nest 2 levels (dict → shape tuple). */
export const MAX_DEPTH = 16;

type Token =
  | { t: 'str'; v: string; at: number }
  | { t: 'int'; v: bigint; at: number }
  | { t: 'name'; v: string; at: number }
  | { t: 'punct'; v: string; at: number }
  | { t: 'end'; at: number };

const ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
};

/** Splits `text` into tokens; throws on any character that cannot start a literal token. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if ('{}()[]:,'.includes(c)) {
      out.push({ t: 'punct', v: c, at: i++ });
    } else if (c === "'" || c === '"') {
      const at = i++;
      let s = '';
      for (;;) {
        if (i >= text.length) throw new PyLiteralError(`unterminated string at ${at}`);
        const d = text[i++];
        if (d === c) break;
        if (d === '\n') throw new PyLiteralError(`newline inside string at ${at}`);
        if (d === '\\') {
          const e = ESCAPES[text[i++]];
          if (e === undefined) throw new PyLiteralError(`unsupported escape in string at ${at}`);
          s += e;
        } else s += d;
      }
      out.push({ t: 'str', v: s, at });
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const at = i;
      if (c === '-') i++;
      const start = i;
      while (i < text.length && text[i] >= '0' && text[i] <= '9') i++;
      if (i === start) throw new PyLiteralError(`'-' without digits at ${at}`);
      const v = BigInt(text.slice(at, i));
      if (text[i] === 'L' || text[i] === 'l') i++; // Python 2 long suffix, in old NumPy files
      out.push({ t: 'int', v, at });
    } else if (/[A-Za-z_]/.test(c)) {
      const at = i;
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i])) i++;
      out.push({ t: 'name', v: text.slice(at, i), at });
    } else {
      throw new PyLiteralError(`unexpected character ${JSON.stringify(c)} at ${i}`);
    }
  }
  out.push({ t: 'end', at: text.length });
  return out;
}

/** Parses one Python literal that must span the whole text (trailing whitespace allowed). */
export function parsePyLiteral(text: string): PyValue {
  const toks = tokenize(text);
  let p = 0;
  const describe = (k: Token): string =>
    k.t === 'end' ? 'end of header' : `${JSON.stringify(String(k.v))} at ${k.at}`;
  const expect = (v: string): void => {
    const k = toks[p++];
    if (k.t !== 'punct' || k.v !== v)
      throw new PyLiteralError(`expected '${v}', found ${describe(k)}`);
  };
  const isPunct = (v: string): boolean => {
    const k = toks[p];
    return k.t === 'punct' && k.v === v;
  };

  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) throw new PyLiteralError(`nested deeper than ${MAX_DEPTH} levels`);
    const k = toks[p++];
    if (k.t === 'str' || k.t === 'int') return k.v;
    if (k.t === 'name') {
      if (k.v === 'True') return true;
      if (k.v === 'False') return false;
      if (k.v === 'None') return null;
      throw new PyLiteralError(`name ${JSON.stringify(k.v)} at ${k.at} is not a literal`);
    }
    if (k.t === 'punct' && (k.v === '(' || k.v === '[')) {
      const close = k.v === '(' ? ')' : ']';
      const items: PyValue[] = [];
      let sawComma = false;
      while (!isPunct(close)) {
        items.push(value(depth + 1));
        if (isPunct(close)) break;
        expect(',');
        sawComma = true;
      }
      p++;
      // `(3)` is just the int 3 in Python; only `(3,)` is a tuple.
      if (close === ')' && items.length === 1 && !sawComma) return items[0];
      return { kind: close === ')' ? 'tuple' : 'list', items };
    }
    if (k.t === 'punct' && k.v === '{') {
      const map = new Map<string, PyValue>();
      while (!isPunct('}')) {
        const key = toks[p++];
        if (key.t !== 'str')
          throw new PyLiteralError(`dict key must be a string, found ${describe(key)}`);
        if (map.has(key.v)) throw new PyLiteralError(`duplicate key ${JSON.stringify(key.v)}`);
        expect(':');
        map.set(key.v, value(depth + 1));
        if (isPunct('}')) break;
        expect(',');
      }
      p++;
      return map;
    }
    throw new PyLiteralError(`unexpected ${describe(k)}`);
  };

  const v = value(0);
  if (toks[p].t !== 'end')
    throw new PyLiteralError(`unexpected ${describe(toks[p])} after the value`);
  return v;
}
