// The ingestion benchmark's generated .npy files are valid NumPy files of finite activations.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openNpy } from '../../src/io/npy.ts';
import { bytesSource } from '../../src/io/source.ts';
import { writeBenchNpy } from '../../scripts/bench-files.mjs';

const dir = mkdtempSync(join(tmpdir(), 'bench-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeBenchNpy', () => {
  it.each(['f32', 'f16'] as const)('%s: header, size and values in 2^-6..2^6', async (dtype) => {
    const path = join(dir, `${dtype}.npy`);
    const info = writeBenchNpy(path, dtype, 1, 100);
    const bytes = new Uint8Array(readFileSync(path));
    const r = await openNpy(bytesSource(`${dtype}.npy`, bytes));
    expect([r.rows, r.width, r.header.dtype, r.header.dataOffset % 64]).toEqual([
      info.rows,
      100,
      dtype,
      0,
    ]);
    expect(r.header.warnings).toEqual([]); // no trailing bytes
    expect(bytes.length).toBe(r.header.dataOffset + info.rows * r.bytesPerRow);
    expect(info.rows * r.bytesPerRow).toBeLessThanOrEqual(1e6);
    const x = await r.readRows(0, r.rows);
    const mags = x.map(Math.abs).sort();
    expect(mags[0]).toBeGreaterThanOrEqual(2 ** -6);
    expect(mags[mags.length - 1]).toBeLessThan(2 ** 7);
    expect(x.some((v) => v < 0) && x.some((v) => v > 0)).toBe(true);
  });
});
