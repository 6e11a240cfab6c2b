/**
 * The page's side of the token search: one worker (src/workers/search.worker.ts) that holds the
 * current corpus, and a time cap per search. A search still running after `timeoutMs` (a
 * catastrophic regular expression on hostile text) is stopped by terminating the worker, and the
 * search fails with a message; the next search starts a new worker and sends the corpus again.
 */
import type { SearchOptions, SearchResult } from '../util/tokenSearch';
import type { SearchReply, SearchRequest } from '../workers/search.worker';

/** Default time cap of one search. */
export const SEARCH_TIMEOUT_MS = 2000;

let worker: Worker | null = null;
let sentCorpus: string | null = null;
let nextId = 1;

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('../workers/search.worker.ts', import.meta.url), {
      type: 'module',
      name: 'token-search',
    });
    sentCorpus = null;
  }
  return worker;
}

function stop(): void {
  worker?.terminate();
  worker = null;
  sentCorpus = null;
}

export interface Corpus {
  /** Changes whenever the tokens change (e.g. the dataset id). */
  key: string;
  tokens: readonly string[];
  seq: Int32Array | null;
}

/** Searches the corpus's token text; rejects on a bad query or after the time cap. */
export function searchCorpus(
  corpus: Corpus,
  query: string,
  options: SearchOptions,
  timeoutMs = SEARCH_TIMEOUT_MS,
): Promise<SearchResult> {
  const w = getWorker();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const send = (withCorpus: boolean) => {
      const req: SearchRequest = { id, corpus: corpus.key, query, options };
      if (withCorpus) Object.assign(req, { tokens: corpus.tokens, seq: corpus.seq });
      w.postMessage(req);
      if (withCorpus) sentCorpus = corpus.key;
    };
    const timer = setTimeout(() => {
      w.removeEventListener('message', onMessage);
      stop();
      reject(new Error(`the search took longer than ${timeoutMs / 1000} s and was stopped`));
    }, timeoutMs);
    const onMessage = (ev: MessageEvent<SearchReply>) => {
      const m = ev.data;
      if (m.id !== id) return;
      if (m.type === 'need-corpus') return send(true);
      clearTimeout(timer);
      w.removeEventListener('message', onMessage);
      if (m.type === 'error') reject(new Error(m.message));
      else resolve({ spans: m.spans, truncated: m.truncated });
    };
    w.addEventListener('message', onMessage);
    send(sentCorpus !== corpus.key);
  });
}
