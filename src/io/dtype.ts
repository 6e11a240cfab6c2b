/**
 * Element types and their exact conversion to float32. Conversions work on bit patterns, not on
 * JavaScript numbers, so they match NumPy bit for bit (including NaN payloads and subnormals).
 */

/** Element types the io layer can decode. */
export type DType =
  'f16' | 'bf16' | 'f32' | 'f64' | 'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32' | 'i64' | 'u64';

/** Bytes per element. */
export const ITEM_SIZE: Readonly<Record<DType, number>> = {
  f16: 2,
  bf16: 2,
  f32: 4,
  f64: 8,
  i8: 1,
  u8: 1,
  i16: 2,
  u16: 2,
  i32: 4,
  u32: 4,
  i64: 8,
  u64: 8,
};

/** True for the floating types (the ones that can hold NaN/Inf). */
export function isFloat(dtype: DType): boolean {
  return dtype === 'f16' || dtype === 'bf16' || dtype === 'f32' || dtype === 'f64';
}

let halfTable: Uint32Array | undefined;

/** IEEE half → single bits, the same algorithm as NumPy's `npy_halfbits_to_floatbits`. */
export function halfToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  let sig = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (sig << 13)) >>> 0; // Inf/NaN keep the payload
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (sig << 13)) >>> 0;
  if (sig === 0) return sign >>> 0; // ±0
  // Subnormal half: every one is a normal float32; shift until the implicit bit appears.
  let e = 0;
  sig <<= 1;
  while ((sig & 0x400) === 0) {
    sig <<= 1;
    e++;
  }
  return (sign | ((112 - e) << 23) | ((sig & 0x3ff) << 13)) >>> 0;
}

function getHalfTable(): Uint32Array {
  if (!halfTable) {
    halfTable = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloatBits(h);
  }
  return halfTable;
}

/** The float32 value of every half bit pattern (256 KiB, built once): `t[h]` decodes `h`. */
export function halfTableF32(): Float32Array {
  return new Float32Array(getHalfTable().buffer);
}

/** 16-bit elements of `raw` in little-endian order as a `Uint16Array` (a view when possible). */
export function uint16View(raw: Uint8Array, littleEndian: boolean): Uint16Array {
  const n = raw.length >> 1;
  return viewAs(toLittleEndian(raw.subarray(0, 2 * n), 2, littleEndian), 2, Uint16Array);
}

/** Returns little-endian bytes: `raw` itself when already little-endian, else a swapped copy. */
export function toLittleEndian(
  raw: Uint8Array,
  itemSize: number,
  littleEndian: boolean,
): Uint8Array {
  if (littleEndian || itemSize === 1) return raw;
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i += itemSize) {
    for (let b = 0; b < itemSize; b++) out[i + b] = raw[i + itemSize - 1 - b];
  }
  return out;
}

/** Copies bytes into a fresh, aligned buffer (the source may sit at any byte offset). */
function aligned(raw: Uint8Array): ArrayBuffer {
  const buf = new ArrayBuffer(raw.length);
  new Uint8Array(buf).set(raw);
  return buf;
}

/**
 * Decodes `raw` (elements of `dtype`, in the given byte order) to float32.
 * f64 → f32 rounds to nearest-even like NumPy's `astype('<f4')`; a NaN keeps its sign and top
 * payload bits with the quiet bit set, as the x86 conversion NumPy uses does.
 * Integers convert through float64 (exact for |v| < 2^53, which covers token ids and counts).
 *
 * With `out` (at least as many elements), decodes into it and returns the filled start of it.
 * Without, little-endian f32 that fills its own buffer (a fresh read) is returned as a view of
 * `raw`'s buffer instead of a copy: a copy costs as much as the rest of the decoding, and the
 * caller owns the freshly read bytes anyway.
 */
