// Files written by other tools: the project's reference model (Python `safetensors` via PyTorch)
// and its input rows (NumPy), in test/fixtures/softsae-small (a copy of the project's shared reference fixture). Expected values
// come from that fixture's README and from NumPy (float64 over the float32 inputs).
import { describe, expect, it } from 'vitest';
import { openNpy } from '../../src/io/npy.ts';
import { openSafetensors } from '../../src/io/safetensors.ts';
import { computeStats } from '../../src/io/stats.ts';
import { fixture } from './helpers.ts';

describe('softsae-small reference files', () => {
  it('model.safetensors: every parameter listed with its shape, scalars read', async () => {
    const st = await openSafetensors(fixture('..', 'softsae-small', 'model.safetensors'));
    const shapes = Object.fromEntries(st.tensors.map((t) => [t.name, t.shape]));
    expect(shapes['encoder.weight']).toEqual([64, 16]);
    expect(shapes['decoder.weight']).toEqual([16, 64]);
    expect(shapes['k_estimator.2.weight']).toEqual([1, 64]);
    expect(st.tensors).toHaveLength(13);
    expect(Array.from(await st.readValues('k'))).toEqual([4]);
    expect(Array.from(await st.readValues('k_max'))).toEqual([8]);
    expect(Array.from(await st.readValues('alpha'))).toEqual([Math.fround(0.05)]);
    expect(Array.from(await st.readValues('norm_factor'))).toEqual([Math.fround(1.7)]);
  });

  it('decoder columns have unit L2 norm (softsae-spec §1), read through the row reader', async () => {
    const st = await openSafetensors(fixture('..', 'softsae-small', 'model.safetensors'));
    const dec = st.open('decoder.weight'); // [D=16, F=64]
    const w = await dec.readRows(0, dec.rows);
    for (let f = 0; f < 64; f++) {
      let s = 0;
      for (let d = 0; d < 16; d++) s += w[d * 64 + f] ** 2;
      expect(Math.sqrt(s)).toBeCloseTo(1, 5);
    }
  });

  it('x.npy: statistics match NumPy', async () => {
    const r = await openNpy(fixture('..', 'softsae-small', 'x.npy'));
    const s = await computeStats(r, { chunkRows: 5 });
    expect(s.normFactor).toBeCloseTo(7.566635124883337, 12);
    const numpyMean = [
      -0.11490511777810752, -0.09913138393312693, -0.07244045176776126, -1.0321728722192347,
      -0.7707970486953855, 0.2263952682260424, 0.0669741939054802, 0.4583055143011734,
      0.04742690731654875, -0.8470068282040302, -1.076212539570406, -0.14973268297035247,
      -1.2654756828560494, 0.5901976814493537, -0.1400919705774868, -1.0528587244916707,
    ];
    numpyMean.forEach((m, d) => expect(s.mean[d]).toBeCloseTo(m, 6)); // float32 storage of a float64 mean
    expect([s.min, s.max]).toEqual([-7.724567890167236, 5.785007953643799]);
    expect([s.rows, s.width, s.nonFiniteRows]).toEqual([32, 16, 0]);
  });
});
