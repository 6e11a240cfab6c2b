/**
 * Helpers shared by the optimizer self-checks: seeded arena images (every tensor at its offset of
 * one host array, padding between them), uploaded as one GPU buffer per tensor as the engine
 * stores them, and exact comparisons.
 */
import { createBufferFrom, readbackF32 } from '../gpu/buffers';
import { createRng } from '../model/rng';
import { PARAM_NAMES, type ParamName } from '../model/params';
import { packArena, unpackArena, type ArenaLayout } from '../sae/arena';
import type { TensorSet } from '../sae/paramBuffers';
import { compared } from './result';

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

/**
 * One buffer per tensor, holding the tensor's slice of `image` and the padding that follows it up
 * to the next tensor's offset: a guard region after each tensor that no kernel may write.
 */
export function uploadImage(
  device: GPUDevice,
  label: string,
  layout: ArenaLayout,
  image: Float32Array,
): TensorSet {
  return Object.fromEntries(
    PARAM_NAMES.map((n) => {
      const [from, to] = slotOf(layout, n);
      return [n, createBufferFrom(device, `${label}.${n}`, image.slice(from, to))];
    }),
  ) as TensorSet;
}

/** The arena image again, from the buffers of {@link uploadImage}. */
export async function readImage(
  device: GPUDevice,
  set: TensorSet,
  layout: ArenaLayout,
): Promise<Float32Array> {
  const out = new Float32Array(layout.size);
  await Promise.all(
    PARAM_NAMES.map(async (n) => {
      const [from, to] = slotOf(layout, n);
      out.set(await readbackF32(device, set[n], to - from), from);
    }),
  );
  return out;
}

/** Floats [from, to) of tensor `n` and its padding in the image. */
function slotOf(layout: ArenaLayout, n: ParamName): [number, number] {
  const i = PARAM_NAMES.indexOf(n);
  const from = layout.entries[n].offset;
  const next = PARAM_NAMES[i + 1];
  return [from, next ? layout.entries[next].offset : layout.size];
}

export function destroySet(set: TensorSet): void {
  for (const b of Object.values(set)) b.destroy();
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

/** A named GPU-vs-reference comparison (the selfcheck's common one). */
export const check = compared;

export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}