export function decodeToFloat32(
  raw: Uint8Array,
  dtype: DType,
  littleEndian = true,
  out?: Float32Array,
): Float32Array {
  if (out) {
    const n = Math.floor(raw.length / ITEM_SIZE[dtype]);
    if (out.length < n) throw new RangeError(`decoding ${n} values into ${out.length}`);
    return decodeInto(raw, dtype, littleEndian, out);
  }
  if (dtype === 'f32' && littleEndian && raw.byteOffset === 0 && raw.length % 4 === 0) {
    if (raw.byteLength === raw.buffer.byteLength) return new Float32Array(raw.buffer);
  }
  return decodeInto(raw, dtype, littleEndian, undefined);
}

/**
 * The float32 values of `raw` for a pass that only reads them (statistics): a view of `raw`
 * itself when it already is aligned little-endian f32, else decoded into `scratch` when it is
 * large enough (so a pass over a big file reuses one buffer instead of allocating per chunk).
 * The result is only valid until `scratch` is used again.
 */
export function float32View(
  raw: Uint8Array,
  dtype: DType,
  littleEndian: boolean,
  scratch?: Float32Array,
): Float32Array {
  if (dtype === 'f32' && littleEndian && raw.byteOffset % 4 === 0) {
    return new Float32Array(raw.buffer, raw.byteOffset, Math.floor(raw.length / 4));
  }
  return decodeInto(raw, dtype, littleEndian, scratch);
}

/** Views `raw` as `ctor` elements in place when aligned, else on an aligned copy. */
function viewAs<T>(
  raw: Uint8Array,
  size: number,
  ctor: new (b: ArrayBufferLike, offset: number, length: number) => T,
): T {
  const n = raw.length / size;
  return raw.byteOffset % size === 0
    ? new ctor(raw.buffer, raw.byteOffset, n)
    : new ctor(aligned(raw), 0, n);
}

function decodeInto(
  raw0: Uint8Array,
  dtype: DType,
  littleEndian: boolean,
  scratch: Float32Array | undefined,
): Float32Array {
  const size = ITEM_SIZE[dtype];
  const n = Math.floor(raw0.length / size);
  // Byte-swapping makes a fresh (aligned) copy; little-endian input is viewed where it lies.
  const raw = toLittleEndian(raw0.subarray(0, n * size), size, littleEndian);
  const out = scratch && scratch.length >= n ? scratch.subarray(0, n) : new Float32Array(n);
  const bits = new Uint32Array(out.buffer, out.byteOffset, n);
  switch (dtype) {
    case 'f32':
      out.set(viewAs(raw, 4, Float32Array));
      return out;
    case 'f16': {
      // One table lookup per element: cheaper than the branchy bit arithmetic (measured), and
      // exact for all 65536 patterns, NaN payloads included — Float16Array would canonicalise NaN.
      const t = getHalfTable();
      const h = viewAs(raw, 2, Uint16Array);
      for (let i = 0; i < n; i++) bits[i] = t[h[i]];
      return out;
    }
    case 'bf16': {
      const h = viewAs(raw, 2, Uint16Array);
      for (let i = 0; i < n; i++) bits[i] = h[i] << 16;
      return out;
    }
    case 'f64': {
      const d = viewAs(raw, 8, Float64Array);
      const w = new Uint32Array(d.buffer, d.byteOffset, 2 * n);
      for (let i = 0; i < n; i++) {
        const v = d[i];
        if (v === v) {
          out[i] = v; // Float32Array stores with round-to-nearest-even (= Math.fround)
        } else {
          const lo = w[2 * i];
          const hi = w[2 * i + 1];
          bits[i] = ((hi & 0x80000000) | 0x7fc00000 | ((hi & 0xfffff) << 3) | (lo >>> 29)) >>> 0;
        }
      }
      return out;
    }
    case 'i8':
      out.set(new Int8Array(raw.buffer, raw.byteOffset, n));
      return out;
    case 'u8':
      out.set(raw);
      return out;
    case 'i16':
      out.set(viewAs(raw, 2, Int16Array));
      return out;
    case 'u16':
      out.set(viewAs(raw, 2, Uint16Array));
      return out;
    case 'i32':
      out.set(viewAs(raw, 4, Int32Array));
      return out;
    case 'u32':
      out.set(viewAs(raw, 4, Uint32Array));
      return out;
    case 'i64': {
      const v = new BigInt64Array(aligned(raw));
      for (let i = 0; i < n; i++) out[i] = Number(v[i]);
      return out;
    }
    case 'u64': {
      const v = new BigUint64Array(aligned(raw));
      for (let i = 0; i < n; i++) out[i] = Number(v[i]);
      return out;
    }
  }
}

