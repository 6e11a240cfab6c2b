// Writes the malformed-file corpus for reliability cases 1–22 (/work/shared/reliability-cases.md)
// into test/fixtures/io/. Every byte is assembled here by hand, independently of src/io, so the
// parsers are tested against files they did not write. Run: node scripts/make-io-fixtures.mjs
//
// Formats, for reference:
// - .npy: "\x93NUMPY", major, minor, header length (u16 LE for 1.0, u32 LE for 2.0/3.0), a Python
//   dict literal {'descr', 'fortran_order', 'shape'} padded with spaces + "\n", then the data.
// - .safetensors: u64 LE header length N, N bytes of UTF-8 JSON
//   {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}},
//   then the data; offsets are relative to the end of the header.
// - .npz: a zip archive whose members are .npy files (local headers, central directory, EOCD).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';

const OUT = join(import.meta.dirname, '..', 'test', 'fixtures', 'io');
mkdirSync(OUT, { recursive: true });
const put = (name, bytes) => writeFileSync(join(OUT, name), bytes);
const enc = (s) => new TextEncoder().encode(s);
const cat = (...parts) => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const f32 = (...v) => new Uint8Array(new Float32Array(v).buffer);

/** A .npy with the given header text (padded unless `pad` is false) and data bytes. */
function npy(header, data = new Uint8Array(0), { major = 1, pad = true, headerLen } = {}) {
  const pre = major === 1 ? 10 : 12;
  let h = header;
  if (pad) {
    const total = Math.ceil((pre + h.length + 1) / 64) * 64;
    h = h + ' '.repeat(total - pre - h.length - 1) + '\n';
  }
  const body = enc(h);
  const prefix = new Uint8Array(pre);
  prefix.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const dv = new DataView(prefix.buffer);
  if (major === 1) dv.setUint16(8, headerLen ?? body.length, true);
  else dv.setUint32(8, headerLen ?? body.length, true);
  return cat(prefix, body, data);
}
const dict = (descr, shape, fortran = 'False') =>
  `{'descr': ${descr}, 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
const ok6 = f32(1, 2, 3, 4, 5, 6); // data for shape (3, 2)

// Case 1: not a .npy file / unsupported version.
put('npy-empty.npy', new Uint8Array(0));
put('npy-short.npy', new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50]));
put('npy-bad-magic.npy', cat(enc('PK\x03\x04NUMPY'), ok6));
put(
  'npy-version-0.npy',
  (() => {
    const b = npy(dict("'<f4'", '(3, 2)'), ok6);
    b[6] = 0;
    return b;
  })(),
);
put(
  'npy-version-4.npy',
  (() => {
    const b = npy(dict("'<f4'", '(3, 2)'), ok6);
    b[6] = 4;
    return b;
  })(),
);

// Case 2: header length past the end, or absurd.
put('npy-header-past-end.npy', npy(dict("'<f4'", '(3, 2)'), ok6, { headerLen: 4000 }));
put('npy-header-huge.npy', npy(dict("'<f4'", '(3, 2)'), ok6, { major: 2, headerLen: 0x7fffffff }));

// Case 3: wrong keys, not a dict, code, deep nesting.
put('npy-header-missing-key.npy', npy("{'descr': '<f4', 'shape': (3, 2), }", ok6));
put(
  'npy-header-extra-key.npy',
  npy(`{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), 'x': 1, }`, ok6),
);
put('npy-header-not-dict.npy', npy("('<f4', False, (3, 2))", ok6));
put('npy-header-code.npy', npy(dict("__import__('os').system('echo pwned')", '(3, 2)'), ok6));
put(
  'npy-header-nested.npy',
  npy(dict("'<f4'", '('.repeat(5000) + ')'.repeat(5000)), ok6, { major: 2 }),
);

// Case 4: dtypes that are not numbers.
put('npy-dtype-object.npy', npy(dict("'|O'", '(3,)'), new Uint8Array(24)));
put('npy-dtype-structured.npy', npy(dict("[('a', '<f4'), ('b', '<f4')]", '(3,)'), ok6));
put('npy-dtype-string.npy', npy(dict("'<U2'", '(3,)'), new Uint8Array(24)));
put('npy-dtype-complex.npy', npy(dict("'<c8'", '(3,)'), new Uint8Array(24)));
put('npy-dtype-datetime.npy', npy(dict("'<M8[ns]'", '(3,)'), new Uint8Array(24)));

// Case 6: Fortran-order 3-D is refused explicitly (2-D Fortran is covered by NumPy's own files).
put('npy-fortran-3d.npy', npy(dict("'<f4'", '(1, 3, 2)', 'True'), ok6));

// Case 7: shapes.
put('npy-shape-scalar.npy', npy(dict("'<f4'", '()'), f32(7)));
put('npy-shape-empty.npy', npy(dict("'<f4'", '(0, 4)')));
put('npy-shape-negative.npy', npy(dict("'<f4'", '(-1, 2)'), ok6));
put('npy-shape-1d.npy', npy(dict("'<f4'", '(6,)'), ok6));
put('npy-shape-4d.npy', npy(dict("'<f4'", '(1, 1, 3, 2)'), ok6));

// Case 8: 2^80 elements.
put('npy-shape-overflow.npy', npy(dict("'<f4'", '(1099511627776, 1099511627776)'), ok6));

// Case 9: data shorter / longer than the header promises.
put('npy-data-short.npy', npy(dict("'<f4'", '(3, 2)'), ok6.subarray(0, 20)));
put('npy-data-long.npy', npy(dict("'<f4'", '(3, 2)'), cat(ok6, new Uint8Array(5))));

// Case 10: header not padded; the data starts at an odd offset (10 + 61 = 71).
{
  const h = dict("'<f4'", '(3, 2)') + '\n';
  const unaligned = npy(h.padEnd(61, ' ').slice(0, 60) + '\n', ok6, { pad: false });
  put('npy-unpadded.npy', unaligned);
}

// Case 12–17: safetensors.
function st(header, data = new Uint8Array(0), lenOverride) {
  const h = typeof header === 'string' ? enc(header) : header;
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(lenOverride ?? h.length), true);
  return cat(len, h, data);
}
const t = (name, dtype, shape, b, e) =>
  `"${name}":{"dtype":"${dtype}","shape":[${shape}],"data_offsets":[${b},${e}]}`;
put('st-short.safetensors', new Uint8Array([1, 0, 0, 0, 0]));
put('st-header-past-end.safetensors', st(`{${t('x', 'F32', '3,2', 0, 24)}}`, ok6, 5000));
put('st-header-huge.safetensors', st(`{${t('x', 'F32', '3,2', 0, 24)}}`, ok6, 200_000_000));
put(
  'st-bad-utf8.safetensors',
  st(cat(enc('{"\xff'), new Uint8Array([0xff, 0xfe]), enc('":1}')), new Uint8Array(0)),
);
put('st-bad-json.safetensors', st(`{${t('x', 'F32', '3,2', 0, 24)},}`, ok6));
put('st-unknown-dtype.safetensors', st(`{${t('x', 'F33', '3,2', 0, 24)}}`, ok6));
put(
  'st-metadata-not-string.safetensors',
  st(`{"__metadata__":{"k":5},${t('x', 'F32', '3,2', 0, 24)}}`, ok6),
);
put(
  'st-overlap.safetensors',
  st(`{${t('a', 'F32', '2', 0, 8)},${t('b', 'F32', '4', 4, 20)}}`, ok6.subarray(0, 20)),
);
put('st-out-of-range.safetensors', st(`{${t('x', 'F32', '3,2', 0, 24000)}}`, ok6));
put('st-reversed.safetensors', st(`{${t('x', 'F32', '0', 24, 0)}}`, ok6));
put('st-gap.safetensors', st(`{${t('a', 'F32', '2', 0, 8)},${t('b', 'F32', '3', 12, 24)}}`, ok6));
put('st-size-mismatch.safetensors', st(`{${t('x', 'F32', '3,3', 0, 24)}}`, ok6));
put('st-trailing.safetensors', st(`{${t('x', 'F32', '3,2', 0, 24)}}`, cat(ok6, new Uint8Array(3))));
put('st-missing.safetensors', st(`{${t('x', 'F32', '3,2', 0, 24)}}`, ok6.subarray(0, 16)));
put(
  'st-duplicate.safetensors',
  st(`{${t('x', 'F32', '2', 0, 8)},${t('x', 'F32', '4', 8, 24)}}`, ok6),
);
put(
  'st-proto.safetensors',
  st(`{${t('__proto__', 'F32', '1,2', 0, 8)},${t('constructor', 'F32', '2,2', 8, 24)}}`, ok6),
);
// Case 17: known values in every float dtype. 1.5, -2, 65504/2^-24, NaN, bf16 3.140625 = 0x4049.
{
  const a = f32(1.5, -2, 0.1, -0);
  const h16 = new Uint8Array(new Uint16Array([0x3e00, 0xc000, 0x7bff, 0x0001]).buffer); // 1.5 -2 65504 2^-24
  const bf = new Uint8Array(new Uint16Array([0x3fc0, 0x4049, 0x7f80, 0xff80]).buffer); // 1.5 3.140625 Inf -Inf
  const f64 = new Uint8Array(new Float64Array([1.5, 0.1, 1e300, -1e-50]).buffer);
  const i64 = new Uint8Array(new BigInt64Array([32n]).buffer);
  const header = `{"__metadata__":{"format":"pt"},${t('f32', 'F32', '2,2', 0, 16)},${t('f16', 'F16', '2,2', 16, 24)},${t('bf16', 'BF16', '2,2', 24, 32)},${t('f64', 'F64', '2,2', 32, 64)},${t('k', 'I64', '', 64, 72)}}`;
  put('st-dtypes.safetensors', st(header, cat(a, h16, bf, f64, i64)));
  // Unaligned: header of 5 mod 8 bytes puts the F32 data at an odd file offset.
  let h = `{${t('x', 'F32', '3,2', 0, 24)}}`;
  while ((8 + h.length) % 4 !== 1) h += ' ';
  put('st-unaligned.safetensors', st(h, ok6));
}

// Cases 19–20: zip archives built by hand.
const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
const crc32 = (b) => {
  let c = 0xffffffff;
  for (const x of b) c = CRC[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
/** entries: {name, data, deflate?, declaredSize?, flags?} */
function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const e of entries) {
    const name = enc(e.name);
    const body = e.deflate ? deflateRawSync(e.data) : e.data;
    const size = e.declaredSize ?? e.data.length;
    const crc = crc32(e.data);
    const lh = new Uint8Array(30);
    const l = new DataView(lh.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, 20, true);
    l.setUint16(6, e.flags ?? 0, true);
    l.setUint16(8, e.deflate ? 8 : 0, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, body.length, true);
    l.setUint32(22, size, true);
    l.setUint16(26, name.length, true);
    const ch = new Uint8Array(46);
    const c = new DataView(ch.buffer);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(8, e.flags ?? 0, true);
    c.setUint16(10, e.deflate ? 8 : 0, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, body.length, true);
    c.setUint32(24, size, true);
    c.setUint16(28, name.length, true);
    c.setUint32(42, offset, true);
    locals.push(lh, name, body);
    centrals.push(ch, name);
    offset += 30 + name.length + body.length;
  }
  const cd = cat(...centrals);
  const eocd = new Uint8Array(22);
  const d = new DataView(eocd.buffer);
  d.setUint32(0, 0x06054b50, true);
  d.setUint16(8, entries.length, true);
  d.setUint16(10, entries.length, true);
  d.setUint32(12, cd.length, true);
  d.setUint32(16, offset, true);
  return cat(...locals, cd, eocd);
}
const member = npy(dict("'<f4'", '(3, 2)'), ok6);
put('npz-ok-stored.npz', zip([{ name: 'acts.npy', data: member }]));
// A 152-byte member plus 8 MiB of zeros, declared as 152 bytes: inflating must stop at byte 153.
put(
  'npz-bomb.npz',
  zip([
    {
      name: 'acts.npy',
      data: cat(member, new Uint8Array(8 << 20)),
      deflate: true,
      declaredSize: member.length,
    },
  ]),
);
{
  const whole = zip([
    { name: 'acts.npy', data: member },
    { name: 'b.npy', data: member },
  ]);
  put('npz-truncated.npz', whole.subarray(0, Math.floor(whole.length * 0.6)));
}
put('npz-backslash.npz', zip([{ name: '..\\evil.npy', data: member }]));
// A deflated member larger than the 64 KiB header prefix: 4096 × 16 float32 zeros (256 KiB).
put(
  'npz-large-deflated.npz',
  zip([
    {
      name: 'big.npy',
      data: npy(dict("'<f4'", '(4096, 16)'), new Uint8Array(4096 * 16 * 4)),
      deflate: true,
    },
  ]),
);
put('npz-encrypted.npz', zip([{ name: 'acts.npy', data: member, flags: 1 }]));
put('npz-traversal.npz', zip([{ name: '../../evil.npy', data: member }]));
put('npz-absolute.npz', zip([{ name: '/etc/evil.npy', data: member }]));

// Case 21: 5 tokens for 6 activation rows.
put('tokens-5.txt', enc('The\ncat\nsat\non\nmat\n'));
// Case 22: BOM + CRLF (valid), invalid UTF-8 on line 3.
put(
  'tokens-bom-crlf.jsonl',
  enc(
    '\ufeff{"token":"a","doc":0,"pos":0}\r\n{"token":"b","doc":0,"pos":1}\r\n{"token":"c","doc":1,"pos":0}\r\n',
  ),
);
put(
  'tokens-bad-utf8.jsonl',
  cat(enc('{"token":"a"}\n{"token":"b"}\n{"token":"'), new Uint8Array([0xc3, 0x28]), enc('"}\n')),
);
put('tokens-bad-json.jsonl', enc('{"token":"a"}\n{"token":"b"}\n{"token":"c"}\n{"token":\n'));
// Case 23: hostile token strings (one per line in .jsonl, so NUL and newline can be included).
const hostile = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  'abc\u202Edef',
  'zero\u200Bwidth',
  'nul\u0000byte',
  'new\nline',
  '\\n literal',
];
put(
  'tokens-hostile.jsonl',
  enc(hostile.map((s) => JSON.stringify({ token: s })).join('\n') + '\n'),
);
put('tokens-hostile.expected.json', enc(JSON.stringify(hostile)));
