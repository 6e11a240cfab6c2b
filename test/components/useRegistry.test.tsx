// @vitest-environment jsdom
// A view that reads a page-side registry re-renders when the entry it shows is written, even when
// nothing in the zustand store changes at the same time (the registries are read through
// useSyncExternalStore, not during render by call order).
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { useDataset } from '../../src/components/useRegistry';
import { putDataset } from '../../src/session/datasets';
import { Registry } from '../../src/session/registry';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

function Tokens({ id }: { id: string }) {
  const ds = useDataset(id);
  return <p>{ds?.tokens ? ds.tokens.join(' ') : 'no tokens yet'}</p>;
}

describe('registries in views', () => {
  it('a view shows a dataset written after it rendered', () => {
    const el = document.createElement('div');
    const root = createRoot(el);
    act(() => root.render(<Tokens id="reg-test" />));
    expect(el.textContent).toBe('no tokens yet');
    act(() =>
      putDataset({
        id: 'reg-test',
        name: 'r',
        rows: 2,
        D: 1,
        tokens: ['hello', 'world'],
        seq: null,
        pos: null,
      }),
    );
    expect(el.textContent).toBe('hello world');
    act(() => root.unmount());
  });

  it('Registry: every write changes the snapshot and tells subscribers; unsubscribe stops that', () => {
    const r = new Registry<number>();
    const seen: number[] = [];
    const off = r.subscribe(() => seen.push(r.snapshot()));
    const v0 = r.snapshot();
    r.put('a', 1);
    r.put('a', 2);
    off();
    r.put('b', 3);
    expect(seen).toEqual([v0 + 1, v0 + 2]);
    expect([r.get('a'), r.get('b'), r.get(null), r.get('c')]).toEqual([2, 3, undefined, undefined]);
  });
});
