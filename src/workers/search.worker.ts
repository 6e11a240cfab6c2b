/**
 * Token search off the page's thread (src/util/tokenSearch.ts). The page stops this worker when
 * a search outlives its time cap (a regular expression on untrusted text can take exponential
 * time), so nothing here needs to be interruptible. A dataset's tokens are sent once and kept.
 */
import { searchTokens, type SearchOptions, type SearchSpan } from '../util/tokenSearch';

export type SearchRequest = {
  id: number;
  /** Identifies the corpus; `tokens` and `seq` are sent only when the worker lacks it. */
  corpus: string;
  tokens?: readonly string[];
  seq?: Int32Array | null;
  query: string;
  options: SearchOptions;
};

export type SearchReply =
  | { id: number; type: 'result'; spans: SearchSpan[]; truncated: boolean }
  | { id: number; type: 'need-corpus' }
  | { id: number; type: 'error'; message: string };

declare const self: DedicatedWorkerGlobalScope;

let corpus: { key: string; tokens: readonly string[]; seq: Int32Array | null } | null = null;

self.onmessage = (ev: MessageEvent<SearchRequest>) => {
  const req = ev.data;
  const reply = (m: SearchReply) => self.postMessage(m);
  if (req.tokens) corpus = { key: req.corpus, tokens: req.tokens, seq: req.seq ?? null };
  if (!corpus || corpus.key !== req.corpus) return reply({ id: req.id, type: 'need-corpus' });
  try {
    const r = searchTokens(corpus.tokens, corpus.seq, req.query, req.options);
    reply({ id: req.id, type: 'result', ...r });
  } catch (e) {
    reply({ id: req.id, type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
