/**
 * Test-only readers for the shared fixtures (`../shared/fixtures/…` beside the repository root).
 * Deliberately minimal — little-endian safetensors with F32/I32 tensors and .npy v1 `<f4` arrays,
 * no validation of hostile input. The real parsers live in `src/io/` and will replace these.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is test/helpers/fixtures.ts). */
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Absolute path of a file under `../shared/fixtures/<name>/`. */
export function fixturePath(name: string, file: string): string {
  return resolve(REPO_ROOT, '..', 'shared', 'fixtures', name, file);
}

/** A tensor widened to float64. */
export interface Tensor {
  shape: number[];
  data: Float64Array;
}

/** Reads every tensor of a safetensors file (F32 and I32 only). */
export function readSafetensors(path: string): Record<string, Tensor> {
  const buf = readFileSync(path);
  const headerLen = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const base = 8 + headerLen;
  const out: Record<string, Tensor> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [start, end] = info.data_offsets;
    const n = (end - start) / 4;
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const at = base + start + 4 * i;
      if (info.dtype === 'F32') data[i] = buf.readFloatLE(at);
      else if (info.dtype === 'I32') data[i] = buf.readInt32LE(at);
      else throw new Error(`test fixture reader: unsupported dtype ${info.dtype} (${name})`);
    }
    out[name] = { shape: info.shape, data };
  }
  return out;
}

/** Reads a .npy version 1 file holding a C-order little-endian float32 array. */
export function readNpyF32(path: string): Tensor {
  const buf = readFileSync(path);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY' || buf[6] !== 1) {
    throw new Error(`test fixture reader: ${path} is not a version 1 .npy file`);
  }
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + headerLen);
  if (!header.includes("'descr': '<f4'") || !header.includes("'fortran_order': False")) {
    throw new Error(`test fixture reader: ${path} is not C-order <f4`);
  }
  const shapeText = /'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '';
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = buf.readFloatLE(10 + headerLen + 4 * i);
  return { shape, data };
}
