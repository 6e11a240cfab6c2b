// @vitest-environment jsdom
// The token renderer under fuzzing (reliability case 23 beyond its fixed corpus): arbitrary UTF-16
// token strings — lone surrogates, controls, bidi overrides, markup — rendered by the real
// TokenView. Each token must appear as one text node and nothing else (no element, no script,
// no attribute made from it), free of invisible or direction-changing characters, and exactly
// recoverable from what is shown by undoing the documented escapes (decoder written here).
import fc from 'fast-check';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenView } from '../../src/components/inspect/TokenView';
import type { LoadedDataset } from '../../src/session/datasets';
import type { EvalResult } from '../../src/workers/inspectProtocol';
import { fuzzParams } from './budget';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** Undoes visibleToken's escapes: \\ \0 \t \n \r and \uXXXX. */
function unescapeShown(s: string): string {
  const named: Record<string, string> = { '\\': '\\', '0': '\0', t: '\t', n: '\n', r: '\r' };
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\') {
      out += s[i];
      continue;
    }
    const c = s[++i];
    if (c === 'u') {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (c in named) out += named[c];
    else throw new Error(`unknown escape \\${c} in ${JSON.stringify(s)}`);
  }
  return out;
}

/** Characters that must never reach the screen raw: C0/C1 controls, bidi and zero-width marks. */
/* eslint-disable no-control-regex -- matching control characters is the point */
const INVISIBLE =
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
/* eslint-enable no-control-regex */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const hostile = fc.constantFrom(
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=1</script>',
  '"><svg onload=window.__xss=1>',
  'javascript:alert(1)',
  'abc\u202edef',
  'zero\u200bwidth',
  '\u0000',
  '\\u202E',
  '\ud800',
  '&lt;b&gt;',
);
const token = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), hostile);

function analysis(rows: number): EvalResult {
  return {
    runId: 'fuzz',
    datasetId: 'fuzz',
    arch: 'topk',
    step: 1,
    final: true,
    config: {},
    rows,
    D: 1,
    F: 1,
    kHat: null,
    l0: new Uint32Array(rows),
    sqErr: new Float32Array(rows),
    fireCount: new Uint32Array(1),
    actSum: new Float64Array(1),
    actMax: new Float32Array(1),
    bins: 1,
    hist: new Uint32Array(1),
    histHi: new Float32Array(1),
    topN: 1,
    topRows: Int32Array.of(-1),
    topValues: new Float32Array(1),
    fvu: 0,
    meanL0: 0,
    deadFraction: 0,
    kHatMean: 0,
    truth: null,
  };
}

let container: HTMLDivElement | null = null;
afterEach(() => container?.remove());

describe('token renderer fuzz', () => {
  it('shows every token as text only, escaped and recoverable', () => {
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 24 }), (tokens) => {
        container?.remove();
        container = document.createElement('div');
        document.body.append(container);
        const ds: LoadedDataset = {
          id: 'fuzz',
          name: 'fuzz',
          rows: tokens.length,
          D: 1,
          tokens,
          seq: null,
          pos: null,
        };
        const root = createRoot(container);
        act(() => root.render(<TokenView a={analysis(tokens.length)} ds={ds} />));
        const buttons = [...container.querySelectorAll('[data-testid="inspect.token"]')];
        expect(buttons).toHaveLength(tokens.length);
        for (const b of buttons) {
          const r = Number(b.getAttribute('data-row'));
          // One text node, no element: nothing in the token became markup.
          expect(b.children).toHaveLength(0);
          const shown = b.textContent!;
          if (tokens[r] === '') expect(shown).toBe('(empty)');
          else expect(unescapeShown(shown)).toBe(tokens[r]);
          expect(shown).not.toMatch(INVISIBLE);
          expect(shown).not.toMatch(LONE_SURROGATE);
        }
        expect(container.querySelectorAll('script, img, svg, iframe, object')).toHaveLength(0);
        act(() => root.unmount());
      }),
      fuzzParams('token renderer', 0.2),
    );
  });
});
