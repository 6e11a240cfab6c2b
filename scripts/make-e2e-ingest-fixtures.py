#!/usr/bin/python3
"""Writes the activation and token files that e2e/ingest.spec.ts drops into Chromium.

Run with Debian's NumPy (/usr/bin/python3 scripts/make-e2e-ingest-fixtures.py); the outputs in
e2e/fixtures/ingest/ are committed so the browser tests never need Python. Every activation file
NAME has NAME.f32.bin beside it: np.ascontiguousarray(a).astype('<f4').tobytes(), NumPy's own
decoded rows, which the test (in Node) uses to compute the expected rows and statistics.
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', 'e2e', 'fixtures', 'ingest')
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20261128)
D = 24


def acts(rows, dtype):
    # Per-feature offsets and scales, so a wrong column or row order changes the mean.
    a = rng.standard_normal((rows, D)) * np.linspace(0.5, 3.0, D) + np.arange(D) * 0.25
    return a.astype(dtype)


def expected(name, a):
    with open(os.path.join(OUT, name + '.f32.bin'), 'wb') as f:
        f.write(np.ascontiguousarray(a).astype('<f4').tobytes())


def save(name, a):
    np.save(os.path.join(OUT, name + '.npy'), a)
    expected(name, a)


# f32 with a NaN, +Inf and -Inf row: the census must find exactly these three rows.
f32 = acts(1024, '<f4')
f32[5, 3] = np.nan
f32[700, 0] = np.inf
f32[1000, D - 1] = -np.inf
save('acts_f32', f32)

# f16 with a subnormal, the largest finite half and a -0.
f16 = acts(768, '<f2')
f16[1, 2] = np.float16(6e-8)
f16[2, 5] = np.float16(65504.0)
f16[3, 7] = np.float16(-0.0)
save('acts_f16', f16)

# np.savez_compressed: one 2-D array (the activations) and two others the loader must skip.
npz_acts = acts(512, '<f4')
np.savez_compressed(os.path.join(OUT, 'acts_compressed.npz'), acts=npz_acts,
                    token_ids=np.arange(512, dtype='<i8'), layer=np.array(12, dtype='<i8'))
expected('acts_compressed.npz.acts', npz_acts)

# Three shards, the middle one float16, with row counts that are not multiples of anything.
shards = [acts(300, '<f4'), acts(200, '<f2'), acts(157, '<f4')]
for i, s in enumerate(shards):
    np.save(os.path.join(OUT, 'shard_%03d.npy' % i), s)
expected('shards', np.concatenate([s.astype('<f4') for s in shards]))
rows = sum(len(s) for s in shards)

# Tokens for the shards: .txt (one per line) and .jsonl with documents of varying length.
words = ['the', 'cat', ' sat', 'on', 'é', '日本', '<b>', '', 'x y', '\u200b', '12', '.']
tokens = [words[i % len(words)] + ('' if i % 5 else str(i)) for i in range(rows)]
with open(os.path.join(OUT, 'shards.tokens.txt'), 'w', encoding='utf-8', newline='\n') as f:
    f.write(''.join(t + '\n' for t in tokens))
doc_lengths = [100, 37, 250, 1, 269]
assert sum(doc_lengths) == rows
with open(os.path.join(OUT, 'shards.tokens.jsonl'), 'w', encoding='utf-8', newline='\n') as f:
    i = 0
    for d, n in enumerate(doc_lengths):
        for p in range(n):
            f.write(json.dumps({'token': tokens[i], 'doc': 'doc%d' % d, 'pos': p}) + '\n')
            i += 1
