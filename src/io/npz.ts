import type { Entry, FileEntry } from '@zip.js/zip.js';
import { ERR_UNSAFE_FILENAME, Reader, Writer, ZipReader } from '@zip.js/zip.js';
import type { ArrayReader, TensorHeader } from './dataset.ts';
import { activationReader } from './dataset.ts';
import { ITEM_SIZE, decodeToFloat32 } from './dtype.ts';
import { IoError, fail, formatBytes } from './errors.ts';
import { MAX_NPY_HEADER, readNpyHeader } from './npy.ts';
import type { ByteSource } from './source.ts';
import { bytesSource, subSource } from './source.ts';
import type { Spill, SpillSink } from './spill.ts';

/** One `.npy` array inside an `.npz` archive. */
export interface NpzMember {
  /** Name in the archive, e.g. `acts.npy`. */
  name: string;
  /** The key `np.load` would use (`acts`). */
  key: string;
  compressed: boolean;
  compressedSize: number;
  uncompressedSize: number;
}

/** An opened `.npz` archive. */
export interface NpzFile {
  file: string;
  members: NpzMember[];
  /** Reads only the `.npy` header of a member (inflating just its first bytes if compressed). */
  header(name: string): Promise<TensorHeader>;
  /**
   * Opens a member as activation rows. A compressed member is inflated into memory when it is
   * within `maxInflatedBytes`, else decoded once into the spill (when there is one).
   */
  open(name: string): Promise<ArrayReader>;
  /**
   * Reads a whole member of any rank as float32 in C order (2-D Fortran order is transposed),
   * e.g. SAE weights; refuses more than `maxElements`.
   */
  readArray(name: string, maxElements?: number): Promise<{ shape: number[]; data: Float32Array }>;
}

/** Options of {@link openNpz}. */
export interface NpzOptions {
  /** Largest compressed member inflated into memory (default 1 GiB); stored members stream. */
  maxInflatedBytes?: number;
  /** Where a larger compressed member is decoded once, to be read in slices; else refused. */
  spill?: Spill;
}

/** zip.js `Reader` over a {@link ByteSource}, so the archive is read in slices, never whole. */
class SourceReader extends Reader<ByteSource> {
  constructor(private readonly src: ByteSource) {
    super(src);
    this.size = src.size;
  }
  readUint8Array(index: number, length: number): Promise<Uint8Array> {
    // zip.js may probe past the end of a corrupt archive; it expects a short (empty) result.
    const n = Math.min(length, this.src.size - index);
    return n > 0 && index >= 0 ? this.src.read(index, n) : Promise.resolve(new Uint8Array(0));
  }
}

const STOP = Symbol('enough bytes');

/**
 * A zip.js `Writer` into a buffer of the declared size. A member that inflates past its declared
 * size (a zip bomb, or a corrupt archive) is aborted at the first extra byte, so memory never
 * exceeds the declared size, which was checked against the limit before allocating.
 */
class BoundedWriter extends Writer<Uint8Array> {
  readonly buf: Uint8Array;
  written = 0;
  overflow = false;
  constructor(
    capacity: number,
    private readonly stopAt = Infinity,
  ) {
    super();
    this.buf = new Uint8Array(capacity);
  }
  async writeUint8Array(chunk: Uint8Array): Promise<void> {
    const room = this.buf.length - this.written;
    if (chunk.length > room) {
      if (this.stopAt !== Infinity) {
        // Reading a prefix only: keep what fits and stop; this is not an overflow.
        this.buf.set(chunk.subarray(0, room), this.written);
        this.written += room;
        throw STOP;
      }
      this.overflow = true;
      throw new Error('inflated data exceeds the declared size');
    }
    this.buf.set(chunk, this.written);
    this.written += chunk.length;
    if (this.written >= this.stopAt) throw STOP;
  }
  async getData(): Promise<Uint8Array> {
    return this.buf.subarray(0, this.written);
  }
}

/**
 * A zip.js `Writer` into a {@link SpillSink}, bounded like {@link BoundedWriter}: a member that
 * inflates past its declared size is aborted at the first extra byte.
 */
class SpillWriter extends Writer<null> {
  written = 0;
  overflow = false;
  constructor(
    private readonly sink: SpillSink,
    private readonly capacity: number,
  ) {
    super();
  }
  async writeUint8Array(chunk: Uint8Array): Promise<void> {
    if (chunk.length > this.capacity - this.written) {
      this.overflow = true;
      throw new Error('inflated data exceeds the declared size');
    }
    await this.sink.write(chunk);
    this.written += chunk.length;
  }
  async getData(): Promise<null> {
    return null;
  }
}

const zipMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Rejects names a zip extractor could turn into paths outside its folder. */
function checkName(file: string, name: string): void {
  const parts = name.split(/[\\/]/);
  if (
    name.startsWith('/') ||
    name.startsWith('\\') ||
    /^[A-Za-z]:/.test(name) ||
    parts.includes('..') ||
    name.includes('\0')
  ) {
    fail(
      file,
      'npz/unsafe-name',
      `archive member name ${JSON.stringify(name)} is an absolute or parent-directory path`,
    );
  }
}

/**
 * Opens an `.npz` (a zip of `.npy` files, as written by `np.savez` / `np.savez_compressed`,
 * ZIP64 included) and lists its arrays. Stored members are read in slices straight from the
 * file; deflated ones are inflated once, into a buffer no larger than their declared size.
 */
export async function openNpz(src: ByteSource, opts: NpzOptions = {}): Promise<NpzFile> {
  const file = src.name;
  const maxInflated = opts.maxInflatedBytes ?? 2 ** 30;
  const zip = new ZipReader(new SourceReader(src), { useWebWorkers: false, checkCrc32: true });
  let entries: Entry[];
  try {
    entries = await zip.getEntries();
  } catch (e) {
    if (e instanceof IoError) throw e;
    // zip.js refuses absolute and `..` names itself while listing; report it as such.
    if (e instanceof Error && e.message === ERR_UNSAFE_FILENAME) {
      fail(
        file,
        'npz/unsafe-name',
        'archive has a member with an absolute or parent-directory path',
        e,
      );
    }
    fail(
      file,
      'npz/bad-zip',
      `not a readable .npz/zip archive (${zipMessage(e)}); the file may be truncated`,
      e,
    );
  }
  const files = new Map<string, FileEntry>();
  for (const e of entries) {
    checkName(file, e.filename);
    if (e.directory) continue;
    if (files.has(e.filename))
      fail(file, 'npz/duplicate', `archive has two members named ${JSON.stringify(e.filename)}`);
    files.set(e.filename, e);
  }
  const members: NpzMember[] = [...files.values()]
    .filter((e) => e.filename.endsWith('.npy'))
    .map((e) => ({
      name: e.filename,
      key: e.filename.slice(0, -4),
      compressed: e.compressionMethod !== 0,
      compressedSize: e.compressedSize,
      uncompressedSize: e.uncompressedSize,
    }));
  if (members.length === 0) fail(file, 'npz/empty', 'archive contains no .npy arrays');

  const entryOf = (name: string): FileEntry => {
    const e = files.get(name) ?? files.get(`${name}.npy`);
    if (!e)
      return fail(
        file,
        'npz/no-member',
        `no array named ${JSON.stringify(name)} (has: ${members.map((m) => m.key).join(', ')})`,
      );
    if (e.encrypted)
      fail(
        file,
        'npz/encrypted',
        `member ${JSON.stringify(e.filename)} is encrypted; NumPy archives never are`,
      );
    if (e.compressionMethod !== 0 && e.compressionMethod !== 8) {
      fail(
        file,
        'npz/unsupported-compression',
        `member ${JSON.stringify(e.filename)} uses compression method ${e.compressionMethod} (only stored and deflate)`,
      );
    }
    return e;
  };

  // A stored member is a window of the archive: find where its data starts after the local header.
  const storedSource = async (e: FileEntry): Promise<ByteSource> => {
    const name = `${file}/${e.filename}`;
    if (e.offset + 30 > src.size)
      fail(file, 'npz/truncated', `archive truncated inside ${e.filename}`);
    const lh = await src.read(e.offset, 30);
    const dv = new DataView(lh.buffer, lh.byteOffset, 30);
    if (dv.getUint32(0, true) !== 0x04034b50)
      fail(file, 'npz/bad-zip', `bad local header for ${e.filename}`);
    const start = e.offset + 30 + dv.getUint16(26, true) + dv.getUint16(28, true);
    if (start + e.compressedSize > src.size)
      fail(file, 'npz/truncated', `archive truncated: ${e.filename} runs past the end`);
    if (e.compressedSize !== e.uncompressedSize)
      fail(
        file,
        'npz/bad-zip',
        `stored member ${e.filename} has different compressed and uncompressed sizes`,
      );
    return subSource(src, start, e.compressedSize, name);
  };

  /** Runs zip.js's inflation into `w`, turning its failures into the archive's errors. */
  const inflateInto = async (e: FileEntry, w: BoundedWriter | SpillWriter, stopAt?: number) => {
    try {
      await e.getData(w);
    } catch (err) {
      if (err === STOP || (stopAt !== undefined && w.written >= stopAt)) return;
      if (w.overflow || zipMessage(err).includes('uncompressed size')) {
        fail(
          file,
          'npz/zip-bomb',
          `member ${e.filename} inflates beyond its declared ${e.uncompressedSize} bytes; aborted`,
          err,
        );
      }
      fail(
        file,
        'npz/bad-zip',
        `cannot inflate ${e.filename} (${zipMessage(err)}); the archive may be truncated or corrupt`,
        err,
      );
    }
    if (stopAt === undefined && w.written !== e.uncompressedSize) {
      fail(
        file,
        'npz/truncated',
        `member ${e.filename} inflated to ${w.written} bytes, ${e.uncompressedSize} declared`,
      );
    }
  };

  /** A compressed member over the in-memory limit, decoded once into the spill. */
  const spilled = async (e: FileEntry, spill: Spill): Promise<ByteSource> => {
    const sink = await spill(file, e.filename, e.uncompressedSize);
    const w = new SpillWriter(sink, e.uncompressedSize);
    try {
      await inflateInto(e, w);
    } catch (err) {
      await sink.discard();
      throw err;
    }
    return sink.finish(`${file}/${e.filename}`);
  };

  const inflate = async (e: FileEntry, stopAt?: number): Promise<ByteSource> => {
    const declared = e.uncompressedSize;
    const cap = stopAt === undefined ? declared : Math.min(declared, stopAt);
    // A header's prefix (a few KiB at most) is always read in memory.
    if (stopAt === undefined && declared > maxInflated) {
      if (opts.spill) return spilled(e, opts.spill);
      fail(
        file,
        'npz/too-large',
        `compressed member ${e.filename} is ${formatBytes(declared)} inflated, over the ${formatBytes(maxInflated)} it may take in memory; save with np.savez (uncompressed) to stream it`,
      );
    }
    const w = new BoundedWriter(cap, stopAt);
    await inflateInto(e, w, stopAt);
    return bytesSource(`${file}/${e.filename}`, w.buf.subarray(0, w.written));
  };

  const source = (e: FileEntry, headerOnly: boolean): Promise<ByteSource> =>
    e.compressionMethod === 0
      ? storedSource(e)
      : inflate(e, headerOnly ? MAX_NPY_HEADER + 12 : undefined);

  return {
    file,
    members,
    async header(name) {
      const e = entryOf(name);
      const s = await source(e, true);
      if (e.compressionMethod === 0) return readNpyHeader(s, 'npz');
      // Only a prefix was inflated: validate sizes against the declared member size instead.
      const sized: ByteSource = {
        name: s.name,
        size: e.uncompressedSize,
        read: (o, l) => s.read(o, l),
      };
      return readNpyHeader(sized, 'npz');
    },
    async open(name) {
      const s = await source(entryOf(name), false);
      return activationReader(s, await readNpyHeader(s, 'npz'));
    },
    async readArray(name, maxElements = 2 ** 28) {
      const s = await source(entryOf(name), false);
      const h = await readNpyHeader(s, 'npz');
      const count = h.shape.reduce((a, d) => a * d, 1);
      if (count > maxElements)
        fail(file, 'npz/too-large', `array ${name} has ${count} elements, over ${maxElements}`);
      if (h.order === 'F' && h.shape.length > 2)
        fail(file, 'npz/fortran-3d', `array ${name} is ${h.shape.length}-D in Fortran order`);
      const raw = await s.read(h.dataOffset, count * ITEM_SIZE[h.dtype]);
      const v = decodeToFloat32(raw, h.dtype, h.littleEndian, new Float32Array(count));
      if (h.order !== 'F') return { shape: h.shape, data: v };
      // Fortran [r, c]: element (i, j) at j·r + i.
      const [r, c] = h.shape;
      const data = new Float32Array(count);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[i * c + j] = v[j * r + i];
      return { shape: h.shape, data };
    },
  };
}
