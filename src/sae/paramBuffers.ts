/**
 * Parameter, gradient and Adam-moment storage on the GPU: one float32 buffer per (tensor, kind),
 * labelled `Sae.<kind>.<tensor>` (e.g. `Sae.params.encoder.weight`). Every kernel binds at most one
 * tensor per binding, so a model fits a device as long as each tensor fits one storage binding
 * (`maxStorageBufferBindingSize`) — not the sum of all of them (src/sae/memoryPlan.ts). The four
 * sets are still allocated once, together, for (D, F) (llm.c's "malloc all parameters at once"),
 * and walked in PARAM_NAMES order by the optimizer.
 *
 * Device layout differs from the reference state_dict in one place: the decoder is stored
 * transposed, [F, D] (see src/sae/arena.ts), converted on upload and readback.
 */
import { createBuffer, readbackF32, upload } from '../gpu/buffers';
import { PARAM_NAMES, type ParamName } from '../model/params';
import {
  fromDeviceTensor,
  tensorLabel,
  toDeviceTensor,
  type ArenaLayout,
  type ParamKind,
} from './arena';

export { PARAM_KINDS, tensorLabel, type ParamKind } from './arena';

/** One buffer per tensor, each holding exactly that tensor in the device layout. */
export type TensorSet = Record<ParamName, GPUBuffer>;

export function createTensorSet(
  device: GPUDevice,
  layout: ArenaLayout,
  kind: ParamKind,
  prefix = 'Sae',
): TensorSet {
  return Object.fromEntries(
    PARAM_NAMES.map((n) => [
      n,
      createBuffer(device, tensorLabel(kind, n, prefix), layout.entries[n].size * 4),
    ]),
  ) as TensorSet;
}

/** The set's buffers in PARAM_NAMES order (the optimizer's segment order). */
export function tensorList(set: TensorSet): GPUBuffer[] {
  return PARAM_NAMES.map((n) => set[n]);
}

/** Writes reference-layout tensors (the decoder [D, F] is transposed); absent ones are left. */
export function uploadTensors(
  device: GPUDevice,
  set: TensorSet,
  layout: ArenaLayout,
  tensors: Partial<Record<ParamName, ArrayLike<number>>>,
): void {
  for (const name of PARAM_NAMES) {
    const t = tensors[name];
    if (!t) continue;
    const size = layout.entries[name].size;
    if (t.length !== size) throw new Error(`${name} has ${t.length} values, expected ${size}`);
    upload(device, set[name], toDeviceTensor(name, t, layout.D, layout.F));
  }
}

/** Reads every tensor back in the reference layout (awaits the GPU). */
export async function readTensors(
  device: GPUDevice,
  set: TensorSet,
  layout: ArenaLayout,
): Promise<Record<ParamName, Float32Array>> {
  const read = await Promise.all(
    PARAM_NAMES.map((n) => readbackF32(device, set[n], layout.entries[n].size)),
  );
  return Object.fromEntries(
    PARAM_NAMES.map((n, i) => [n, fromDeviceTensor(n, read[i], layout.D, layout.F)]),
  ) as Record<ParamName, Float32Array>;
}

export function destroyTensorSet(set: TensorSet): void {
  for (const b of Object.values(set)) b.destroy();
}
