/**
 * Page-side registry of loaded datasets (heavy: token strings and per-row arrays), by id. Kept
 * out of the zustand store on purpose; components look datasets up by the id the store holds.
 */
export interface LoadedDataset {
  id: string;
  name: string;
  rows: number;
  D: number;
  /** Token text per row, or null when the dataset came without tokens. */
  tokens: readonly string[] | null;
  /** Sequence of each row and the row's position in it, or null when unknown. */
  seq: Int32Array | null;
  pos: Int32Array | null;
}

const datasets = new Map<string, LoadedDataset>();

export function getDataset(id: string): LoadedDataset | undefined {
  return datasets.get(id);
}

export function putDataset(ds: LoadedDataset): void {
  datasets.set(ds.id, ds);
}
