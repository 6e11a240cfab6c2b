// The labels document (src/io/labels.ts): its exact JSON, reading it back, and what it refuses.
import { describe, expect, it } from 'vitest';
import {
  cleanLabel,
  decodeLabels,
  encodeLabels,
  labelMatches,
  MAX_LABEL,
} from '../../src/io/labels';

describe('labels document', () => {
  const labels = {
    12: { label: 'closing bracket', note: 'fires after ")"' },
    3: { label: '<b>x</b>', note: '' },
    7: { label: '', note: '' }, // empty: not written
  };

  it('writes the features in increasing order, empty ones left out', () => {
    expect(encodeLabels('run-1', labels)).toBe(
      [
        '{',
        '  "format": "softsae-labels",',
        '  "version": 1,',
        '  "run_id": "run-1",',
        '  "features": [',
        '    {',
        '      "feature": 3,',
        '      "label": "<b>x</b>",',
        '      "note": ""',
        '    },',
        '    {',
        '      "feature": 12,',
        '      "label": "closing bracket",',
        '      "note": "fires after \\")\\""',
        '    }',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('reads back what it wrote', () => {
    const back = decodeLabels(encodeLabels('run-1', labels));
    expect(back).toEqual({
      runId: 'run-1',
      labels: { 3: { label: '<b>x</b>', note: '' }, 12: labels[12] },
    });
  });

  it('refuses what is not a labels document', () => {
    const doc = (o: object) =>
      JSON.stringify({ format: 'softsae-labels', version: 1, run_id: 'r', features: [], ...o });
    expect(() => decodeLabels('[]')).toThrow(/format/);
    expect(() => decodeLabels(doc({ format: 'other' }))).toThrow(/format/);
    expect(() => decodeLabels(doc({ version: 2 }))).toThrow(/version 2/);
    expect(() => decodeLabels(doc({ features: [{ feature: -1, label: '', note: '' }] }))).toThrow(
      /bad feature index -1/,
    );
    expect(() => decodeLabels(doc({ features: [{ feature: 1.5, label: '', note: '' }] }))).toThrow(
      /bad feature index/,
    );
    expect(() => decodeLabels(doc({ features: [{ feature: 2, label: 5, note: '' }] }))).toThrow(
      /feature 2 needs a string/,
    );
    expect(() => decodeLabels('{not json')).toThrow();
  });

  it('cuts overlong text instead of refusing it', () => {
    const long = 'x'.repeat(MAX_LABEL + 50);
    expect(cleanLabel({ label: long, note: 'n' }).label).toHaveLength(MAX_LABEL);
  });

  it('matches label or note text, case-insensitively', () => {
    expect(labelMatches(labels[12], 'BRACKET')).toBe(true);
    expect(labelMatches(labels[12], 'after')).toBe(true);
    expect(labelMatches(labels[12], 'brace')).toBe(false);
    expect(labelMatches(undefined, 'x')).toBe(false);
  });
});
