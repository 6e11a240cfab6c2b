// Node side of e2e/ingest.spec.ts: expected rows and statistics computed without src/io, from
// NumPy's decoded float32 (`NAME.f32.bin`) or from bytes the test writes itself.
import { openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** e2e/fixtures/ingest/<name> (NumPy-written, see scripts/make-e2e-ingest-fixtures.py). */
export const ingestFixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/ingest/${name}`, import.meta.url));

/** test/fixtures/io/<name> (the malformed-file corpus of reliability cases 1–22). */
export const ioFixture = (name: string): string =>
  fileURLToPath(new URL(`../../test/fixtures/io/${name}`, import.meta.url));

/** NumPy's float32 rows of a fixture, as a plain array. */
export function numpyRows(name: string): number[] {
  const b = readFileSync(ingestFixture(`${name}.f32.bin`));
  return Array.from(new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
}

/** The statistics the loader must report, by the definitions in src/io/stats.ts. */
export interface ReferenceStats {
  rows: number;
  finiteRows: number;
  mean: number[];
  normFactor: number;
  min: number;
  max: number;
  nanCount: number;
  infCount: number;
  nonFiniteRows: number;
  firstNonFiniteRows: number[];
}

/** Streaming accumulator, so a large generated file never needs to be held whole. */
export class StatsAccumulator {
  private readonly sum: Float64Array;
  private sumSq = 0;
  private rows = 0;
  private finite = 0;
  private min = Infinity;
  private max = -Infinity;
  private nan = 0;
  private inf = 0;
  private readonly bad: number[] = [];
  constructor(private readonly width: number) {
    this.sum = new Float64Array(width);
  }
  add(x: ArrayLike<number>): void {
    const w = this.width;
    for (let o = 0; o < x.length; o += w, this.rows++) {
      let bad = false;
      for (let d = 0; d < w; d++) {
        const v = x[o + d];
        if (Number.isNaN(v)) this.nan++;
        else if (!Number.isFinite(v)) this.inf++;
        else continue;
        bad = true;
      }
      if (bad) {
        this.bad.push(this.rows);
        continue;
      }
      this.finite++;
      let sq = 0;
      for (let d = 0; d < w; d++) {
        const v = x[o + d];
        this.sum[d] += v;
        sq += v * v;
        if (v < this.min) this.min = v;
        if (v > this.max) this.max = v;
      }
      this.sumSq += sq;
    }
  }
  result(): ReferenceStats {
    return {
      rows: this.rows,
      finiteRows: this.finite,
      mean: Array.from(this.sum, (s) => s / this.finite),
      normFactor: Math.sqrt(this.sumSq / this.finite),
      min: this.min,
      max: this.max,
      nanCount: this.nan,
      infCount: this.inf,
      nonFiniteRows: this.bad.length,
      firstNonFiniteRows: this.bad.slice(0, 100),
    };
  }
}

export function referenceStats(x: ArrayLike<number>, width: number): ReferenceStats {
  const acc = new StatsAccumulator(width);
  acc.add(x);
  return acc.result();
}

/**
 * Writes a float32 C-order `.npy` (format 1.0, header padded to 64 bytes as NumPy does) of
 * `rows × width` values from a hash of the element index, chunk by chunk; returns its statistics.
 */
export function writeLargeNpy(path: string, rows: number, width: number): ReferenceStats {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${width}), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  prefix.writeUInt16LE(header.length, 8);
  const fd = openSync(path, 'w');
  const acc = new StatsAccumulator(width);
  try {
    writeSync(fd, Buffer.concat([prefix, Buffer.from(header, 'latin1')]));
    const chunkRows = 4096;
    for (let r0 = 0; r0 < rows; r0 += chunkRows) {
      const n = Math.min(chunkRows, rows - r0);
      const x = new Float32Array(n * width);
      for (let i = 0; i < x.length; i++) {
        const e = r0 * width + i;
        x[i] = (Math.imul(e, 0x9e3779b1) >>> 0) / 2 ** 31 - 1 + (i % width) * 0.01;
      }
      acc.add(x);
      writeSync(fd, new Uint8Array(x.buffer));
    }
  } finally {
    closeSync(fd);
  }
  return acc.result();
}
