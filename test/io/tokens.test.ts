// Reliability cases 21–23 (tokens). Fixtures: scripts/make-io-fixtures.mjs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alignTokens } from '../../src/io/align.ts';
import { readLines } from '../../src/io/lines.ts';
import { loadTokens } from '../../src/io/tokens.ts';
import type { ByteSource } from '../../src/io/source.ts';
import { bytesSource } from '../../src/io/source.ts';
import { visibleToken } from '../../src/io/visible.ts';
import { expectIoError, fixture, fixturePath, spy } from './helpers.ts';

const text = (name: string, s: string) => bytesSource(name, new TextEncoder().encode(s));
const acts = (rows: number, sequences?: number, positions?: number) => ({
  rows,
  sequences,
  positions,
  describe: () => `acts.npy [${rows}]`,
});

describe('case 21: token count must equal the activation row count', () => {
  it('5 tokens vs 6 rows is refused with both counts', async () => {
    const t = await loadTokens(fixture('tokens-5.txt'));
    expect(t.tokens).toEqual(['The', 'cat', 'sat', 'on', 'mat']);
    expect(() => alignTokens(t, acts(6))).toThrow(/5 tokens but 6 activation rows in acts\.npy/);
    expect(() => alignTokens(t, acts(4))).toThrow(/5 tokens but 4 activation rows/);
    expect(alignTokens(t, acts(5)).tokens[4]).toBe('mat');
  });
  it('3-D activations align per sequence', async () => {
    const t = await loadTokens(text('t.json', '[["a","b","c"],["d","e","f"]]'));
    const a = alignTokens(t, acts(6, 2, 3));
    expect(Array.from(a.sequence)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(a.position)).toEqual([0, 1, 2, 0, 1, 2]);
    // Same total but sequences of 2 and 4: refused, naming the first mismatch.
    const bad = await loadTokens(text('u.json', '[["a","b"],["c","d","e","f"]]'));
    expect(() => alignTokens(bad, acts(6, 2, 3))).toThrow(
      /token 2 is at sequence 1 position 0 but activation row 2 is sequence 0 position 2/,
    );
  });
  it('flat tokens on 3-D activations take (sequence, position) from the rows', async () => {
    const a = alignTokens(await loadTokens(text('t.txt', 'a\nb\nc\nd\n')), acts(4, 2, 2));
    expect(Array.from(a.sequence)).toEqual([0, 0, 1, 1]);
  });
});

describe('case 22: JSONL with BOM, CRLF, enormous line, invalid UTF-8', () => {
  it('BOM and CRLF are tolerated', async () => {
    const t = await loadTokens(fixture('tokens-bom-crlf.jsonl'));
    expect(t.tokens).toEqual(['a', 'b', 'c']);
    expect(Array.from(t.sequence ?? [])).toEqual([0, 0, 1]);
    expect(Array.from(t.position ?? [])).toEqual([0, 1, 0]);
  });
  it('invalid UTF-8 names the line', async () => {
    const e = await expectIoError(
      loadTokens(fixture('tokens-bad-utf8.jsonl')),
      'tokens/bad-utf8',
      'tokens-bad-utf8.jsonl',
    );
    expect(e.message).toMatch(/line 3 is not valid UTF-8/);
  });
  it('invalid JSON names the line', async () => {
    const e = await expectIoError(loadTokens(fixture('tokens-bad-json.jsonl')), 'tokens/bad-json');
    expect(e.message).toMatch(/line 4 is not valid JSON/);
  });
  it('one enormous line (1 GiB, never materialised) is refused with memory bounded', async () => {
    const size = 2 ** 30;
    const huge: ByteSource = {
      name: 'huge.jsonl',
      size,
      read: async (offset, length) => {
        const b = new Uint8Array(length).fill(0x61);
        if (offset === 0) b.set(new TextEncoder().encode('{"token":"ok"}\n'));
        return b;
      },
    };
    const s = spy(huge);
    const e = await expectIoError(loadTokens(s.src), 'tokens/line-too-long', 'huge.jsonl');
    expect(e.message).toMatch(/line 2 is longer than 1048576 bytes/);
    const bytesRead = s.reads.reduce((a, r) => a + r[1], 0);
    expect(bytesRead).toBeLessThanOrEqual(3 << 20);
  });
  it('.txt: CRLF and a final line without newline', async () => {
    const lines = [];
    for await (const l of readLines(text('a.txt', '\ufeffx\r\ny\r\nz'))) lines.push(l);
    expect(lines).toEqual([
      { line: 1, text: 'x' },
      { line: 2, text: 'y' },
      { line: 3, text: 'z' },
    ]);
  });
});

describe('case 23: hostile token strings come back byte-identical', () => {
  const expected = JSON.parse(
    readFileSync(fixturePath('tokens-hostile.expected.json'), 'utf8'),
  ) as string[];
  it('from .jsonl', async () => {
    const t = await loadTokens(fixture('tokens-hostile.jsonl'));
    expect(t.tokens).toEqual(expected);
    expect(t.tokens[5]).toBe('nul\u0000byte');
  });
  it('from .json and from ids + vocabulary', async () => {
    const json = JSON.stringify(expected);
    expect((await loadTokens(text('h.json', json))).tokens).toEqual(expected);
    const ids = JSON.stringify([...expected.keys()].reverse());
    const t = await loadTokens(text('ids.json', ids), { vocab: text('vocab.json', json) });
    expect(t.tokens).toEqual([...expected].reverse());
  });
  it('visibleToken shows control and invisible characters as escapes', () => {
    expect(visibleToken('new\nline')).toBe('new\\nline');
    expect(visibleToken('nul\u0000byte')).toBe('nul\\0byte');
    expect(visibleToken('abc\u202Edef')).toBe('abc\\u202Edef');
    expect(visibleToken('zero\u200Bwidth')).toBe('zero\\u200Bwidth');
    expect(visibleToken('tab\there\r')).toBe('tab\\there\\r');
    expect(visibleToken('\\n literal')).toBe('\\\\n literal');
    expect(visibleToken('\u0007\u007F\u0085\uFEFF')).toBe('\\u0007\\u007F\\u0085\\uFEFF');
    expect(visibleToken('\uD800x')).toBe('\\uD800x');
    // Markup is left as text (rendering as text is the UI's job); printable text is unchanged.
    expect(visibleToken('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
    expect(visibleToken('héllo 😀 日本')).toBe('héllo 😀 日本');
  });
});

describe('token ids', () => {
  it('NumPy int64 ids with a {token: id} vocabulary', async () => {
    const vocab = text('vocab.json', '{"a":0,"b":1,"c":2,"d":3,"e":4,"f":5,"g":17,"__proto__":6}');
    const t = await loadTokens(fixture('numpy', 'token_ids_i8.npy'), { vocab });
    expect(t.tokens).toEqual(['f', 'a', 'g', 'd', 'c', 'b']);
  });
  it('ids without a vocabulary, or out of range, are refused', async () => {
    await expectIoError(loadTokens(fixture('numpy', 'token_ids_i8.npy')), 'tokens/no-vocab');
    const e = await expectIoError(
      loadTokens(fixture('numpy', 'token_ids_i8.npy'), { vocab: text('v.json', '["a","b"]') }),
      'tokens/bad-id',
    );
    expect(e.message).toMatch(/token 0 has id 5, which is not in v\.json \(2 entries\)/);
  });
});

it('.txt: an empty line is the empty token; the final newline adds none', async () => {
  const t = await loadTokens(text('e.txt', 'a\n\nb\n'));
  expect(t.tokens).toEqual(['a', '', 'b']);
});
