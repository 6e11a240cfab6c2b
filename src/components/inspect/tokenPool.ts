/**
 * The token view's renderer: a fixed pool of line elements, refilled in place as the box scrolls.
 * Plain DOM, no React, so a scroll costs only the lines that came into view:
 *
 * - The pool holds P = ⌈viewHeight / lineHeight⌉ + 1 + 2·overscan line slots, enough for every line
 *   that can be in view (plus overscan). Line L always lives in slot L mod P, so a line that stays
 *   in view is never touched; scrolling by n lines refills n slots, a jump refills all P.
 * - A refill writes only what changed per token: its text node's data, `data-row`, the colour, the
 *   selection flag. Token elements are created once and reused (a spare list holds those not in a
 *   line: lines end early at sequence boundaries).
 * - Token text is always assigned as text (`Text.data`), never parsed as markup.
 *
 * Slot order in the DOM is not visual order; the view is one tab stop whose keyboard model
 * (arrows, Enter) lives in TokenView, so DOM order does not matter to a keyboard user.
 */
import { scrollMap, virtualTop, visibleLines, type ScrollMap } from './tokenLayout';

/** How tokens are coloured: the values, their range, and the colour of a value. */
export interface Colouring {
  values: ArrayLike<number>;
  lo: number;
  hi: number;
  scale: (v: number) => string;
}

/** What the pool shows: rows in order, where lines start, each row's text and colour. */
export interface TokenContent {
  /** Shown rows, in order (all rows, or those in the brushed range). */
  shown: Int32Array;
  /** Index into `shown` where each line starts, plus a final entry = shown.length. */
  starts: Int32Array;
  label: (row: number) => string;
  colour: Colouring | null;
}

export interface PoolGeometry {
  lineHeight: number;
  viewHeight: number;
  overscan: number;
  /** The tallest the scrolled content may be laid out; taller content scrolls stretched. */
  maxHeight: number;
}

/** A token element and what it shows now (so a refill writes only what changed). */
interface Tok {
  el: HTMLElement;
  text: Text;
  row: number;
  background: string;
  selected: boolean;
  active: boolean;
}

interface Slot {
  el: HTMLElement;
  line: number;
  /** The line's `top` in px, as written. */
  top: number;
  toks: Tok[];
}

/** Colours for a colour mode, cached per value range: 256 levels from light to dark. */
const LEVELS = 256;
function palette(c: Colouring): { background: string[]; text: string[] } {
  const background: string[] = [];
  const text: string[] = [];
  for (let i = 0; i < LEVELS; i++) {
    const t = i / (LEVELS - 1);
    background.push(c.scale(c.lo + t * (c.hi - c.lo)));
    text.push(t > 0.6 ? '#fff' : '#111');
  }
  return { background, text };
}

export class TokenPool {
  private readonly slots: Slot[] = [];
  private readonly spare: Tok[] = [];
  private content: TokenContent | null = null;
  private map: ScrollMap;
  private colours: { background: string[]; text: string[] } | null = null;
  private selectedRow = -1;
  private activeRow = -1;
  /** Lines refilled since construction (what a scroll cost; read by tests). */
  refills = 0;

  constructor(
    private readonly host: HTMLElement,
    private readonly geometry: PoolGeometry,
    /** The id given to the active token's element (for aria-activedescendant). */
    private readonly activeId: string,
  ) {
    const { lineHeight, viewHeight, overscan } = geometry;
    this.map = scrollMap(0, viewHeight, geometry.maxHeight);
    const count = Math.ceil(viewHeight / lineHeight) + 1 + 2 * overscan;
    for (let i = 0; i < count; i++) {
      const el = host.ownerDocument.createElement('div');
      el.className = 'token-line';
      el.setAttribute('role', 'presentation');
      el.style.height = `${lineHeight}px`;
      el.hidden = true;
      host.appendChild(el);
      this.slots.push({ el, line: -1, top: NaN, toks: [] });
    }
  }

  /** New rows, text or colours: every slot is refilled at the next render. */
  setContent(content: TokenContent): void {
    this.content = content;
    const { lineHeight, viewHeight, maxHeight } = this.geometry;
    this.map = scrollMap((content.starts.length - 1) * lineHeight, viewHeight, maxHeight);
    this.colours = content.colour ? palette(content.colour) : null;
    // Text may differ for the same row (another dataset): every token is rewritten.
    for (const s of this.slots) {
      s.line = -1;
      for (const t of s.toks) t.row = -1;
    }
    for (const t of this.spare) t.row = -1;
  }

  /** Marks the token of `row` as selected (−1: none). */
  setSelected(row: number): void {
    this.selectedRow = row;
    for (const t of this.tokens()) this.paintFlags(t);
  }

