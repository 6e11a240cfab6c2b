export function registerTokenRows(opts: { id: string; rows: number; seqLen: number }): void;
export function tokenRow(r: number): { token: string; kHat: number; l0: number; sqErr: number };
