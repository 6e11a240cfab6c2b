/** The `softsae-small` fixture as reference-model inputs (see its README). */
import { PARAM_NAMES, type ParamTensors, type SaeParams } from '../../src/model/params.ts';
import { fixturePath, readNpy, readSafetensors, type Tensor } from './fixtures.ts';

export interface SoftsaeSmall {
  params: SaeParams;
  /** Raw inputs [N, D]. */
  x: Float64Array;
  N: number;
  /** Every tensor of expected.safetensors. */
  expected: Record<string, Tensor>;
}

/** Loads model.safetensors, x.npy and expected.safetensors of `softsae-small`. */
export async function loadSoftsaeSmall(): Promise<SoftsaeSmall> {
  const model = await readSafetensors(fixturePath('softsae-small', 'model.safetensors'));
  const expected = await readSafetensors(fixturePath('softsae-small', 'expected.safetensors'));
  const x = await readNpy(fixturePath('softsae-small', 'x.npy'));
  const [F, D] = model['encoder.weight'].shape;
  const tensors = {} as ParamTensors;
  for (const name of PARAM_NAMES) tensors[name] = model[name].data;
  const params: SaeParams = {
    D,
    F,
    tensors,
    k: model.k.data[0],
    kMax: model.k_max.data[0],
    alpha: model.alpha.data[0],
    normFactor: model.norm_factor.data[0],
    shiftFactor: model.shift_factor.data,
    threshold: -1,
  };
  return { params, x: x.data, N: x.shape[0], expected };
}
