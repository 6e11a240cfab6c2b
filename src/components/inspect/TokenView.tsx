import { extent, interpolateBlues, interpolateGreens, interpolateReds, scaleSequential } from 'd3';
import { useMemo, useState } from 'react';
import { visibleToken } from '../../io/visible';
import type { RunAnalysis } from '../../session/analyses';
import type { LoadedDataset } from '../../session/datasets';
import { useAppStore } from '../../store';
import type { ColourMode } from '../../store/inspectSlice';
import { scatterX } from './ErrorCharts';
import { useFeatureActs } from './useFeatureActs';
import { lineStarts, rowsInRange, visibleLines } from './tokenLayout';

const LINE_H = 26;
const VIEW_H = 320;
const PER_LINE = 8;
const fmt = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v));

/** A token's text as shown: control and invisible characters escaped; the row index without text. */
export function tokenLabel(ds: LoadedDataset | undefined, r: number): string {
  const t = ds?.tokens?.[r];
  if (t === undefined) return `#${r}`;
  return t === '' ? '(empty)' : visibleToken(t);
}

/** Values and colour scale of a colour mode. */
function colouring(a: RunAnalysis, mode: ColourMode, acts: Float32Array | null) {
  const values = mode === 'error' ? a.sqErr : mode === 'feature' ? acts : (a.kHat ?? a.l0);
  if (!values) return null;
  const [lo, hi] = extent(values) as [number, number];
  const interp =
    mode === 'error' ? interpolateReds : mode === 'feature' ? interpolateGreens : interpolateBlues;
  const scale = scaleSequential(interp).domain(mode === 'feature' ? [0, hi || 1] : [lo, hi]);
  return { values, scale, lo: mode === 'feature' ? 0 : lo, hi };
}

/**
 * The token stream, virtualised: only the lines in view are in the DOM. Each token is a button
 * (click, Enter or Space selects its row), coloured by k̂, error or one feature's activation.
 */
export function TokenView({ a, ds }: { a: RunAnalysis; ds: LoadedDataset | undefined }) {
  const brush = useAppStore((s) => s.inspect.brush);
  const mode = useAppStore((s) => s.inspect.colour);
  const feature = useAppStore((s) => s.inspect.feature);
  const row = useAppStore((s) => s.inspect.row);
  const selectRow = useAppStore((s) => s.selectRow);
  const [scrollTop, setScrollTop] = useState(0);
  const [focused, setFocused] = useState<number | null>(null);
  const acts = useFeatureActs(a.runId, a.step, feature, mode === 'feature');

  const shown = useMemo(
    () =>
      brush
        ? rowsInRange(scatterX(a).values, a.sqErr, brush)
        : Int32Array.from({ length: a.rows }, (_, i) => i),
    [a, brush],
  );
  const starts = useMemo(() => lineStarts(shown, ds?.seq ?? null, PER_LINE), [shown, ds]);
  const colour = useMemo(() => colouring(a, mode, acts), [a, mode, acts]);
  const lines = starts.length - 1;
  const [first, last] = visibleLines(scrollTop, VIEW_H, LINE_H, lines, 2);
  const kName = a.kHat ? 'k̂' : 'L0';
  const describe = (r: number) =>
    `row ${r} · ${kName} ${fmt(a.kHat ? a.kHat[r] : a.l0[r])} · L0 ${a.l0[r]} · error ${fmt(a.sqErr[r])}` +
    (mode === 'feature' && acts && feature !== null
      ? ` · feature ${feature}: ${fmt(acts[r])}`
      : '');

  const rendered = [];
  for (let line = first; line < last; line++) {
    const tokens = [];
    for (let i = starts[line]; i < starts[line + 1]; i++) {
      const r = shown[i];
      const t = colour ? (colour.values[r] - colour.lo) / (colour.hi - colour.lo || 1) : 0;
      tokens.push(
        <button
          key={r}
          type="button"
          className="token"
          data-testid="inspect.token"
          data-row={r}
          data-khat={a.kHat ? a.kHat[r] : a.l0[r]}
          data-err={a.sqErr[r]}
          aria-pressed={row === r}
          title={describe(r)}
          style={
            colour
              ? { background: colour.scale(colour.values[r]), color: t > 0.6 ? '#fff' : '#111' }
              : undefined
          }
          onClick={() => selectRow(r)}
          onFocus={() => setFocused(r)}
          onMouseEnter={() => setFocused(r)}
        >
          {tokenLabel(ds, r)}
        </button>,
      );
    }
    rendered.push(
      <div key={line} className="token-line" style={{ top: line * LINE_H, height: LINE_H }}>
        {tokens}
      </div>,
    );
  }

  return (
    <div className="token-view">
      <ColourControl hasKHat={a.kHat !== null} feature={feature} />
      <p data-testid="inspect.tokenCount">
        {shown.length.toLocaleString('en-US')} of {a.rows.toLocaleString('en-US')} tokens
        {brush ? ' in the brushed range' : ''}
        {colour && ` · colour: ${fmt(colour.lo)} (light) to ${fmt(colour.hi)} (dark)`}
        {mode === 'feature' && feature === null && ' · select a feature to colour by it'}
      </p>
      <div
        className="token-scroll"
        style={{ height: VIEW_H }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        data-testid="inspect.tokens"
        role="group"
        aria-label="Tokens; each selects its input row"
      >
        <div style={{ height: lines * LINE_H, position: 'relative' }}>{rendered}</div>
      </div>
      <p className="muted" data-testid="inspect.tokenStatus" aria-live="polite">
        {focused !== null && focused < a.rows
          ? `${tokenLabel(ds, focused)} — ${describe(focused)}`
          : 'Hover or focus a token to see its k̂ and error.'}
      </p>
    </div>
  );
}

function ColourControl({ hasKHat, feature }: { hasKHat: boolean; feature: number | null }) {
  const mode = useAppStore((s) => s.inspect.colour);
  const setColour = useAppStore((s) => s.setColour);
  return (
    <label>
      Colour tokens by{' '}
      <select
        value={mode}
        onChange={(e) => setColour(e.target.value as ColourMode)}
        data-testid="inspect.colour"
      >
        <option value="khat">{hasKHat ? 'k̂ (predicted active count)' : 'L0 (active count)'}</option>
        <option value="error">reconstruction error</option>
        <option value="feature">
          {feature === null ? 'a feature (select one below)' : `feature ${feature}`}
        </option>
      </select>
    </label>
  );
}
