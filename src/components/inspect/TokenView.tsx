import { extent, interpolateBlues, interpolateGreens, interpolateReds, scaleSequential } from 'd3';
import {
  useCallback,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type SyntheticEvent,
} from 'react';
import { visibleToken } from '../../io/visible';
import type { RunAnalysis } from '../../session/analyses';
import type { LoadedDataset } from '../../session/datasets';
import { useAppStore } from '../../store';
import type { ColourMode } from '../../store/inspectSlice';
import { scatterX } from './ErrorCharts';
import { TokenPool, type Colouring } from './tokenPool';
import { useFeatureActs } from './useFeatureActs';
import {
  indexOfRow,
  lineOf,
  lineStarts,
  moveIndex,
  rowsInRange,
  scrollMap,
  scrollTopFor,
  virtualTop,
} from './tokenLayout';

const LINE_H = 26;
const VIEW_H = 320;
const PER_LINE = 8;
/** Lines rendered beyond each edge of the box. */
const OVERSCAN = 2;
/** The tallest scroll content laid out (under Firefox's ~17.9 million px); taller scrolls stretched. */
const MAX_HEIGHT = 15_000_000;
/** Lines a PageUp/PageDown moves: a box minus one line, so the last line stays in sight. */
const PAGE_LINES = Math.floor(VIEW_H / LINE_H) - 1;
const fmt = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v));

/** A token's text as shown: control and invisible characters escaped; the row index without text. */
export function tokenLabel(ds: LoadedDataset | undefined, r: number): string {
  const t = ds?.tokens?.[r];
  if (t === undefined) return `#${r}`;
  return t === '' ? '(empty)' : visibleToken(t);
}

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
 * The token stream, virtualised: only the lines in view are in the DOM, drawn by a
 * {@link TokenPool} that refills a fixed set of line elements as the box scrolls (no React render
 * per scroll; content taller than browsers lay out scrolls stretched, see scrollMap). Tokens are
 * coloured by k̂, error or one feature's activation. The view is a listbox and one tab stop: a
 * click, or the arrow keys then Enter or Space, selects a token's row; the status line under it
 * tells the k̂ and error of the token hovered or moved to.
 */
