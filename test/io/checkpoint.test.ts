// The checkpoint file format (src/io/checkpoint.ts): round trip, and every damaged file refused.
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint';
import { crc32 } from '../../src/io/crc32';
import { IoError } from '../../src/io/errors';

const meta = { runId: 'run-x', step: 7, nested: { a: [1, 2.5, 'three'] } };
const a = Float32Array.from([1.5, -0, 3.4028234663852886e38, 1e-45, -2]);
const b = Uint32Array.from([0, 1, 0xffffffff]);
const file = () =>
  encodeCheckpoint(meta, [
    { name: 'a', data: a, shape: [5] },
    { name: 'b', data: b },
  ]);

function codeOf(bytes: Uint8Array): string {
  try {
    decodeCheckpoint(bytes, 'x.ckpt');
  } catch (e) {
    expect(e).toBeInstanceOf(IoError);
    expect((e as IoError).message).toMatch(/^x\.ckpt: /);
    return (e as IoError).code;
  }
  return 'accepted';
}

describe('checkpoint format', () => {
  it('round-trips metadata and tensors bit for bit', () => {
    const { meta: m, tensors } = decodeCheckpoint(file());
    expect(m).toEqual(meta);
    const ra = tensors.get('a') as Float32Array;
    expect(ra).toBeInstanceOf(Float32Array);
    expect(new Uint32Array(ra.buffer)).toEqual(new Uint32Array(a.buffer)); // −0 and 1e-45 kept
    expect(tensors.get('b')).toEqual(b);
  });

  it('CRC-32 matches the standard check value', () => {
    // The catalogued check value of CRC-32/ISO-HDLC for "123456789".
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('refuses a file whose checksum does not match (one flipped bit)', () => {
    for (const at of [30, 200, -20]) {
      const bytes = file();
      bytes[at < 0 ? bytes.length + at : at] ^= 0x04;
      expect(codeOf(bytes)).toBe('checkpoint/checksum');
    }
  });

  it('refuses a truncated file wherever it is cut, and trailing bytes', () => {
    const bytes = file();
    for (const n of [0, 10, 24, 100, bytes.length - 9, bytes.length - 1])
      expect(codeOf(bytes.subarray(0, n)), `cut at ${n}`).toBe('checkpoint/truncated');
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expect(codeOf(longer)).toBe('checkpoint/trailing');
  });

  it('refuses another format and another version', () => {
    const bytes = file();
    bytes[0] = 0x41;
    expect(codeOf(bytes)).toBe('checkpoint/bad-magic');
    const v2 = file();
    v2[8] = 2;
    expect(codeOf(v2)).toBe('checkpoint/version');
  });

  it('refuses duplicate names and shapes that do not hold the data when writing', () => {
    expect(() =>
      encodeCheckpoint({}, [
        { name: 'a', data: a },
        { name: 'a', data: a },
      ]),
    ).toThrow('duplicate');
    expect(() => encodeCheckpoint({}, [{ name: 'a', data: a, shape: [2, 2] }])).toThrow('shape');
  });
});