  /** Marks the token of `row` as active, the keyboard's position (−1: none). */
  setActive(row: number): void {
    this.activeRow = row;
    for (const t of this.tokens()) this.paintFlags(t);
  }

  /** Whether the active row's token is in the DOM now (else aria-activedescendant must go). */
  hasActive(): boolean {
    for (const t of this.tokens()) if (t.active) return true;
    return false;
  }

  /** The height the host must have (the content's, capped at `maxHeight`). */
  height(): number {
    return this.map.box;
  }

  /**
   * Shows the lines in view at `scrollTop`; returns how many lines were refilled. Line L is
   * placed at L·lineHeight + (s − v): its own offset when the box scrolls one to one, and moved
   * with the view when the scroll is stretched (see scrollMap).
   */
  render(scrollTop: number): number {
    const c = this.content;
    const lines = c ? c.starts.length - 1 : 0;
    const { lineHeight, viewHeight, overscan } = this.geometry;
    const v = virtualTop(this.map, scrollTop);
    const shift = Math.round(scrollTop - v);
    const [first, last] = visibleLines(v, viewHeight, lineHeight, lines, overscan);
    const P = this.slots.length;
    let filled = 0;
    for (let line = first; line < last; line++) {
      const slot = this.slots[line % P];
      if (slot.line !== line) {
        this.fill(slot, line);
        filled++;
      }
      const top = line * lineHeight + shift;
      if (slot.top !== top) {
        slot.top = top;
        slot.el.style.top = `${top}px`;
      }
    }
    for (const slot of this.slots)
      if (slot.line !== -1 && (slot.line < first || slot.line >= last)) this.clear(slot);
    this.refills += filled;
    return filled;
  }

  /** Removes the pool's elements from the host. */
  destroy(): void {
    for (const s of this.slots) s.el.remove();
    this.slots.length = 0;
  }

  private *tokens(): Iterable<Tok> {
    for (const s of this.slots) yield* s.toks;
  }

  private fill(slot: Slot, line: number): void {
    const c = this.content!;
    const from = c.starts[line];
    const n = c.starts[line + 1] - from;
    // As many token elements as the line has tokens: extra ones go to the spare list.
    while (slot.toks.length > n) {
      const t = slot.toks.pop()!;
      t.el.remove();
      this.spare.push(t);
    }
    while (slot.toks.length < n) {
      const t = this.spare.pop() ?? this.makeToken();
      slot.el.appendChild(t.el);
      slot.toks.push(t);
    }
    for (let j = 0; j < n; j++) this.paintToken(slot.toks[j], c.shown[from + j]);
    slot.el.hidden = false;
    slot.line = line;
  }

  private clear(slot: Slot): void {
    slot.el.hidden = true;
    slot.line = -1;
    for (const t of slot.toks) {
      t.el.remove();
      this.spare.push(t);
    }
    slot.toks.length = 0;
  }

  private makeToken(): Tok {
    const el = this.host.ownerDocument.createElement('span');
    el.className = 'token';
    el.setAttribute('role', 'option');
    el.dataset.testid = 'inspect.token';
    el.setAttribute('aria-selected', 'false');
    const text = this.host.ownerDocument.createTextNode('');
    el.appendChild(text);
    return { el, text, row: -1, background: '', selected: false, active: false };
  }

  private paintToken(t: Tok, row: number): void {
    const c = this.content!;
    if (t.row !== row) {
      t.row = row;
      t.text.data = c.label(row);
      t.el.dataset.row = String(row);
    }
    const colours = this.colours;
    let background = '';
    let colour = '';
    if (colours && c.colour) {
      const { values, lo, hi } = c.colour;
      const u = (values[row] - lo) / (hi - lo || 1);
      const level = Math.round(Math.min(1, Math.max(0, Number.isFinite(u) ? u : 0)) * (LEVELS - 1));
      background = colours.background[level];
      colour = colours.text[level];
    }
    if (t.background !== background) {
      t.background = background;
      t.el.style.backgroundColor = background;
      t.el.style.color = colour;
    }
    this.paintFlags(t);
  }

  /** aria-selected and the active id, written only when they change. */
  private paintFlags(t: Tok): void {
    const selected = t.row === this.selectedRow;
    if (selected !== t.selected) {
      t.selected = selected;
      t.el.setAttribute('aria-selected', String(selected));
    }
    const active = t.row === this.activeRow;
    if (active !== t.active) {
      t.active = active;
      if (active) t.el.id = this.activeId;
      else t.el.removeAttribute('id');
      t.el.classList.toggle('active', active);
    }
  }
}
