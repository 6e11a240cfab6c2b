import { describe, expect, it } from 'vitest';
import { csvField, featureTableCsv, rowAnalysisCsv, toCsv } from '../../src/export/csv';
import type { RunAnalysis } from '../../src/session/analyses';

/**
 * A minimal RFC 4180 reader written for this test (quoted fields, doubled quotes, CRLF inside
 * quotes), so the writer is checked by reading its output back rather than by its own strings.
 */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\r' && text[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else field += c;
  }
  expect(field === '' && row.length === 0, 'the document ends with CRLF').toBe(true);
  return rows;
}

describe('csvField', () => {
  it('quotes commas, quotes, CR and LF and doubles inner quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField('plain')).toBe('plain');
    expect(csvField(null)).toBe('');
  });

  it('defuses text that a spreadsheet would run as a formula', () => {
    expect(csvField('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)");
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@cmd')).toBe("'@cmd");
    expect(csvField('\tx')).toBe("'\tx");
    // Prefixed and still quoted when it also needs quotes.
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    // Only at the start, and numbers are numbers.
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(-0.5)).toBe('-0.5');
  });

  it('writes float32 values so that they read back exactly', () => {
    const f = new Float32Array([0.1, 1 / 3, 3.4028234663852886e38, 1e-45]);
    for (const v of f) expect(Math.fround(Number(csvField(v)))).toBe(v);
    expect(csvField(NaN)).toBe('nan');
    expect(csvField(-Infinity)).toBe('-inf');
  });
});

describe('toCsv', () => {
  it('round-trips hostile tokens through an independent reader', () => {
    const tokens = ['a,b', '"q"', 'x\r\ny', '', '<script>alert(1)</script>', '=1+1', 'ok'];
    const text = toCsv(
      ['i', 'token'],
      tokens.map((t, i) => [i, t]),
    );
    const parsed = parseCsv(text);
    expect(parsed[0]).toEqual(['i', 'token']);
    expect(parsed.slice(1).map((r) => r[1])).toEqual(
      tokens.map((t) => (t === '=1+1' ? "'=1+1" : t)),
    );
    expect(parsed.slice(1).map((r) => Number(r[0]))).toEqual(tokens.map((_, i) => i));
  });
});

describe('analysis CSVs', () => {
  const a = {
    runId: 'r',
    rows: 3,
    F: 2,
    kHat: new Float32Array([1.5, 2.25, 3]),
    l0: new Uint32Array([1, 2, 3]),
    sqErr: new Float32Array([0.1, 0.2, 0.3]),
    fireCount: new Uint32Array([2, 0]),
    actSum: new Float64Array([3, 0]),
    actMax: new Float32Array([2, 0]),
  } as unknown as RunAnalysis;

  it('per-row CSV: one line per row, values as stored', () => {
    const rows = parseCsv(rowAnalysisCsv(a, ['x', '-y', 'z,w']));
    expect(rows[0]).toEqual(['row', 'token', 'k_hat', 'l0', 'sq_err']);
    expect(rows).toHaveLength(4);
    expect(rows.slice(1).map((r) => r[1])).toEqual(['x', "'-y", 'z,w']);
    expect(rows.slice(1).map((r) => Math.fround(Number(r[4])))).toEqual([...a.sqErr]);
    expect(rows.slice(1).map((r) => Number(r[2]))).toEqual([1.5, 2.25, 3]);
  });

  it('per-row CSV without tokens or k̂ leaves those cells empty', () => {
    const rows = parseCsv(rowAnalysisCsv({ ...a, kHat: null }, null));
    expect(rows[1]).toEqual(['0', '', '', '1', String(Math.fround(0.1))]);
  });

  it('feature CSV: frequency = count / rows, mean over firing rows', () => {
    const rows = parseCsv(featureTableCsv(a));
    expect(rows[0]).toEqual(['feature', 'count', 'frequency', 'mean', 'max', 'label', 'note']);
    expect(rows[1].slice(0, 5).map(Number)).toEqual([0, 2, 2 / 3, 1.5, 2]);
    expect(rows[2].slice(0, 5).map(Number)).toEqual([1, 0, 0, 0, 0]);
    expect(rows[1].slice(5)).toEqual(['', '']);
  });

  it('feature CSV carries each feature’s label and note, as text (formulas defused)', () => {
    const rows = parseCsv(
      featureTableCsv(a, { 1: { label: 'quote "x", comma', note: '=cmd()\nline 2' } }),
    );
    expect(rows[1].slice(5)).toEqual(['', '']);
    expect(rows[2].slice(5)).toEqual(['quote "x", comma', "'=cmd()\nline 2"]);
  });
});
