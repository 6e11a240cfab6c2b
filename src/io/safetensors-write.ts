import { SAFETENSORS_DTYPES } from './safetensors.ts';

/** One tensor to write: its raw little-endian bytes in C order. */
export interface TensorToWrite {
  name: string;
  /** Safetensors dtype name such as `F32`. */
  dtype: string;
  shape: readonly number[];
  data: Uint8Array | Float32Array | Float64Array | Int32Array | BigInt64Array | Uint16Array;
}

/**
 * Writes a safetensors file: u64 little-endian header length, the JSON header (space-padded to a
 * multiple of 8 bytes like the reference writer), then each tensor's bytes back to back in the
 * given order. The JSON is built by hand so names like `__proto__` stay ordinary keys.
 */
export function writeSafetensors(
  tensors: readonly TensorToWrite[],
  metadata?: Record<string, string>,
): Uint8Array<ArrayBuffer> {
  const parts: string[] = [];
  if (metadata) {
    const m = Object.entries(metadata).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    parts.push(`"__metadata__":{${m.join(',')}}`);
  }
  let offset = 0;
  const names = new Set<string>();
  for (const t of tensors) {
    const size = SAFETENSORS_DTYPES[t.dtype];
    if (size === undefined) throw new Error(`unknown dtype ${t.dtype}`);
    if (names.has(t.name)) throw new Error(`duplicate tensor name ${t.name}`);
    names.add(t.name);
    const bytes = t.shape.reduce((a, d) => a * d, 1) * size;
    if (bytes !== t.data.byteLength)
      throw new Error(`tensor ${t.name}: ${t.data.byteLength} bytes, shape needs ${bytes}`);
    parts.push(
      `${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + bytes}]}`,
    );
    offset += bytes;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let at = 8 + headerLen;
  for (const t of tensors) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}
