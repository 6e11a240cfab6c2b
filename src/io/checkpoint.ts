/**
 * The checkpoint file: one self-verifying binary blob holding a JSON header (run metadata and the
 * tensor table) and the tensors' raw little-endian bytes.
 *
 *   0   "SSAECKPT"            magic (8 bytes)
 *   8   u32 version           CHECKPOINT_VERSION
 *   12  u32 H                 header length in bytes (space-padded JSON, H % 8 == 0)
 *   16  u64 total             the whole file's length (truncation or trailing bytes are refused)
 *   24  header JSON           { meta, tensors: [{ name, dtype, shape, offset, bytes }] }
 *   24+H tensor data          each tensor at `offset` from here, 8-byte aligned
 *   end−8 u32 CRC-32          of every byte before it
 *   end−4 "CKND"              end magic
 *
 * A reader trusts nothing before the checksum passes: a file cut short anywhere (a tab closed
 * during the write) fails the length or the CRC and is never used half-written. Pure: no DOM.
 */
import { crc32 } from './crc32.ts';
import { fail } from './errors.ts';

export const CHECKPOINT_VERSION = 1;
const MAGIC = 'SSAECKPT';
const END = 'CKND';
const PREFIX = 24;
const TRAILER = 8;
/** A checkpoint header is run metadata plus the metric history: far below this. */
export const MAX_CHECKPOINT_HEADER = 64 * 1024 * 1024;

export type CheckpointTensor = Float32Array | Uint32Array;

interface TensorEntry {
  name: string;
  dtype: 'f32' | 'u32';
  shape: number[];
  offset: number;
  bytes: number;
}

const pad8 = (n: number) => Math.ceil(n / 8) * 8;

/**
 * Encodes `meta` (any JSON value) and named tensors into one checkpoint file.
 * @param tensors kept in the given order; names must be unique
 */
export function encodeCheckpoint(
  meta: unknown,
  tensors: ReadonlyArray<{ name: string; data: CheckpointTensor; shape?: number[] }>,
): Uint8Array<ArrayBuffer> {
  const entries: TensorEntry[] = [];
  const names = new Set<string>();
  let offset = 0;
  for (const t of tensors) {
    if (names.has(t.name)) throw new Error(`duplicate checkpoint tensor ${t.name}`);
    names.add(t.name);
    const shape = t.shape ?? [t.data.length];
    if (shape.reduce((a, b) => a * b, 1) !== t.data.length)
      throw new Error(`tensor ${t.name}: shape [${shape}] does not hold ${t.data.length} values`);
    const dtype = t.data instanceof Float32Array ? 'f32' : 'u32';
    entries.push({ name: t.name, dtype, shape, offset, bytes: t.data.byteLength });
    offset = pad8(offset + t.data.byteLength);
  }
  const json = new TextEncoder().encode(JSON.stringify({ meta, tensors: entries }));
  const H = pad8(json.length);
  const total = PREFIX + H + offset + TRAILER;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, CHECKPOINT_VERSION, true);
  view.setUint32(12, H, true);
  view.setBigUint64(16, BigInt(total), true);
  out.set(json, PREFIX);
  out.fill(0x20, PREFIX + json.length, PREFIX + H);
  const data = PREFIX + H;
  tensors.forEach((t, i) => {
    const src = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(src, data + entries[i].offset);
  });
  view.setUint32(total - TRAILER, crc32(out.subarray(0, total - TRAILER)), true);
  out.set(new TextEncoder().encode(END), total - 4);
  return out;
}

export interface DecodedCheckpoint<M> {
  meta: M;
  tensors: Map<string, CheckpointTensor>;
}

/**
 * Verifies and decodes a checkpoint file; throws an IoError naming `file` and the problem for a
 * wrong magic or version, a length that does not match the file (truncated: code
 * `checkpoint/truncated`), a checksum mismatch (`checkpoint/checksum`) or a bad tensor table.
 */
export function decodeCheckpoint<M = unknown>(
  bytes: Uint8Array,
  file = 'checkpoint',
): DecodedCheckpoint<M> {
  const n = bytes.length;
  if (n < PREFIX + TRAILER) fail(file, 'checkpoint/truncated', `only ${n} bytes: truncated`);
  const text = (a: number, b: number) => String.fromCharCode(...bytes.subarray(a, b));
  if (text(0, 8) !== MAGIC) fail(file, 'checkpoint/bad-magic', 'not a SoftSAE checkpoint');
  const view = new DataView(bytes.buffer, bytes.byteOffset, n);
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION)
    fail(file, 'checkpoint/version', `unsupported checkpoint version ${version}`);
  const total = view.getBigUint64(16, true);
  if (total > BigInt(n))
    fail(file, 'checkpoint/truncated', `${n} bytes of ${total}: truncated (an unfinished write)`);
  if (total < BigInt(n))
    fail(file, 'checkpoint/trailing', `${BigInt(n) - total} bytes after the declared end`);
  if (text(n - 4, n) !== END)
    fail(file, 'checkpoint/truncated', 'no end marker: truncated (an unfinished write)');
  const want = view.getUint32(n - TRAILER, true);
  const got = crc32(bytes.subarray(0, n - TRAILER));
  if (want !== got)
    fail(
      file,
      'checkpoint/checksum',
      `checksum mismatch (stored ${want.toString(16)}, computed ${got.toString(16)}): corrupted`,
    );
  const H = view.getUint32(12, true);
  if (H > MAX_CHECKPOINT_HEADER || PREFIX + H > n - TRAILER)
    fail(file, 'checkpoint/header', `header length ${H} does not fit the file`);
  let parsed: { meta: M; tensors: TensorEntry[] };
  try {
    parsed = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX, PREFIX + H)),
    );
  } catch (e) {
    fail(file, 'checkpoint/header', 'header is not valid JSON', e);
  }
  if (!parsed || !Array.isArray(parsed.tensors))
    fail(file, 'checkpoint/header', 'header has no tensor table');
  const data = PREFIX + H;
  const end = n - TRAILER;
  const tensors = new Map<string, CheckpointTensor>();
  for (const t of parsed.tensors) {
    const size = Array.isArray(t.shape) ? t.shape.reduce((a, b) => a * b, 1) : NaN;
    const ok =
      typeof t.name === 'string' &&
      (t.dtype === 'f32' || t.dtype === 'u32') &&
      Number.isSafeInteger(t.offset) &&
      t.offset >= 0 &&
      t.offset % 4 === 0 &&
      t.bytes === size * 4 &&
      data + t.offset + t.bytes <= end;
    if (!ok || tensors.has(t.name))
      fail(file, 'checkpoint/tensor', `bad tensor entry ${JSON.stringify(t).slice(0, 200)}`);
    // Copy: the tensors then own aligned buffers independent of the file's bytes.
    const raw = bytes.slice(data + t.offset, data + t.offset + t.bytes).buffer;
    tensors.set(t.name, t.dtype === 'f32' ? new Float32Array(raw) : new Uint32Array(raw));
  }
  return { meta: parsed.meta, tensors };
}
