import type { ArrayReader } from './dataset.ts';
import { activationReader } from './dataset.ts';
import type { DType } from './dtype.ts';
import { decodeToFloat32 } from './dtype.ts';
import { fail, formatBytes } from './errors.ts';
import type { JsonValue } from './json.ts';
import { JsonSyntaxError, jsonInt, parseJson } from './json.ts';
import type { ByteSource } from './source.ts';

/** The reference implementation's limit on the JSON header (`MAX_HEADER_SIZE`). */
export const MAX_SAFETENSORS_HEADER = 100_000_000;

/** Most dimensions accepted in a shape (NumPy 2 allows 64). */
const MAX_RANK = 64;

/** Every dtype the format defines, with its size in bytes; unknown names are an error. */
export const SAFETENSORS_DTYPES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
  C64: 8,
};

/** The dtypes this app can decode, mapped to the io layer's names. */
const DECODABLE: Readonly<Record<string, DType>> = {
  F64: 'f64',
  F32: 'f32',
  F16: 'f16',
  BF16: 'bf16',
  I8: 'i8',
  U8: 'u8',
  I16: 'i16',
  U16: 'u16',
  I32: 'i32',
  U32: 'u32',
  I64: 'i64',
  U64: 'u64',
};

/** One tensor as listed in the header; offsets are absolute within the file. */
export interface SafetensorsTensor {
  name: string;
  /** Safetensors dtype name, e.g. `BF16`. */
  dtype: string;
  shape: number[];
  /** Absolute byte range of the data in the file. */
  begin: number;
  end: number;
}

/** A validated safetensors file: the tensor list plus ways to read any of them. */
export interface SafetensorsFile {
  file: string;
  /** In data order. */
  tensors: SafetensorsTensor[];
  /** `__metadata__`, string → string. */
  metadata: Map<string, string>;
  /** Opens a 2-D/3-D tensor as activation rows. */
  open(name: string): ArrayReader;
  /** Reads a small tensor whole (e.g. a scalar `k`); refuses more than `maxElements`. */
  readValues(name: string, maxElements?: number): Promise<Float32Array>;
}

/**
 * Opens and validates a `.safetensors` file with the rules of the reference implementation:
 * header length within the file and ≤ 100 MB, a UTF-8 JSON object, known dtypes, string
 * metadata, data offsets contiguous from 0 without gaps, overlaps or reversal, each size equal to
 * shape × dtype size, and the file ending exactly at the last tensor. Duplicate names are
 * rejected. Only the header is read.
 */
