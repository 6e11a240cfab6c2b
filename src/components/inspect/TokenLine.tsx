import { memo, useLayoutEffect, useRef } from 'react';
import type { LoadedDataset } from '../../session/datasets';
import { visibleToken } from '../../io/visible';

/** A token's text as shown: control and invisible characters escaped; the row index without text. */
export function tokenLabel(ds: LoadedDataset | undefined, r: number): string {
  const t = ds?.tokens?.[r];
  if (t === undefined) return `#${r}`;
  return t === '' ? '(empty)' : visibleToken(t);
}

/** How tokens are coloured: the values, their range, and the colour of a value. */
export interface Colouring {
  values: ArrayLike<number>;
  lo: number;
  hi: number;
  scale: (v: number) => string;
}

/** A bare token button, cloned for every token (one native copy instead of four settings). */
let template: HTMLButtonElement | null = null;
function tokenButton(): HTMLButtonElement {
  if (!template) {
    template = document.createElement('button');
    template.type = 'button';
    template.className = 'token';
    template.dataset.testid = 'inspect.token';
  }
  return template.cloneNode() as HTMLButtonElement;
}

/**
 * One line of the token view: the shown rows [from, to) as buttons. Memoised, so scrolling
 * renders only the lines that come into view. The buttons are built with the DOM (text as
 * `textContent`, never markup) rather than as React elements: a big scroll jump brings ~140 new
 * tokens, and as React elements (development build, StrictMode's second render) they cost most
 * of a frame. A token's k̂ and error are told by the status line under the view on hover or
 * focus, not by a tooltip per token. Selection only flips `aria-pressed`, so a focused token
 * keeps its focus. Events are handled by the scroll box (delegation by `data-row`).
 */
export const TokenLine = memo(function TokenLine({
  top,
  height,
  from,
  to,
  shown,
  ds,
  colour,
  selected,
}: {
  top: number;
  height: number;
  from: number;
  to: number;
  shown: Int32Array;
  ds: LoadedDataset | undefined;
  colour: Colouring | null;
  /** The selected row when it is on this line, else −1. */
  selected: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const selectedRef = useRef(selected);
  const builtFor = useRef<unknown[]>([]);
  useLayoutEffect(() => {
    selectedRef.current = selected;
    for (const b of ref.current!.children)
      b.setAttribute('aria-pressed', String((b as HTMLElement).dataset.row === String(selected)));
  }, [selected]);
  useLayoutEffect(() => {
    // Built once per input: StrictMode's second run of a mounted effect finds it done.
    const inputs = [from, to, shown, ds, colour];
    if (inputs.every((v, i) => v === builtFor.current[i])) return;
    builtFor.current = inputs;
    const buttons: HTMLButtonElement[] = [];
    for (let i = from; i < to; i++) {
      const r = shown[i];
      const b = tokenButton();
      b.dataset.row = String(r);
      b.setAttribute('aria-pressed', String(selectedRef.current === r));
      if (colour) {
        const v = colour.values[r];
        const t = (v - colour.lo) / (colour.hi - colour.lo || 1);
        b.style.cssText = `background:${colour.scale(v)};color:${t > 0.6 ? '#fff' : '#111'}`;
      }
      b.textContent = tokenLabel(ds, r);
      buttons.push(b);
    }
    ref.current!.replaceChildren(...buttons);
  }, [from, to, shown, ds, colour]);
  return <div ref={ref} className="token-line" style={{ top, height }} />;
});
