/**
 * Search of a corpus's token text, pure (run in a worker by src/session/tokenSearchClient.ts, so
 * a slow regular expression can be stopped). Three modes:
 *  - `token`: rows whose whole token equals the query, both trimmed of surrounding white space
 *    (so " fox" and "fox" match "fox");
 *  - `substring`: occurrences of the query in the text of each sequence, the concatenation of its
 *    tokens as they are (tokens of real tokenizers carry their own spaces: "The", " fox");
 *  - `regex`: matches of a JavaScript regular expression in that same text.
 * A match in a sequence's text covers the rows whose characters it overlaps: a span of rows
 * [start, end). Substring matches do not overlap (each search resumes after the previous match),
 * empty regex matches are skipped. Sequences are runs of consecutive rows with the same `seq`
 * value (all rows form one sequence without it).
 */

export type SearchMode = 'token' | 'substring' | 'regex';

export interface SearchOptions {
  mode: SearchMode;
  caseSensitive: boolean;
  /** Matches returned at most; `truncated` says when more exist. */
  maxResults: number;
}

/** Rows [start, end) covered by one match. */
export interface SearchSpan {
  start: number;
  end: number;
}

export interface SearchResult {
  spans: SearchSpan[];
  truncated: boolean;
}

/** The end (exclusive) of the sequence that starts at row `start`. */
function sequenceEnd(seq: ArrayLike<number> | null, start: number, rows: number): number {
  if (!seq) return rows;
  let end = start + 1;
  while (end < rows && seq[end] === seq[start]) end++;
  return end;
}

/**
 * The query as a regular expression: in `substring` mode every syntax character escaped (a
 * literal, matched in linear time; case folding by the engine keeps offsets exact), in `regex`
 * mode as written, or the reason it is not one.
 */
export function compileQuery(query: string, o: SearchOptions): RegExp {
  const source = o.mode === 'regex' ? query : query.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  try {
    return new RegExp(source, `gu${o.caseSensitive ? '' : 'i'}`);
  } catch (e) {
    throw new Error(`not a valid regular expression: ${e instanceof Error ? e.message : e}`);
  }
}

export function searchTokens(
  tokens: readonly string[],
  seq: ArrayLike<number> | null,
  query: string,
  o: SearchOptions,
): SearchResult {
  const spans: SearchSpan[] = [];
  const rows = tokens.length;
  if (query === '') return { spans, truncated: false };
  const fold = (s: string) => (o.caseSensitive ? s : s.toLowerCase());
  if (o.mode === 'token') {
    const want = fold(query.trim());
    for (let r = 0; r < rows; r++)
      if (fold(tokens[r].trim()) === want) {
        if (spans.length === o.maxResults) return { spans, truncated: true };
        spans.push({ start: r, end: r + 1 });
      }
    return { spans, truncated: false };
  }
  const re = compileQuery(query, o);
  for (let s = 0; s < rows;) {
    const e = sequenceEnd(seq, s, rows);
    // offsets[i]: the character where row s + i begins in the sequence's text.
    const offsets = new Int32Array(e - s + 1);
    let text = '';
    for (let r = s; r < e; r++) {
      text += tokens[r];
      offsets[r - s + 1] = text.length;
    }
    const rowAt = (c: number) => {
      // The last row whose first character is ≤ c (binary search over offsets).
      let lo = 0;
      let hi = e - s - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (offsets[mid] <= c) lo = mid;
        else hi = mid - 1;
      }
      return s + lo;
    };
    const add = (from: number, to: number) => {
      if (spans.length === o.maxResults) return false;
      spans.push({ start: rowAt(from), end: rowAt(to - 1) + 1 });
      return true;
    };
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      if (!add(m.index, m.index + m[0].length)) return { spans, truncated: true };
    }
    s = e;
  }
  return { spans, truncated: false };
}
