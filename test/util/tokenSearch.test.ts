// Token search against brute force written here: for each candidate span of rows, whether the
// text it covers contains the match, by checking every character position directly.
import { describe, expect, it } from 'vitest';
import { compileQuery, searchTokens } from '../../src/util/tokenSearch';

const opts = (mode: 'token' | 'substring' | 'regex', caseSensitive = true, maxResults = 1000) => ({
  mode,
  caseSensitive,
  maxResults,
});

const TOKENS = ['The', ' quick', ' brown', ' fox', '.', 'A', ' fox', 'es', ' Fox', '!', 'fox'];
const SEQ = Int32Array.of(0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2);

/**
 * Brute force: non-overlapping occurrences of `needle` in each sequence's text, left to right,
 * mapped to the rows whose characters they touch (by walking the tokens' character ranges).
 */
function bruteSubstring(needle: string, fold: (s: string) => string) {
  const spans: { start: number; end: number }[] = [];
  let s = 0;
  while (s < TOKENS.length) {
    let e = s;
    while (e < TOKENS.length && SEQ[e] === SEQ[s]) e++;
    const chars: number[] = []; // row of each character
    let text = '';
    for (let r = s; r < e; r++)
      for (const ch of TOKENS[r].split('')) {
        text += ch;
        chars.push(r);
      }
    const t = fold(text);
    const n = fold(needle);
    for (let i = 0; i + n.length <= t.length;) {
      if (t.slice(i, i + n.length) === n) {
        spans.push({ start: chars[i], end: chars[i + n.length - 1] + 1 });
        i += n.length;
      } else i++;
    }
    s = e;
  }
  return spans;
}

describe('token search', () => {
  it('whole tokens: trimmed equality, case folded when asked', () => {
    expect(searchTokens(TOKENS, SEQ, 'fox', opts('token')).spans).toEqual([
      { start: 3, end: 4 },
      { start: 6, end: 7 },
      { start: 10, end: 11 },
    ]);
    expect(searchTokens(TOKENS, SEQ, ' FOX ', opts('token', false)).spans).toHaveLength(4);
  });

  it('substrings across token boundaries, within a sequence only', () => {
    for (const [q, cs] of [
      ['fox', true],
      ['fox', false],
      ['k brown f', true],
      ['o', true],
      ['.A', true], // across two sequences: no match
      ['xes Fo', true],
    ] as const) {
      const fold = (s: string) => (cs ? s : s.toLowerCase());
      expect(searchTokens(TOKENS, SEQ, q, opts('substring', cs)).spans, q).toEqual(
        bruteSubstring(q, fold),
      );
    }
  });

  it('regex special characters are literal in substring mode', () => {
    expect(searchTokens(['a.b', 'a+b', '(x)'], null, '.', opts('substring')).spans).toEqual([
      { start: 0, end: 1 },
    ]);
    expect(searchTokens(['a.b', 'a+b', '(x)'], null, '(x', opts('substring')).spans).toEqual([
      { start: 2, end: 3 },
    ]);
  });

  it('regular expressions: spans of the rows each match touches; empty matches skipped', () => {
    expect(searchTokens(TOKENS, SEQ, 'b\\w+ f', opts('regex')).spans).toEqual([
      { start: 2, end: 4 },
    ]);
    expect(searchTokens(TOKENS, SEQ, 'x*', opts('regex')).spans).toEqual([
      { start: 3, end: 4 },
      { start: 6, end: 7 },
      { start: 8, end: 9 },
      { start: 10, end: 11 },
    ]);
    expect(() => compileQuery('(', opts('regex'))).toThrow(/not a valid regular expression/);
  });

  it('stops at maxResults and says so', () => {
    const r = searchTokens(TOKENS, SEQ, 'o', opts('substring', true, 2));
    expect(r.spans).toHaveLength(2);
    expect(r.truncated).toBe(true);
    expect(searchTokens(TOKENS, SEQ, 'quick', opts('substring', true, 1)).truncated).toBe(false);
  });

  it('without sequences the whole corpus is one text', () => {
    expect(searchTokens(TOKENS, null, '.A', opts('substring')).spans).toEqual([
      { start: 4, end: 6 },
    ]);
  });
});
