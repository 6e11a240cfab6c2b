#!/usr/bin/python3
"""Writes small .npy/.npz files with NumPy itself, plus NumPy's own float32 conversion of each.

Run with Debian's NumPy (apt-get install python3-numpy; /usr/bin/python3 scripts/make-numpy-fixtures.py).
Outputs go to test/fixtures/io/numpy/ and are committed, so the tests never need Python.
For every NAME.npy there is NAME.f32.bin = np.ascontiguousarray(a).astype('<f4').tobytes(): the
expected decoded rows, produced by NumPy, compared bit for bit by test/io/numpy-fixtures.test.ts.
"""
import io
import json
import os
import warnings

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'io', 'numpy')
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20261128)
manifest = {}


def save(name, a, version=None):
    path = os.path.join(OUT, name + '.npy')
    with open(path, 'wb') as f:
        np.lib.format.write_array(f, a, version=version)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # f8 -> f4 overflow to inf is expected
        expected = np.ascontiguousarray(a).astype('<f4')
    with open(os.path.join(OUT, name + '.f32.bin'), 'wb') as f:
        f.write(expected.tobytes())
    manifest[name] = {'shape': list(a.shape), 'descr': a.dtype.str, 'fortran': bool(np.isfortran(a))}


save('v1_f4', rng.standard_normal((5, 3)).astype('<f4'))

# Half: ±0, smallest and largest subnormal, smallest normal, max finite, ±Inf, NaN, 1/3, -2.5
half_bits = np.array([0x0000, 0x8000, 0x0001, 0x03FF, 0x0400, 0x7BFF, 0xFBFF, 0x7C00,
                      0xFC00, 0x7E00, 0x3555, 0xC100, 0x8001, 0x3C00, 0x0200, 0x7E01], dtype='<u2')
save('f2_special', half_bits.view('<f2').reshape(2, 8))

f4_bits = np.array([0x00000000, 0x80000000, 0x00000001, 0x007FFFFF, 0x7F7FFFFF, 0xFF7FFFFF,
                    0x7F800000, 0xFF800000, 0x7FC00000, 0x3F800000, 0xBEAAAAAB, 0x12345678],
                   dtype='<u4')
save('be_f4', f4_bits.view('<f4').astype('>f4').reshape(4, 3))

f8_vals = np.array([0.0, -0.0, 1.0 + 2.0**-24, 1.0 + 3 * 2.0**-24, 1e300, -1e300, 1e-50, 1e-40,
                    np.nan, -np.inf, 3.4028235677973366e38, 3.4028235e38, np.pi, -np.e, 5e-324,
                    1.4e-45], dtype='<f8')
save('f8', f8_vals.reshape(4, 4))

save('fortran_f4', np.asfortranarray(rng.standard_normal((4, 3)).astype('<f4')))
save('fortran_f8', np.asfortranarray(rng.standard_normal((5, 2))))
save('seq3d_f4', rng.standard_normal((2, 3, 4)).astype('<f4'))
save('v2_f2', rng.standard_normal((3, 5)).astype('<f2'), version=(2, 0))
save('v3_f4', rng.standard_normal((2, 2)).astype('<f4'), version=(3, 0))
save('token_ids_i8', np.array([5, 0, 17, 3, 2, 1], dtype='<i8'))

acts = rng.standard_normal((6, 4)).astype('<f4')
halves = rng.standard_normal((3, 4)).astype('<f2')
np.savez(os.path.join(OUT, 'savez.npz'), acts=acts, halves=halves, k=np.array(3, dtype='<i8'))
np.savez_compressed(os.path.join(OUT, 'savez_compressed.npz'), acts=acts, halves=halves,
                    k=np.array(3, dtype='<i8'))
for key, a in (('acts', acts), ('halves', halves)):
    with open(os.path.join(OUT, 'npz_' + key + '.f32.bin'), 'wb') as f:
        f.write(a.astype('<f4').tobytes())

with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
    json.dump({'numpy': np.__version__, 'arrays': manifest}, f, indent=1, sort_keys=True)
    f.write('\n')
