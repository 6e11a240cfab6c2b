// The two hand-written parsers for untrusted headers: Python literals (.npy) and JSON (safetensors).
import { describe, expect, it } from 'vitest';
import { JsonNumber, JsonSyntaxError, jsonInt, parseJson } from '../../src/io/json.ts';
import { PyLiteralError, parsePyLiteral } from '../../src/io/pyliteral.ts';

describe('parsePyLiteral (case 3: tokenised, never evaluated)', () => {
  it('reads the NumPy header subset', () => {
    const v = parsePyLiteral("{'descr': '<f4', \"fortran_order\": True, 'shape': (3, 4), }   \n");
    expect(v).toEqual(
      new Map<string, unknown>([
        ['descr', '<f4'],
        ['fortran_order', true],
        ['shape', { kind: 'tuple', items: [3n, 4n] }],
      ]),
    );
  });
  it('tells tuples, parenthesised values and lists apart', () => {
    expect(parsePyLiteral('(3,)')).toEqual({ kind: 'tuple', items: [3n] });
    expect(parsePyLiteral('(3)')).toBe(3n);
    expect(parsePyLiteral('()')).toEqual({ kind: 'tuple', items: [] });
    expect(parsePyLiteral("[('a', '<f4')]")).toEqual({
      kind: 'list',
      items: [{ kind: 'tuple', items: ['a', '<f4'] }],
    });
    expect(parsePyLiteral('None')).toBeNull();
    expect(parsePyLiteral("'it\\'s'")).toBe("it's");
  });
  it.each([
    ["{'a': os}", /name "os" at 6 is not a literal/],
    ["{'a': f(1)}", /name "f"/],
    ['{1: 2}', /dict key must be a string/],
    ["{'a': 1, 'a': 2}", /duplicate key "a"/],
    ["{'a': 1 + 1}", /unexpected character "\+"/],
    ["{'a': 'x", /unterminated string/],
    ["{'a': 1} {}", /after the value/],
    ["{'a': 1", /expected ','/],
    ['['.repeat(18) + ']'.repeat(18), /nested deeper than 16/],
    ["'\\x41'", /unsupported escape/],
  ])('rejects %s', (text, msg) => {
    expect(() => parsePyLiteral(text)).toThrow(PyLiteralError);
    expect(() => parsePyLiteral(text)).toThrow(msg);
  });
  it('stays fast on a 64 KiB header of nesting', () => {
    const t0 = performance.now();
    expect(() => parsePyLiteral('('.repeat(65536))).toThrow(/nested deeper/);
    // Generous for loaded CI machines; a quadratic parser would take minutes here.
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});

describe('parseJson (case 16: duplicates, __proto__, exact integers)', () => {
  it('builds Maps, keeps __proto__ as data, keeps integers exact', () => {
    const v = parseJson(
      '{"__proto__": {"polluted": 1}, "n": 18446744073709551615, "s": "a\\u00e9\\n"}',
    );
    expect(v).toBeInstanceOf(Map);
    const m = v as Map<string, unknown>;
    expect([...m.keys()]).toEqual(['__proto__', 'n', 's']);
    expect(jsonInt(m.get('n') as JsonNumber)).toBe(18446744073709551615n);
    expect(m.get('s')).toBe('aé\n');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(jsonInt(new JsonNumber('1.5'))).toBeUndefined();
  });
  it.each([
    ['{"a": 1, "a": 2}', /duplicate key "a"/],
    ['{"x": {"b": 1, "b": 1}}', /duplicate key "b"/],
    ['{"a": 1,}', /expected a string key/],
    ["{'a': 1}", /expected a string key/],
    ['[NaN]', /unexpected character/],
    ['[01]', /expected ','/],
    ['["a\tb"]', /control character/],
    ['{"a": 1} x', /after the value/],
    ['['.repeat(100), /nesting deeper than 64/],
  ])('rejects %s', (text, msg) => {
    expect(() => parseJson(text)).toThrow(JsonSyntaxError);
    expect(() => parseJson(text)).toThrow(msg);
  });
});

it('16 levels of nesting are still accepted', () => {
  expect(() => parsePyLiteral('['.repeat(17) + ']'.repeat(17))).not.toThrow();
});
