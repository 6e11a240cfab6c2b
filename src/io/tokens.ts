import { fail } from './errors.ts';
import { decodeIntegers, isFloat } from './dtype.ts';
import { readLines } from './lines.ts';
import { readNpyHeader } from './npy.ts';
import type { ByteSource } from './source.ts';

/**
 * Whole-document JSON token files are parsed in one piece, so they are limited to 256 MiB;
 * larger token lists should be `.jsonl` or `.txt`, which stream line by line.
 */
export const MAX_JSON_TOKEN_FILE = 256 << 20;

/** Tokens read from a file, in order; `sequence`/`position` when the file says so. */
export interface TokenTable {
  file: string;
  tokens: string[];
  /** Sequence index per token (from nested JSON arrays, `doc`/`seq` in JSONL, or 2-D ids). */
  sequence?: Int32Array;
  position?: Int32Array;
}

/** Options of {@link loadTokens}. */
export interface TokenOptions {
  /** Vocabulary for token-id files (`.npy` or `.json` of integers). */
  vocab?: ByteSource;
}

const ext = (name: string): string => name.slice(name.lastIndexOf('.')).toLowerCase();

/**
 * Loads tokens from `.txt` (one token per line), `.json` (array of strings, or one array per
 * sequence), `.jsonl` (`{"token": …, "doc"|"seq"?: …, "pos"?: …}` per line), or token ids
 * (`.npy` / `.json` of integers) with a vocabulary (`.json` array, or `{token: id}` map).
 * Errors name the file and the line.
 *
 * In `.txt` every line is one token, an empty line being the empty token; the final newline does
 * not start another one, and a trailing `\r` is taken as part of a CRLF line ending. Tokens that
 * contain line breaks (or end in `\r`) therefore need `.jsonl` or `.json`.
 */
export async function loadTokens(src: ByteSource, opts: TokenOptions = {}): Promise<TokenTable> {
  const kind = ext(src.name);
  if (kind === '.txt') {
    const tokens: string[] = [];
    for await (const l of readLines(src)) tokens.push(l.text);
    return { file: src.name, tokens };
  }
  if (kind === '.jsonl') return loadJsonl(src);
  if (kind === '.json') return loadJson(src, opts);
  if (kind === '.npy') return loadNpyIds(src, opts);
  return fail(
    src.name,
    'tokens/unknown-format',
    'token files must be .txt, .json, .jsonl or .npy (token ids)',
  );
}

async function loadJsonl(src: ByteSource): Promise<TokenTable> {
  const tokens: string[] = [];
  const seq: number[] = [];
  const pos: number[] = [];
  let hasSeq = false;
  let lastDoc: unknown;
  let seqIndex = -1;
  const seen = new Set<unknown>();
  for await (const { line, text } of readLines(src)) {
    if (text.trim() === '') continue;
    let o: unknown;
    try {
      o = JSON.parse(text);
    } catch {
      fail(src.name, 'tokens/bad-json', `line ${line} is not valid JSON`);
    }
    if (
      typeof o !== 'object' ||
      o === null ||
      typeof (o as { token?: unknown }).token !== 'string'
    ) {
      fail(src.name, 'tokens/bad-json', `line ${line} must be an object with a string "token"`);
    }
    const rec = o as { token: string; doc?: unknown; seq?: unknown; pos?: unknown };
    const doc = Object.hasOwn(rec, 'doc')
      ? rec.doc
      : Object.hasOwn(rec, 'seq')
        ? rec.seq
        : undefined;
    if (tokens.length === 0) hasSeq = doc !== undefined;
    else if ((doc !== undefined) !== hasSeq)
      fail(src.name, 'tokens/bad-json', `line ${line}: "doc"/"seq" must be on every line or none`);
    if (hasSeq) {
      if (tokens.length === 0 || doc !== lastDoc) {
        if (seen.has(doc))
          fail(
            src.name,
            'tokens/bad-json',
            `line ${line}: sequence ${JSON.stringify(doc)} appears again after another one`,
          );
        seen.add(doc);
        seqIndex++;
        lastDoc = doc;
        pos.push(0);
      } else pos.push(pos[pos.length - 1] + 1);
      seq.push(seqIndex);
      if (rec.pos !== undefined && rec.pos !== pos[pos.length - 1]) {
        fail(
          src.name,
          'tokens/bad-position',
          `line ${line}: pos ${JSON.stringify(rec.pos)} but it is token ${pos[pos.length - 1]} of its sequence`,
        );
      }
    }
    tokens.push(rec.token);
  }
  return hasSeq
    ? { file: src.name, tokens, sequence: Int32Array.from(seq), position: Int32Array.from(pos) }
    : { file: src.name, tokens };
}

