/**
 * Atomic checkpoint generations in one directory per run (the Origin Private File System in the
 * app, memory in tests):
 *
 *   gen-<n>.ckpt        self-verifying checkpoint files (src/io/checkpoint.ts)
 *   pointer-0/pointer-1 two small pointer records, written alternately: {seq, generation, file,
 *                       bytes, crc, step} + their own CRC-32
 *
 * A commit writes generation n+1, reads it back and verifies its checksum, then writes the pointer
 * slot the older record occupies; only then is generation n−1 deleted. A tab dying at any moment
 * leaves either the old pointer (naming generation n, still present) or the new one (naming a
 * verified file); a torn pointer record fails its CRC and the other slot is used. Loading walks
 * the valid records newest first and takes the first generation that verifies.
 */
import { crc32 } from '../io/crc32.ts';
import { IoError } from '../io/errors.ts';

/** The file operations the store needs (one run's directory). */
export interface CheckpointDir {
  /** Writes the whole file, replacing it; throws (e.g. a QuotaExceededError) on failure. */
  write(name: string, bytes: Uint8Array): Promise<void>;
  /** The file's bytes, or null when there is none. */
  read(name: string): Promise<Uint8Array | null>;
  remove(name: string): Promise<void>;
  list(): Promise<string[]>;
}

export interface PointerRecord {
  seq: number;
  generation: number;
  file: string;
  bytes: number;
  crc: number;
  step: number;
}

const SLOTS = ['pointer-0', 'pointer-1'] as const;
const genFile = (n: number) => `gen-${n}.ckpt`;
const GEN_RE = /^gen-(\d+)\.ckpt$/;

/** Encodes a pointer record: JSON, a newline, then the CRC-32 of the JSON in hex. */
export function encodePointer(p: PointerRecord): Uint8Array {
  const json = JSON.stringify(p);
  const crc = crc32(new TextEncoder().encode(json)).toString(16).padStart(8, '0');
  return new TextEncoder().encode(`${json}\n${crc}`);
}

/** Decodes a pointer record; null when torn or corrupted (its CRC fails). */
export function decodePointer(bytes: Uint8Array): PointerRecord | null {
  const text = new TextDecoder().decode(bytes);
  const nl = text.lastIndexOf('\n');
  if (nl < 0) return null;
  const json = text.slice(0, nl);
  const crc = crc32(new TextEncoder().encode(json)).toString(16).padStart(8, '0');
  if (crc !== text.slice(nl + 1)) return null;
  try {
    const p = JSON.parse(json) as PointerRecord;
    return Number.isInteger(p.seq) && Number.isInteger(p.generation) && typeof p.file === 'string'
      ? p
      : null;
  } catch {
    return null;
  }
}

/** A committed generation as loaded: its bytes (verified by the caller's decoder) and pointer. */
export interface LoadedGeneration<T> {
  pointer: PointerRecord;
  value: T;
  /** Files seen but not used, with the reason (a half-written generation, a torn pointer). */
  ignored: string[];
}

export class CheckpointStore {
  private latest: PointerRecord | null = null;
  private loaded = false;

  constructor(readonly dir: CheckpointDir) {}

  /** Valid pointer records, newest first. */
  async pointers(): Promise<{ records: PointerRecord[]; ignored: string[] }> {
    const records: PointerRecord[] = [];
    const ignored: string[] = [];
    for (const slot of SLOTS) {
      const bytes = await this.dir.read(slot);
      if (!bytes) continue;
      const p = decodePointer(bytes);
      if (p) records.push(p);
      else ignored.push(`${slot} (torn pointer record)`);
    }
    records.sort((a, b) => b.seq - a.seq);
    return { records, ignored };
  }

  /**
   * The newest committed generation that verifies, decoded by `decode` (which throws on a bad
   * file); null when there is none. Generation files no pointer names are listed as ignored.
   */
  async load<T>(
    decode: (bytes: Uint8Array, file: string) => T,
  ): Promise<LoadedGeneration<T> | null> {
    const { records, ignored } = await this.pointers();
    const named = new Set(records.map((r) => r.file));
    for (const f of await this.dir.list())
      if (GEN_RE.test(f) && !named.has(f)) ignored.push(`${f} (never committed)`);
    for (const pointer of records) {
      const bytes = await this.dir.read(pointer.file);
      if (!bytes) {
        ignored.push(`${pointer.file} (missing)`);
        continue;
      }
      try {
        if (bytes.length !== pointer.bytes || crc32(bytes) !== pointer.crc)
          throw new Error('does not match its pointer record');
        const value = decode(bytes, pointer.file);
        this.latest = records[0];
        this.loaded = true;
        return { pointer, value, ignored };
      } catch (e) {
        ignored.push(`${pointer.file} (${e instanceof Error ? e.message : String(e)})`);
      }
    }
    this.latest = records[0] ?? null;
    this.loaded = true;
    return null;
  }

  /**
   * Writes `bytes` as the next generation, verifies it and switches the pointer. On any failure
   * (quota, a read-back mismatch) the new file is removed and the previous generation stays
   * committed; the error is rethrown.
   */
  async commit(bytes: Uint8Array, step: number): Promise<PointerRecord> {
    if (!this.loaded) {
      this.latest = (await this.pointers()).records[0] ?? null;
      this.loaded = true;
    }
    const prev = this.latest;
    const generation = (prev?.generation ?? 0) + 1;
    const file = genFile(generation);
    const crc = crc32(bytes);
    try {
      await this.dir.write(file, bytes);
      const back = await this.dir.read(file);
      if (!back || back.length !== bytes.length || crc32(back) !== crc)
        throw new IoError(file, 'checkpoint/verify', 'read back differs from what was written');
    } catch (e) {
      await this.dir.remove(file).catch(() => {});
      throw e;
    }
    const pointer: PointerRecord = {
      seq: (prev?.seq ?? 0) + 1,
      generation,
      file,
      bytes: bytes.length,
      crc,
      step,
    };
    await this.dir.write(SLOTS[pointer.seq % 2], encodePointer(pointer));
    this.latest = pointer;
    // Keep this generation and the previous one; drop older ones and uncommitted leftovers.
    for (const f of await this.dir.list()) {
      const m = GEN_RE.exec(f);
      if (m && f !== file && f !== prev?.file) await this.dir.remove(f).catch(() => {});
    }
    return pointer;
  }
}
