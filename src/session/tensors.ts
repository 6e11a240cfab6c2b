/**
 * The arrays of a multi-array file (.safetensors / .npz), for the user to pick one when the
 * ingestion worker answers `…/choose`. Only headers are read (bounded slices through io's
 * public readers, never the data), so doing it on the page costs a few small reads.
 */
import { openNpz } from '../io/npz';
import { openSafetensors } from '../io/safetensors';
import { inputSource, type InputFile } from '../io/http';
import type { TensorChoice } from '../store/datasetSlice';

/** 2-D `[rows, D]` and 3-D `[sequences, positions, D]` arrays of `file`: the usable choices. */
export async function listArrays(file: InputFile): Promise<TensorChoice> {
  const src = await inputSource(file);
  const options: TensorChoice['options'] = [];
  if (file.name.toLowerCase().endsWith('.safetensors')) {
    const st = await openSafetensors(src);
    for (const t of st.tensors) options.push({ name: t.name, shape: t.shape, dtype: t.dtype });
  } else {
    const npz = await openNpz(src);
    for (const m of npz.members) {
      const h = await npz.header(m.name);
      options.push({ name: m.key, shape: h.shape, dtype: h.dtype });
    }
  }
  return {
    file: file.name,
    options: options.filter((o) => o.shape.length === 2 || o.shape.length === 3),
  };
}
