import type { ArrayReader, TensorHeader } from './dataset.ts';
import { activationReader, tensorBytes } from './dataset.ts';
import type { DType } from './dtype.ts';
import { ITEM_SIZE } from './dtype.ts';
import { fail, formatBytes } from './errors.ts';
import type { PyValue } from './pyliteral.ts';
import { PyLiteralError, parsePyLiteral } from './pyliteral.ts';
import type { ByteSource } from './source.ts';

/** Largest header accepted. NumPy itself writes < 1 KiB and refuses > 10 000 bytes by default. */
export const MAX_NPY_HEADER = 64 * 1024;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

const KINDS: Record<string, Partial<Record<number, DType>>> = {
  f: { 2: 'f16', 4: 'f32', 8: 'f64' },
  i: { 1: 'i8', 2: 'i16', 4: 'i32', 8: 'i64' },
  u: { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' },
};

const UNSUPPORTED_KIND: Record<string, string> = {
  O: 'Python objects (pickle)',
  S: 'byte strings',
  a: 'byte strings',
  U: 'unicode strings',
  V: 'raw void/structured records',
  c: 'complex numbers',
  M: 'datetimes',
  m: 'timedeltas',
  b: 'booleans',
  '?': 'booleans',
};

/** Maps a NumPy `descr` such as `<f4` to a dtype and byte order, or explains why not. */
function parseDescr(file: string, descr: PyValue): { dtype: DType; littleEndian: boolean } {
  if (typeof descr !== 'string') {
    fail(
      file,
      'npy/unsupported-dtype',
      `unsupported dtype: structured arrays (descr is a list) cannot be used as activations`,
    );
  }
  const m = /^([<>|=]?)([A-Za-z?])(\d*)$/.exec(descr);
  const kind = m?.[2] ?? '';
  const size = Number(m?.[3] ?? '');
  const dtype = m ? KINDS[kind]?.[size] : undefined;
  if (!m || !dtype) {
    const what = UNSUPPORTED_KIND[kind] ?? (kind === 'f' ? `float${size * 8}` : 'an unknown type');
    fail(
      file,
      'npy/unsupported-dtype',
      `unsupported dtype ${JSON.stringify(descr)} (${what}); use float16, float32 or float64`,
    );
  }
  const bo = m[1];
  // '|' (not applicable) is only meaningful for one-byte types; '=' (native) never appears in
  // files because NumPy writes an explicit order, and guessing the writer's machine is unsafe.
  if ((bo === '|' || bo === '') && size !== 1) {
    fail(file, 'npy/unsupported-dtype', `dtype ${JSON.stringify(descr)} has no byte order`);
  }
  if (bo === '=')
    fail(file, 'npy/unsupported-dtype', `dtype ${JSON.stringify(descr)} has native byte order`);
  return { dtype, littleEndian: bo !== '>' };
}

/**
 * Reads and validates a `.npy` header (format versions 1.0, 2.0, 3.0). Only the first bytes are
 * read; sizes are checked against the file size with BigInt before anything is allocated.
 * Data shorter than promised → `npy/truncated`; longer → a warning, the extra bytes are ignored.
 */
export async function readNpyHeader(
  src: ByteSource,
  format: 'npy' | 'npz' = 'npy',
): Promise<TensorHeader> {
  const file = src.name;
  if (src.size < 10)
    fail(file, 'npy/bad-magic', `not a .npy file (${src.size} bytes, too short for a header)`);
  const pre = await src.read(0, 12 <= src.size ? 12 : 10);
  if (!MAGIC.every((b, i) => pre[i] === b))
    fail(file, 'npy/bad-magic', 'not a .npy file (the magic bytes \\x93NUMPY are missing)');
  const major = pre[6];
  const minor = pre[7];
  if (![1, 2, 3].includes(major) || minor !== 0) {
    fail(
      file,
      'npy/unsupported-version',
      `unsupported .npy version ${major}.${minor} (1.0, 2.0 and 3.0 are supported)`,
    );
  }
  if (major > 1 && pre.length < 12)
    fail(file, 'npy/truncated', 'file truncated inside the header length');
  const lenBytes = major === 1 ? 2 : 4;
  const dv = new DataView(pre.buffer, pre.byteOffset, pre.byteLength);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const headerStart = 8 + lenBytes;
  if (headerLen > MAX_NPY_HEADER) {
    fail(
      file,
      'npy/header-too-large',
      `header length ${headerLen} bytes exceeds the ${MAX_NPY_HEADER}-byte limit`,
    );
  }
  if (headerStart + headerLen > src.size) {
    fail(
      file,
      'npy/truncated',
      `file truncated: header claims ${headerLen} bytes but the file has ${src.size - headerStart} after the prefix`,
    );
  }
  const raw = await src.read(headerStart, headerLen);
  let text: string;
  try {
    // v1/v2 headers are latin-1, v3 UTF-8 (fatal: reject invalid sequences instead of guessing).
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(raw);
  } catch (e) {
    fail(file, 'npy/bad-header', 'header is not valid UTF-8', e);
  }
  let dict: PyValue;
  try {
    dict = parsePyLiteral(text);
  } catch (e) {
    if (!(e instanceof PyLiteralError)) throw e;
    fail(file, 'npy/bad-header', `header is not a Python literal dict: ${e.message}`, e);
  }
  if (!(dict instanceof Map)) fail(file, 'npy/bad-header', 'header is not a dict');
  const keys = [...dict.keys()].sort();
  if (keys.join() !== 'descr,fortran_order,shape') {
    fail(
      file,
      'npy/bad-header',
      `header keys must be exactly descr, fortran_order, shape; found ${keys.join(', ') || 'none'}`,
    );
  }
  const { dtype, littleEndian } = parseDescr(file, dict.get('descr') ?? null);
  const fortran = dict.get('fortran_order');
  if (typeof fortran !== 'boolean')
    fail(file, 'npy/bad-header', 'fortran_order must be True or False');
  const shapeV = dict.get('shape');
  if (!shapeV || typeof shapeV !== 'object' || shapeV instanceof Map || shapeV.kind !== 'tuple') {
    fail(file, 'npy/bad-shape', 'shape must be a tuple of integers');
  }
  if (shapeV.items.length > 64) fail(file, 'npy/bad-shape', 'shape has more than 64 dimensions');
  const dims: bigint[] = shapeV.items.map((d) => {
    if (typeof d !== 'bigint') fail(file, 'npy/bad-shape', 'shape must be a tuple of integers');
    if (d < 0n) fail(file, 'npy/bad-shape', `shape has a negative dimension (${d})`);
    // A zero elsewhere in the shape would let a huge dimension pass the size check.
    if (d > BigInt(Number.MAX_SAFE_INTEGER))
      fail(file, 'npy/bad-shape', `shape dimension ${d} is too large`);
    return d;
  });
  const shapeText = `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
  const dataOffset = headerStart + headerLen;
  const need = tensorBytes(dims, ITEM_SIZE[dtype]);
  const have = BigInt(src.size - dataOffset);
  if (need > have) {
    fail(
      file,
      'npy/truncated',
      `file truncated: shape ${shapeText} ${dtype} needs ${formatBytes(need)} of data but the file has ${formatBytes(have)}`,
    );
  }
  const warnings: string[] = [];
  if (need < have) warnings.push(`${have - need} trailing bytes after the data were ignored`);
  return {
    format,
    file,
    dtype,
    littleEndian,
    shape: dims.map(Number), // exact: each dimension was checked to be < 2^53
    order: fortran && dims.length > 1 ? 'F' : 'C',
    dataOffset,
    dataBytes: Number(need),
    warnings,
  };
}

/** Opens a `.npy` file of activations (2-D or 3-D) for reading rows. */
export async function openNpy(src: ByteSource): Promise<ArrayReader> {
  return activationReader(src, await readNpyHeader(src));
}
