import { useRef, type ReactNode } from 'react';

export interface Tab {
  id: string;
  label: ReactNode;
  panel: ReactNode;
}

/**
 * WAI-ARIA tabs: Tab reaches the selected tab, arrow keys / Home / End move between tabs. Every
 * panel stays mounted (only hidden), so form values and charts survive switching.
 */
export function Tabs({
  tabs,
  selected,
  onSelect,
  label,
}: {
  tabs: readonly Tab[];
  selected: string;
  onSelect: (id: string) => void;
  label: string;
}) {
  const refs = useRef(new Map<string, HTMLButtonElement>());
  const move = (from: number, by: number | 'first' | 'last') => {
    const n = tabs.length;
    const to = by === 'first' ? 0 : by === 'last' ? n - 1 : (from + by + n) % n;
    onSelect(tabs[to].id);
    refs.current.get(tabs[to].id)?.focus();
  };
  return (
    <>
      <nav className="tabs" role="tablist" aria-label={label}>
        {tabs.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              if (el) refs.current.set(t.id, el);
              else refs.current.delete(t.id);
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={t.id === selected}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === selected ? 0 : -1}
            data-testid={`nav.${t.id}`}
            onClick={() => onSelect(t.id)}
            onKeyDown={(e) => {
              const by = ({ ArrowRight: 1, ArrowLeft: -1, Home: 'first', End: 'last' } as const)[
                e.key as 'ArrowRight'
              ];
              if (by !== undefined) {
                e.preventDefault();
                move(i, by);
              }
            }}
          >
            {t.label}
          </button>
        ))}
      </nav>
      {tabs.map((t) => (
        <div
          key={t.id}
          role="tabpanel"
          id={`panel-${t.id}`}
          aria-labelledby={`tab-${t.id}`}
          hidden={t.id !== selected}
          className="tabpanel"
        >
          {t.panel}
        </div>
      ))}
    </>
  );
}
