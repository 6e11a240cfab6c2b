import { extent, interpolateBlues, interpolateGreens, interpolateReds, scaleSequential } from 'd3';
import { useMemo, useState, type SyntheticEvent } from 'react';
import type { RunAnalysis } from '../../session/analyses';
import type { LoadedDataset } from '../../session/datasets';
import { useAppStore } from '../../store';
import type { ColourMode } from '../../store/inspectSlice';
import { scatterX } from './ErrorCharts';
import { TokenLine, tokenLabel, type Colouring } from './TokenLine';
import { useFeatureActs } from './useFeatureActs';
import { lineStarts, rowsInRange, visibleLines } from './tokenLayout';

const LINE_H = 26;
const VIEW_H = 320;
const PER_LINE = 8;
/** Lines rendered beyond each edge of the box. */
const OVERSCAN = 2;
const fmt = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v));

export { tokenLabel };

/** Values and colour scale of a colour mode. */
function colouring(a: RunAnalysis, mode: ColourMode, acts: Float32Array | null): Colouring | null {
  const values = mode === 'error' ? a.sqErr : mode === 'feature' ? acts : (a.kHat ?? a.l0);
  if (!values) return null;
  const [lo, hi] = extent(values) as [number, number];
  const interp =
    mode === 'error' ? interpolateReds : mode === 'feature' ? interpolateGreens : interpolateBlues;
  const scale = scaleSequential(interp).domain(mode === 'feature' ? [0, hi || 1] : [lo, hi]);
  return { values, scale: (v) => scale(v), lo: mode === 'feature' ? 0 : lo, hi };
}

/** The row of the token an event happened on (events are delegated to the scroll box). */
function eventRow(e: SyntheticEvent): number | null {
  const el = (e.target as Element).closest?.('[data-row]');
  return el ? Number(el.getAttribute('data-row')) : null;
}

/**
 * The token stream, virtualised: only the lines in view are in the DOM. Each token is a button
 * (click, Enter or Space selects its row), coloured by k̂, error or one feature's activation.
 * Scrolling re-renders only when the first line in view changes, and then only the lines that
 * came into view (memoised {@link TokenLine}s): a million rows scroll like a thousand.
 */
export function TokenView({ a, ds }: { a: RunAnalysis; ds: LoadedDataset | undefined }) {
  const brush = useAppStore((s) => s.inspect.brush);
  const mode = useAppStore((s) => s.inspect.colour);
  const feature = useAppStore((s) => s.inspect.feature);
  const row = useAppStore((s) => s.inspect.row);
  const selectRow = useAppStore((s) => s.selectRow);
  // The first line at the top of the box, not the pixel offset: a scroll within a line is free.
  const [topLine, setTopLine] = useState(0);
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
  const [first, last] = visibleLines(topLine * LINE_H, VIEW_H, LINE_H, lines, OVERSCAN);
  const kName = a.kHat ? 'k̂' : 'L0';
  const describe = (r: number) =>
    `row ${r} · ${kName} ${fmt(a.kHat ? a.kHat[r] : a.l0[r])} · L0 ${a.l0[r]} · error ${fmt(a.sqErr[r])}` +
    (mode === 'feature' && acts && feature !== null
      ? ` · feature ${feature}: ${fmt(acts[r])}`
      : '');
  const hover = (e: SyntheticEvent) => {
    const r = eventRow(e);
    if (r !== null) setFocused(r);
  };

  const rendered = [];
  for (let line = first; line < last; line++) {
    const from = starts[line];
    const to = starts[line + 1];
    const onLine = row !== null && to > from && row >= shown[from] && row <= shown[to - 1];
    rendered.push(
      <TokenLine
        key={line}
        top={line * LINE_H}
        height={LINE_H}
        from={from}
        to={to}
        shown={shown}
        ds={ds}
        colour={colour}
        selected={onLine ? row : -1}
      />,
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
        onScroll={(e) => setTopLine(Math.floor(e.currentTarget.scrollTop / LINE_H))}
        onClick={(e) => {
          const r = eventRow(e);
          if (r !== null) selectRow(r);
        }}
        onFocus={hover}
        onMouseOver={hover}
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
