import type { ArrayReader } from './dataset.ts';
import { fail } from './errors.ts';
import { openNpy } from './npy.ts';
import { openNpz, type NpzOptions } from './npz.ts';
import { openSafetensors } from './safetensors.ts';
import type { ByteSource } from './source.ts';

/**
 * Opens an activation file of any supported format. The format comes from the first bytes
 * (`\x93NUMPY`, `PK\x03\x04`) or, for safetensors (no magic), the `.safetensors` extension.
 * `tensor` picks the array in a multi-array file; without it the only 2-D/3-D one is used.
 * `npz` bounds what a compressed `.npz` member may take in memory, and where a larger one goes.
 */
export async function openActivations(
  src: ByteSource,
  tensor?: string,
  npz: NpzOptions = {},
): Promise<ArrayReader> {
  const head = await src.read(0, Math.min(6, src.size));
  const is = (...b: number[]) => b.every((x, i) => head[i] === x);
  if (is(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59)) return openNpy(src);
  if (is(0x50, 0x4b, 0x03, 0x04) || src.name.toLowerCase().endsWith('.npz')) {
    const archive = await openNpz(src, npz);
    if (tensor !== undefined) return archive.open(tensor);
    const candidates = [];
    for (const m of archive.members)
      if ((await archive.header(m.name)).shape.length >= 2) candidates.push(m.name);
    if (candidates.length !== 1)
      fail(
        src.name,
        'npz/choose',
        `choose an array: ${archive.members.map((m) => m.key).join(', ')}`,
      );
    return archive.open(candidates[0]);
  }
  if (src.name.toLowerCase().endsWith('.safetensors')) {
    const st = await openSafetensors(src);
    if (tensor !== undefined) return st.open(tensor);
    const candidates = st.tensors.filter((t) => t.shape.length === 2 || t.shape.length === 3);
    if (candidates.length !== 1)
      fail(
        src.name,
        'safetensors/choose',
        `choose a tensor: ${st.tensors.map((t) => t.name).join(', ')}`,
      );
    return st.open(candidates[0].name);
  }
  if (src.name.toLowerCase().endsWith('.npy')) return openNpy(src); // reports the bad magic
  return fail(src.name, 'io/unknown-format', 'not a .npy, .npz or .safetensors file');
}