/** Builds sequence/position arrays from per-sequence lengths. */
function layout(lengths: number[]): { sequence: Int32Array; position: Int32Array } {
  const n = lengths.reduce((a, b) => a + b, 0);
  const sequence = new Int32Array(n);
  const position = new Int32Array(n);
  let at = 0;
  lengths.forEach((len, s) => {
    for (let p = 0; p < len; p++, at++) {
      sequence[at] = s;
      position[at] = p;
    }
  });
  return { sequence, position };
}

async function loadJson(src: ByteSource, opts: TokenOptions): Promise<TokenTable> {
  if (src.size > MAX_JSON_TOKEN_FILE)
    fail(
      src.name,
      'tokens/too-large',
      `JSON token files are limited to 256 MiB; use .jsonl for larger ones`,
    );
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await src.read(0, src.size)));
  } catch (e) {
    fail(
      src.name,
      'tokens/bad-json',
      `not valid UTF-8 JSON (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  if (!Array.isArray(v)) fail(src.name, 'tokens/bad-json', 'expected a JSON array of tokens');
  const nested = v.length > 0 && v.every((x) => Array.isArray(x));
  const seqs: unknown[][] = nested ? (v as unknown[][]) : [v];
  const flat = seqs.flat();
  let tokens: string[];
  if (flat.every((x) => typeof x === 'string')) tokens = flat as string[];
  else if (flat.every((x) => Number.isSafeInteger(x)))
    tokens = await idsToTokens(src.name, flat as number[], opts);
  else {
    const i = flat.findIndex(
      (x) => typeof x !== typeof flat[0] || (typeof x !== 'string' && typeof x !== 'number'),
    );
    return fail(
      src.name,
      'tokens/bad-json',
      `element ${i} is neither a token string nor an integer id`,
    );
  }
  return nested
    ? { file: src.name, tokens, ...layout(seqs.map((s) => s.length)) }
    : { file: src.name, tokens };
}

async function loadNpyIds(src: ByteSource, opts: TokenOptions): Promise<TokenTable> {
  const h = await readNpyHeader(src);
  if (isFloat(h.dtype) || h.shape.length < 1 || h.shape.length > 2 || h.order === 'F') {
    fail(
      src.name,
      'tokens/bad-ids',
      `token ids must be a 1-D or 2-D C-order integer array, not ${h.dtype} (${h.shape.join(', ')})`,
    );
  }
  const raw = await src.read(h.dataOffset, h.dataBytes);
  const ids = decodeIntegers(raw, h.dtype, h.littleEndian, (i) =>
    fail(src.name, 'tokens/bad-id', `token ${i} has an id beyond 2^53`),
  );
  return withIds(src.name, ids, h.shape, opts);
}

async function withIds(
  file: string,
  ids: number[],
  shape: number[],
  opts: TokenOptions,
): Promise<TokenTable> {
  const tokens = await idsToTokens(file, ids, opts);
  if (shape.length === 1) return { file, tokens };
  return { file, tokens, ...layout(Array.from({ length: shape[0] }, () => shape[1])) };
}

async function idsToTokens(file: string, ids: number[], opts: TokenOptions): Promise<string[]> {
  if (!opts.vocab)
    return fail(
      file,
      'tokens/no-vocab',
      'token ids need a vocabulary file (JSON array or {token: id} map)',
    );
  const vocab = await loadVocab(opts.vocab);
  return ids.map((id, i) => {
    const t = vocab[id];
    if (t === undefined)
      fail(
        file,
        'tokens/bad-id',
        `token ${i} has id ${id}, which is not in ${opts.vocab?.name} (${vocab.length} entries)`,
      );
    return t;
  });
}

/**
 * Reads a vocabulary: a JSON array of token strings (index = id) or a `{token: id}` object (as in
 * Hugging Face `vocab.json`). Returns id → token; ids must be distinct non-negative integers.
 */
export async function loadVocab(src: ByteSource): Promise<string[]> {
  if (src.size > MAX_JSON_TOKEN_FILE)
    fail(src.name, 'tokens/too-large', 'vocabulary larger than 256 MiB');
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await src.read(0, src.size)));
  } catch {
    fail(src.name, 'tokens/bad-vocab', 'vocabulary is not valid UTF-8 JSON');
  }
  if (Array.isArray(v)) {
    if (!v.every((x) => typeof x === 'string'))
      fail(src.name, 'tokens/bad-vocab', 'vocabulary array must hold strings');
    return v as string[];
  }
  if (typeof v !== 'object' || v === null)
    return fail(
      src.name,
      'tokens/bad-vocab',
      'vocabulary must be an array or a {token: id} object',
    );
  const out: string[] = [];
  for (const [tok, id] of Object.entries(v)) {
    if (!Number.isSafeInteger(id) || (id as number) < 0 || (id as number) > 1 << 24)
      fail(src.name, 'tokens/bad-vocab', `id of ${JSON.stringify(tok)} is not a valid id`);
    if (out[id as number] !== undefined)
      fail(src.name, 'tokens/bad-vocab', `id ${id} is used twice`);
    out[id as number] = tok;
  }
  return out;
}