export function TokenView({ a, ds }: { a: RunAnalysis; ds: LoadedDataset | undefined }) {
  const brush = useAppStore((s) => s.inspect.brush);
  const mode = useAppStore((s) => s.inspect.colour);
  const feature = useAppStore((s) => s.inspect.feature);
  const row = useAppStore((s) => s.inspect.row);
  const selectRow = useAppStore((s) => s.selectRow);
  /** The row hovered or moved to by the keyboard: the status line tells its numbers. */
  const [pointed, setPointed] = useState<number | null>(null);
  /** The keyboard's position (a row), drawn with an outline while the view has focus. */
  const [active, setActive] = useState<number | null>(null);
  const acts = useFeatureActs(a.runId, a.step, feature, mode === 'feature');
  const boxRef = useRef<HTMLDivElement>(null);
  const hostRef = useRef<HTMLDivElement>(null);
  const poolRef = useRef<TokenPool | null>(null);
  const activeId = `${useId()}active`;

  const shown = useMemo(
    () =>
      brush
        ? rowsInRange(scatterX(a).values, a.sqErr, brush)
        : Int32Array.from({ length: a.rows }, (_, i) => i),
    [a, brush],
  );
  const starts = useMemo(() => lineStarts(shown, ds?.seq ?? null, PER_LINE), [shown, ds]);
  const colour = useMemo(() => colouring(a, mode, acts), [a, mode, acts]);
  const label = useCallback((r: number) => tokenLabel(ds, r), [ds]);
  const lines = starts.length - 1;
  const map = useMemo(() => scrollMap(lines * LINE_H, VIEW_H, MAX_HEIGHT), [lines]);

  /** Draws the lines in view; points aria-activedescendant at the active token when shown. */
  const draw = useCallback(() => {
    const pool = poolRef.current;
    const box = boxRef.current;
    if (!pool || !box) return;
    pool.render(box.scrollTop);
    if (pool.hasActive()) box.setAttribute('aria-activedescendant', activeId);
    else box.removeAttribute('aria-activedescendant');
  }, [activeId]);

  // The pool lives as long as the view; scrolling draws without a React render.
  useLayoutEffect(() => {
    const box = boxRef.current!;
    poolRef.current = new TokenPool(
      hostRef.current!,
      { lineHeight: LINE_H, viewHeight: VIEW_H, overscan: OVERSCAN, maxHeight: MAX_HEIGHT },
      activeId,
    );
    box.addEventListener('scroll', draw, { passive: true });
    return () => {
      box.removeEventListener('scroll', draw);
      poolRef.current!.destroy();
      poolRef.current = null;
    };
  }, [activeId, draw]);
  useLayoutEffect(() => {
    poolRef.current!.setContent({ shown, starts, label, colour });
    draw();
  }, [shown, starts, label, colour, draw]);
  useLayoutEffect(() => poolRef.current!.setSelected(row ?? -1), [row, shown, starts]);
  useLayoutEffect(() => {
    poolRef.current!.setActive(active ?? -1);
    draw();
  }, [active, shown, starts, draw]);

  const kName = a.kHat ? 'k̂' : 'L0';
  const describe = (r: number) =>
    `row ${r} · ${kName} ${fmt(a.kHat ? a.kHat[r] : a.l0[r])} · L0 ${a.l0[r]} · error ${fmt(a.sqErr[r])}` +
    (mode === 'feature' && acts && feature !== null
      ? ` · feature ${feature}: ${fmt(acts[r])}`
      : '');
  const hover = (e: SyntheticEvent) => {
    const r = eventRow(e);
    if (r !== null) setPointed(r);
  };

  /** Arrows, PageUp/PageDown, Home/End move the active token (scrolled into view); Enter/Space select it. */
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const box = e.currentTarget;
    const at = active === null ? -1 : indexOfRow(shown, active);
    if (e.key === 'Enter' || e.key === ' ') {
      if (at < 0) return;
      e.preventDefault();
      selectRow(shown[at]);
      return;
    }
    if (lines === 0) return;
    // Without a position yet, the first key lands on the first token in view (Home/End go to the ends).
    const v = virtualTop(map, box.scrollTop);
    const firstInView = starts[Math.min(lines - 1, Math.ceil(v / LINE_H))];
    const next =
      at >= 0 || e.key === 'Home' || e.key === 'End'
        ? moveIndex(e.key, Math.max(at, 0), starts, PAGE_LINES)
        : moveIndex(e.key, firstInView, starts, PAGE_LINES) === null
          ? null
          : firstInView;
    if (next === null) return;
    e.preventDefault();
    // Scrolled just enough to show the line whole (in content offsets, mapped to scrollTop).
    const top = lineOf(starts, next) * LINE_H;
    if (top < v) box.scrollTop = scrollTopFor(map, top, 'down');
    else if (top + LINE_H > v + box.clientHeight)
      box.scrollTop = scrollTopFor(map, top + LINE_H - box.clientHeight, 'up');
    setActive(shown[next]);
    setPointed(shown[next]);
  };

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
        ref={boxRef}
        className="token-scroll"
        style={{ height: VIEW_H }}
        tabIndex={0}
        onClick={(e) => {
          const r = eventRow(e);
          if (r === null) return;
          selectRow(r);
          setActive(r);
        }}
        onKeyDown={onKeyDown}
        onMouseOver={hover}
        onFocus={() => active !== null && setPointed(active)}
        data-testid="inspect.tokens"
        role="listbox"
        aria-label="Tokens: arrow keys move, Enter selects a token's row"
      >
        <div ref={hostRef} role="presentation" style={{ height: map.box, position: 'relative' }} />
      </div>
      <p className="muted" data-testid="inspect.tokenStatus" aria-live="polite">
        {pointed !== null && pointed < a.rows
          ? `${tokenLabel(ds, pointed)} — ${describe(pointed)}`
          : 'Hover a token, or move to one with the arrow keys, to see its k̂ and error.'}
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