export async function openSafetensors(src: ByteSource): Promise<SafetensorsFile> {
  const file = src.name;
  const bad = (code: string, problem: string): never => fail(file, `safetensors/${code}`, problem);
  if (src.size < 8)
    bad(
      'too-short',
      `not a safetensors file (${src.size} bytes, less than the 8-byte header length)`,
    );
  const n = new DataView((await src.read(0, 8)).buffer).getBigUint64(0, true);
  if (n > BigInt(MAX_SAFETENSORS_HEADER))
    bad('header-too-large', `header length ${formatBytes(n)} exceeds the 100 MB limit`);
  if (8n + n > BigInt(src.size))
    bad('header-length', `header length ${n} bytes runs past the end of the ${src.size}-byte file`);
  const headerLen = Number(n);
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      await src.read(8, headerLen),
    );
  } catch (e) {
    if (e instanceof TypeError) bad('bad-utf8', 'header is not valid UTF-8');
    throw e;
  }
  if (!text.startsWith('{')) bad('bad-header', 'header is not a JSON object');
  let json: JsonValue = null;
  try {
    json = parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) bad('bad-json', `header is not valid JSON: ${e.message}`);
    throw e;
  }
  if (!(json instanceof Map)) return bad('bad-header', 'header is not a JSON object');

  const metadata = new Map<string, string>();
  const tensors: SafetensorsTensor[] = [];
  const dataStart = 8 + headerLen;
  for (const [name, v] of json) {
    if (name === '__metadata__') {
      if (!(v instanceof Map)) bad('bad-metadata', '__metadata__ must be an object of strings');
      for (const [k, s] of v as Map<string, JsonValue>) {
        if (typeof s !== 'string')
          bad('bad-metadata', `__metadata__ value for ${JSON.stringify(k)} is not a string`);
        metadata.set(k, s as string);
      }
      continue;
    }
    const what = `tensor ${JSON.stringify(name)}`;
    if (!(v instanceof Map)) return bad('bad-header', `${what} is not an object`);
    const dtype = v.get('dtype');
    if (typeof dtype !== 'string') return bad('bad-header', `${what} has no dtype`);
    const size = SAFETENSORS_DTYPES[dtype];
    if (size === undefined)
      bad('unknown-dtype', `${what} has unknown dtype ${JSON.stringify(dtype)}`);
    const shapeV = v.get('shape');
    const offV = v.get('data_offsets');
    if (!Array.isArray(shapeV)) return bad('bad-header', `${what} has no shape list`);
    if (!Array.isArray(offV) || offV.length !== 2)
      return bad('bad-header', `${what} needs data_offsets [begin, end]`);
    const dims = shapeV.map((d) => jsonInt(d));
    const [b, e] = offV.map((d) => jsonInt(d));
    // Dimensions beyond 2^53 could only pass the size check next to a zero; refuse them, and
    // cap the rank so a hostile header cannot make the size product slow.
    if (dims.length > MAX_RANK) bad('bad-header', `${what} has more than ${MAX_RANK} dimensions`);
    if (dims.some((d) => d === undefined || d < 0n || d > BigInt(Number.MAX_SAFE_INTEGER)))
      bad('bad-header', `${what} shape must be non-negative integers below 2^53`);
    if (b === undefined || e === undefined || b < 0n || e < 0n)
      return bad('bad-offsets', `${what} data_offsets must be non-negative integers`);
    let elements = 1n;
    for (const d of dims) elements *= d as bigint;
    const bytes = elements * BigInt(size);
    if (e < b) bad('bad-offsets', `${what} has reversed data_offsets [${b}, ${e}]`);
    if (BigInt(dataStart) + e > BigInt(src.size))
      bad(
        'truncated',
        `file truncated: ${what} data_offsets [${b}, ${e}] run past the end of the file`,
      );
    if (e - b !== bytes) {
      bad(
        'size-mismatch',
        `${what} shape [${dims.join(', ')}] × ${dtype} is ${bytes} bytes but data_offsets span ${e - b}`,
      );
    }
    tensors.push({
      name,
      dtype,
      shape: dims.map(Number),
      begin: dataStart + Number(b),
      end: dataStart + Number(e),
    });
  }
  // Contiguity, as in the reference `validate()`: sorted by offsets, each starts where the last
  // ended, starting at 0. This rejects gaps (holes) and overlaps alike.
  tensors.sort((x, y) => x.begin - y.begin || x.end - y.end);
  let at = dataStart;
  for (const t of tensors) {
    if (t.begin !== at) {
      bad(
        t.begin < at ? 'overlap' : 'gap',
        `tensor ${JSON.stringify(t.name)} starts at data byte ${t.begin - dataStart} but the previous data ends at ${at - dataStart} (${t.begin < at ? 'overlap' : 'gap'})`,
      );
    }
    at = t.end;
  }
  if (at !== src.size) {
    if (at < src.size) bad('trailing-bytes', `${src.size - at} bytes after the last tensor's data`);
  }

  const find = (name: string): SafetensorsTensor => {
    const t = tensors.find((x) => x.name === name);
    if (!t)
      return fail(
        file,
        'safetensors/no-tensor',
        `no tensor named ${JSON.stringify(name)} (has: ${tensors.map((x) => x.name).join(', ')})`,
      );
    return t;
  };
  const dtypeOf = (t: SafetensorsTensor): DType =>
    DECODABLE[t.dtype] ??
    fail(
      file,
      'safetensors/unsupported-dtype',
      `tensor ${JSON.stringify(t.name)} has dtype ${t.dtype}, which cannot be decoded (F32, F16, BF16, F64 and integers can)`,
    );

  return {
    file,
    tensors,
    metadata,
    open(name) {
      const t = find(name);
      return activationReader(src, {
        format: 'safetensors',
        file,
        tensor: name,
        dtype: dtypeOf(t),
        littleEndian: true,
        shape: t.shape,
        order: 'C',
        dataOffset: t.begin,
        dataBytes: t.end - t.begin,
        warnings: [],
      });
    },
    async readValues(name, maxElements = 1 << 20) {
      const t = find(name);
      const dtype = dtypeOf(t);
      const count = t.shape.reduce((a, d) => a * d, 1);
      if (count > maxElements)
        fail(
          file,
          'safetensors/too-large',
          `tensor ${JSON.stringify(name)} has ${count} elements, more than ${maxElements}`,
        );
      // Copying out of the read buffer also fixes alignment: offsets need not be multiples of 4.
      return decodeToFloat32(await src.read(t.begin, t.end - t.begin), dtype, true);
    },
  };
}
