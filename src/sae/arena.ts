/**
 * The tensor layout of one SAE and its packed host image (llm.c's "all parameters at once"): every
 * trainable tensor at a fixed offset of one float32 array. On the GPU each tensor has its own
 * buffer (src/sae/paramBuffers.ts) so that no binding must hold them all; the packed image remains
 * the exchange format of tests and self-checks, and `entries` give each tensor's size and shape.
 *
 * Device layout differs from the reference state_dict in one place: the decoder is stored
 * transposed, `decoderT` [F, D], so that dictionary atom j (decoder column j) is the contiguous
 * row j — what the sparse decoder, the gradient projection and the renormalisation read.
 * Import/export transposes it (see {@link toDeviceTensor}).
 *
 * Each tensor starts on a 256-byte boundary (64 floats) of the image.
 */
import { PARAM_NAMES, type ParamName } from '../model/params';

/** Floats per alignment unit: 256 bytes. */
export const ARENA_ALIGN = 64;

export interface ArenaEntry {
  name: ParamName;
  /** Offset in floats from the arena start (a multiple of {@link ARENA_ALIGN}). */
  offset: number;
  /** Number of floats. */
  size: number;
  /** Shape as stored on the device (decoder: [F, D]). */
  deviceShape: number[];
}

export interface ArenaLayout {
  D: number;
  F: number;
  entries: Record<ParamName, ArenaEntry>;
  /** Total floats, padded to the alignment. */
  size: number;
}

/** Parameters, their gradients, Adam's first and second moments. */
export type ParamKind = 'params' | 'grads' | 'adamM' | 'adamV';
export const PARAM_KINDS: readonly ParamKind[] = ['params', 'grads', 'adamM', 'adamV'];

/** The buffer label of one tensor of one kind: `Sae.params.encoder.weight`. */
export function tensorLabel(kind: ParamKind, name: ParamName, prefix = 'Sae'): string {
  return `${prefix}.${kind}.${name}`;
}

export function deviceShape(name: ParamName, D: number, F: number): number[] {
  switch (name) {
    case 'encoder.weight':
    case 'k_estimator.0.weight':
    case 'decoder.weight': // stored transposed: [F, D]
      return [F, D];
    case 'encoder.bias':
    case 'k_estimator.0.bias':
    case 'k_estimator.2.weight':
      return [F];
    case 'b_dec':
      return [D];
    case 'k_estimator.2.bias':
      return [1];
  }
}

export function arenaLayout(D: number, F: number): ArenaLayout {
  let offset = 0;
  const entries = {} as Record<ParamName, ArenaEntry>;
  for (const name of PARAM_NAMES) {
    const shape = deviceShape(name, D, F);
    const size = shape.reduce((a, b) => a * b, 1);
    entries[name] = { name, offset, size, deviceShape: shape };
    offset += Math.ceil(size / ARENA_ALIGN) * ARENA_ALIGN;
  }
  return { D, F, entries, size: offset };
}

/** Transposes a row-major [rows, cols] matrix. */
export function transpose(x: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c];
  return out;
}

/** A reference-layout tensor as the device stores it (the decoder [D, F] becomes [F, D]). */
export function toDeviceTensor(
  name: ParamName,
  data: ArrayLike<number>,
  D: number,
  F: number,
): Float32Array {
  return name === 'decoder.weight' ? transpose(data, D, F) : Float32Array.from(data);
}

/** A device-layout tensor back in the reference layout. */
export function fromDeviceTensor(
  name: ParamName,
  data: ArrayLike<number>,
  D: number,
  F: number,
): Float32Array {
  return name === 'decoder.weight' ? transpose(data, F, D) : Float32Array.from(data);
}

/** Packs reference-layout tensors into one arena image (padding zero). */
export function packArena(
  layout: ArenaLayout,
  tensors: Partial<Record<ParamName, ArrayLike<number>>>,
): Float32Array {
  const out = new Float32Array(layout.size);
  for (const name of PARAM_NAMES) {
    const t = tensors[name];
    if (!t) continue;
    const e = layout.entries[name];
    out.set(toDeviceTensor(name, t, layout.D, layout.F), e.offset);
  }
  return out;
}

/** Unpacks an arena image into reference-layout tensors. */
export function unpackArena(
  layout: ArenaLayout,
  arena: Float32Array,
): Record<ParamName, Float32Array> {
  const out = {} as Record<ParamName, Float32Array>;
  for (const name of PARAM_NAMES) {
    const e = layout.entries[name];
    out[name] = fromDeviceTensor(
      name,
      arena.subarray(e.offset, e.offset + e.size),
      layout.D,
      layout.F,
    );
  }
  return out;
}
