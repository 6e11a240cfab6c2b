"""The epoch checksum of src/io/sampler.ts computed by NumPy from .npy files (shards in order).

Per row: h = sum_i w_i * (2i + 1) mod 2^32 over the row's float32 words w_i as NumPy decodes the
file (``astype(np.float32)``), then the murmur3 finaliser; the epoch checksum is the sum of the
rows' h mod 2^32. Prints ``rows checksum``. Reads the files memory-mapped, in chunks.
Usage: python3 scripts/npy-epoch-checksum.py A.npy [B.npy ...]
"""
import sys

import numpy as np

M32 = np.uint64(0xFFFFFFFF)


def fmix(h):
    h = h.astype(np.uint32)
    h ^= h >> np.uint32(16)
    h = (h.astype(np.uint64) * np.uint64(0x85EBCA6B) & M32).astype(np.uint32)
    h ^= h >> np.uint32(13)
    h = (h.astype(np.uint64) * np.uint64(0xC2B2AE35) & M32).astype(np.uint32)
    h ^= h >> np.uint32(16)
    return h


def main(paths):
    total = 0
    rows = 0
    for path in paths:
        a = np.load(path, mmap_mode="r")
        a = a.reshape(-1, a.shape[-1])
        weights = (2 * np.arange(a.shape[1], dtype=np.uint64) + 1)
        for s in range(0, a.shape[0], 65536):
            w = np.ascontiguousarray(a[s : s + 65536]).astype(np.float32).view(np.uint32)
            h = (w.astype(np.uint64) * weights & M32).sum(axis=1, dtype=np.uint64) & M32
            total = (total + int(fmix(h).astype(np.uint64).sum(dtype=np.uint64))) % 2**32
            rows += w.shape[0]
    print(rows, format(total, "08x"))


if __name__ == "__main__":
    main(sys.argv[1:])
