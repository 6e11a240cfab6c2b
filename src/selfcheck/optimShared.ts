/** Helpers shared by the optimizer self-checks: seeded arena images and exact comparisons. */
import { createBufferFrom, readbackF32 } from '../gpu/buffers';
import { compareArrays, type Tolerance } from '../reference/compare';
import { createRng } from '../reference/sae/rng';
import { PARAM_NAMES, type ParamName } from '../reference/sae/params';
import { packArena, unpackArena, type ArenaLayout } from '../sae/arena';
import type { CheckResult } from './kernels';

/** float32 unit roundoff. */
export const EPS32 = 2 ** -24;

/** Reference-layout tensors, seeded normal values times `scale`, rounded to float32. */
export function randomTensors(
  layout: ArenaLayout,
  seed: number,
  scale = 1,
): Record<ParamName, Float32Array> {
  const rng = createRng(seed);
  const out = {} as Record<ParamName, Float32Array>;
  for (const name of PARAM_NAMES) {
    const n = layout.entries[name].size;
    out[name] = Float32Array.from({ length: n }, () => scale * rng.normal());
  }
  return out;
}

/** The arena image of `tensors`, with `padding` written into every float no tensor owns. */
export function arenaImage(
  layout: ArenaLayout,
  tensors: Partial<Record<ParamName, ArrayLike<number>>>,
  padding = 0,
): Float32Array {
  const out = packArena(layout, tensors);
  const owned = new Uint8Array(layout.size);
  for (const name of PARAM_NAMES) {
    const e = layout.entries[name];
    owned.fill(1, e.offset, e.offset + e.size);
  }
  for (let i = 0; i < out.length; i++) if (!owned[i]) out[i] = padding;
  return out;
}

export function toF64(t: Record<ParamName, ArrayLike<number>>): Record<ParamName, Float64Array> {
  return Object.fromEntries(PARAM_NAMES.map((n) => [n, Float64Array.from(t[n])])) as Record<
    ParamName,
    Float64Array
  >;
}

export function upload(
  device: GPUDevice,
  label: string,
  data: Float32Array | Uint32Array,
): GPUBuffer {
  return createBufferFrom(device, label, data);
}

export async function readArena(
  device: GPUDevice,
  buffer: GPUBuffer,
  layout: ArenaLayout,
): Promise<Float32Array> {
  return readbackF32(device, buffer, layout.size);
}

/** Reference-layout view of an arena image. */
export function tensorsOf(layout: ArenaLayout, arena: Float32Array) {
  return unpackArena(layout, arena);
}

/** Count of floats whose bits differ (NaN-safe, −0 ≠ +0): 0 means bitwise identical. */
export function bitDiffs(a: Float32Array, b: Float32Array, from = 0, to = a.length): number {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let n = 0;
  for (let i = from; i < to; i++) if (ua[i] !== ub[i]) n++;
  return n;
}

/** Bit differences outside the listed tensors (padding and every other tensor). */
export function bitDiffsOutside(
  layout: ArenaLayout,
  a: Float32Array,
  b: Float32Array,
  names: readonly ParamName[],
): number {
  const skip = new Uint8Array(layout.size);
  for (const n of names) {
    const e = layout.entries[n];
    skip.fill(1, e.offset, e.offset + e.size);
  }
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let n = 0;
  for (let i = 0; i < layout.size; i++) if (!skip[i] && ua[i] !== ub[i]) n++;
  return n;
}

export function check(
  name: string,
  gpu: ArrayLike<number>,
  ref: ArrayLike<number>,
  tolerance: Tolerance,
): CheckResult {
  const comparison = compareArrays(gpu, ref, tolerance);
  return { name, ok: comparison.ok, comparison, tolerance };
}

export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}
