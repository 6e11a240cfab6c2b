/**
 * A page-side registry of heavy data by id (datasets' tokens, evaluations' per-row arrays), kept
 * out of the zustand store on purpose, with a version that changes on every write. Views read it
 * through `useSyncExternalStore` (`src/components/useRegistry.ts`), so a view re-renders when an
 * entry it shows is written, whatever the order in which the store and the registry were updated.
 */
export class Registry<V> {
  private readonly items = new Map<string, V>();
  private readonly listeners = new Set<() => void>();
  private version = 0;

  get(id: string | null | undefined): V | undefined {
    return id == null ? undefined : this.items.get(id);
  }

  /** Adds or replaces the entry `id` and tells the subscribers. */
  put(id: string, value: V): void {
    this.items.set(id, value);
    this.version++;
    for (const l of this.listeners) l();
  }

  /** For `useSyncExternalStore`: called after every write; returns the unsubscribe function. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** For `useSyncExternalStore`: a number that changes with every write. */
  readonly snapshot = (): number => this.version;
}