/** Result of {@link scanNonFinite}: counts and the rows (within the block) that hold any. */
export interface NonFiniteScan {
  nan: number;
  inf: number;
  rows: number[];
}

/**
 * Finds NaN/±Inf by looking at exponent bits of the raw values (all ones = non-finite). This is
 * done on the file's own encoding so nothing is lost or invented by a conversion; `width` groups
 * elements into rows.
 */
export function scanNonFinite(
  raw: Uint8Array,
  dtype: DType,
  littleEndian: boolean,
  width: number,
): NonFiniteScan {
  const res: NonFiniteScan = { nan: 0, inf: 0, rows: [] };
  if (!isFloat(dtype)) return res;
  const size = ITEM_SIZE[dtype];
  const n = Math.floor(raw.length / size);
  const le = toLittleEndian(raw.subarray(0, n * size), size, littleEndian);
  // Scanning only reads, so an aligned buffer is viewed in place instead of copied.
  const [buf, at] = le.byteOffset % size === 0 ? [le.buffer, le.byteOffset] : [aligned(le), 0];
  // One tight loop per encoding (no per-element closure): this runs over every loaded value.
  const note = (i: number, nan: boolean): void => {
    if (nan) res.nan++;
    else res.inf++;
    const row = Math.floor(i / width);
    if (res.rows.length === 0 || res.rows[res.rows.length - 1] !== row) res.rows.push(row);
  };
  if (dtype === 'f32') {
    const u = new Uint32Array(buf, at, n);
    for (let i = 0; i < n; i++) {
      if ((u[i] & 0x7f800000) === 0x7f800000) note(i, (u[i] & 0x7fffff) !== 0);
    }
  } else if (dtype === 'f64') {
    const u = new Uint32Array(buf, at, 2 * n);
    for (let i = 0; i < n; i++) {
      const hi = u[2 * i + 1];
      if ((hi & 0x7ff00000) === 0x7ff00000) note(i, (hi & 0xfffff) !== 0 || u[2 * i] !== 0);
    }
  } else {
    const u = new Uint16Array(buf, at, n);
    const [e, m] = dtype === 'f16' ? [0x7c00, 0x3ff] : [0x7f80, 0x7f];
    for (let i = 0; i < n; i++) {
      if ((u[i] & e) === e) note(i, (u[i] & m) !== 0);
    }
  }
  return res;
}

/**
 * Decodes integer elements exactly to JavaScript numbers (token ids). 64-bit values above 2^53
 * cannot be represented and are reported by index through `onUnsafe`.
 */
export function decodeIntegers(
  raw: Uint8Array,
  dtype: DType,
  littleEndian: boolean,
  onUnsafe: (index: number) => never,
): number[] {
  const size = ITEM_SIZE[dtype];
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = Math.floor(raw.length / size);
  const get: Record<string, (o: number) => number | bigint> = {
    i8: (o) => dv.getInt8(o),
    u8: (o) => dv.getUint8(o),
    i16: (o) => dv.getInt16(o, littleEndian),
    u16: (o) => dv.getUint16(o, littleEndian),
    i32: (o) => dv.getInt32(o, littleEndian),
    u32: (o) => dv.getUint32(o, littleEndian),
    i64: (o) => dv.getBigInt64(o, littleEndian),
    u64: (o) => dv.getBigUint64(o, littleEndian),
  };
  const read = get[dtype];
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const v = read(i * size);
    const x = Number(v);
    if (!Number.isSafeInteger(x)) onUnsafe(i);
    out[i] = x;
  }
  return out;
}
