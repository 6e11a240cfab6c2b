/**
 * Readers for the reference fixtures (`test/fixtures/<name>/`, e.g. softsae-small: outputs of an
 * independent PyTorch implementation), through the app's own parsers in `src/io/`. Used by Vitest and by the Node side of Playwright tests.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openNpy } from '../../src/io/npy.ts';
import { openSafetensors } from '../../src/io/safetensors.ts';
import { bytesSource } from '../../src/io/source.ts';

/** Repository root (this file is test/helpers/fixtures.ts). */
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Absolute path of a file under `test/fixtures/<name>/`. */
export function fixturePath(name: string, file: string): string {
  return resolve(REPO_ROOT, 'test', 'fixtures', name, file);
}

/** A tensor widened to float64. */
export interface Tensor {
  shape: number[];
  data: Float64Array;
}

const source = (path: string) => bytesSource(basename(path), new Uint8Array(readFileSync(path)));

/** Reads every tensor of a safetensors file. */
export async function readSafetensors(path: string): Promise<Record<string, Tensor>> {
  const file = await openSafetensors(source(path));
  const out: Record<string, Tensor> = {};
  for (const t of file.tensors) {
    out[t.name] = { shape: t.shape, data: Float64Array.from(await file.readValues(t.name)) };
  }
  return out;
}

/** Reads a 2-D .npy array as float64 [rows, width]. */
export async function readNpy(path: string): Promise<Tensor> {
  const reader = await openNpy(source(path));
  const data = Float64Array.from(await reader.readRows(0, reader.rows));
  return { shape: [reader.rows, reader.width], data };
}
