// Writer → parser round trips over random shapes, dtypes, byte orders, memory orders, versions
// and header padding. Expected values come from an arithmetic decoder written here (not the bit
// tricks of src/io/dtype.ts) applied to the random bytes that were written.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openNpy } from '../../src/io/npy.ts';
import { writeNpy } from '../../src/io/npy-write.ts';
import { openSafetensors } from '../../src/io/safetensors.ts';
import { writeSafetensors } from '../../src/io/safetensors-write.ts';
import { bytesSource } from '../../src/io/source.ts';

type FloatType = 'f16' | 'bf16' | 'f32' | 'f64';
const SIZE: Record<FloatType, number> = { f16: 2, bf16: 2, f32: 4, f64: 8 };

/** Reference decoding of one element: IEEE arithmetic, no shared code with src/io. */
function refValue(b: Uint8Array, dtype: FloatType, le: boolean): number {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dtype === 'f32') return dv.getFloat32(0, le);
  if (dtype === 'f64') return Math.fround(dv.getFloat64(0, le));
  const h = dv.getUint16(0, le);
  if (dtype === 'bf16') {
    const t = new DataView(new ArrayBuffer(4));
    t.setUint32(0, h * 65536);
    return t.getFloat32(0);
  }
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 31;
  const mant = h & 1023;
  if (exp === 31) return mant ? NaN : sign * Infinity;
  if (exp === 0) return sign * mant * 2 ** -24;
  return sign * 2 ** (exp - 15) * (1 + mant / 1024);
}

function sameFloat(actual: number, expected: number): boolean {
  return Number.isNaN(expected) ? Number.isNaN(actual) : Object.is(actual, expected);
}

const shapeArb = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 6 })).map(([r, d]) => [r, d]),
  fc
    .tuple(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 4 }),
    )
    .map(([s, p, d]) => [s, p, d]),
);

describe('.npy writer → parser', () => {
  it('round-trips every element exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeArb,
        fc.constantFrom<'f16' | 'f32' | 'f64'>('f16', 'f32', 'f64'),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom<1 | 2 | 3>(1, 2, 3),
        fc.constantFrom(64, 16, 1),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (shape, dtype, littleEndian, fortran, version, align, seed) => {
          const n = shape.reduce((a, b) => a * b, 1);
          const isz = SIZE[dtype];
          // Random bit patterns: includes NaNs, infinities and subnormals.
          const data = Uint8Array.from(
            { length: n * isz },
            (_, i) => (Math.imul(seed ^ i, 2654435761) >>> 13) & 255,
          );
          const fortranOrder = fortran && shape.length === 2;
          const file = writeNpy({ dtype, shape, data, littleEndian, fortranOrder, version, align });
          const r = await openNpy(bytesSource('p.npy', file));
          const rows = shape.length === 3 ? shape[0] * shape[1] : shape[0];
          const width = shape[shape.length - 1];
          expect([r.rows, r.width]).toEqual([rows, width]);
          const got = await r.readRows(0, rows);
          for (let row = 0; row < rows; row++) {
            for (let d = 0; d < width; d++) {
              // Fortran [rows, D]: element (row, d) is stored at d·rows + row.
              const k = fortranOrder ? d * rows + row : row * width + d;
              const want = refValue(data.subarray(k * isz, (k + 1) * isz), dtype, littleEndian);
              if (!sameFloat(got[row * width + d], want)) {
                expect.fail(`element (${row}, ${d}): got ${got[row * width + d]}, want ${want}`);
              }
            }
          }
          if (rows > 1) {
            const tail = await r.readRows(1, rows - 1);
            expect(Array.from(tail).map(String)).toEqual(
              Array.from(got.subarray(width)).map(String),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('safetensors writer → parser', () => {
  const nameArb = fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 8 }),
      fc.constantFrom(
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
        'ä/b.weight',
        '"q"',
      ),
    )
    .filter((s) => s !== '__metadata__');
  const tensorArb = fc.record({
    name: nameArb,
    dtype: fc.constantFrom<FloatType>('f16', 'bf16', 'f32', 'f64'),
    shape: shapeArb,
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  });
  const ST: Record<FloatType, string> = { f16: 'F16', bf16: 'BF16', f32: 'F32', f64: 'F64' };

  it('lists and reads every tensor exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(tensorArb, { minLength: 1, maxLength: 4, selector: (t) => t.name }),
        fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
        async (specs, metadata) => {
          const tensors = specs.map((s) => {
            const n = s.shape.reduce((a, b) => a * b, 1);
            const data = Uint8Array.from(
              { length: n * SIZE[s.dtype] },
              (_, i) => (Math.imul(s.seed ^ i, 2246822519) >>> 11) & 255,
            );
            return { ...s, data };
          });
          const file = writeSafetensors(
            tensors.map((t) => ({
              name: t.name,
              dtype: ST[t.dtype],
              shape: t.shape,
              data: t.data,
            })),
            metadata,
          );
          const st = await openSafetensors(bytesSource('p.safetensors', file));
          expect(st.tensors.map((t) => t.name)).toEqual(tensors.map((t) => t.name));
          expect(Object.fromEntries(st.metadata)).toEqual(metadata);
          for (const t of tensors) {
            const r = st.open(t.name);
            const got = await r.readRows(0, r.rows);
            const isz = SIZE[t.dtype];
            for (let k = 0; k < got.length; k++) {
              const want = refValue(t.data.subarray(k * isz, (k + 1) * isz), t.dtype, true);
              if (!sameFloat(got[k], want))
                expect.fail(`${t.name}[${k}]: got ${got[k]}, want ${want}`);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
