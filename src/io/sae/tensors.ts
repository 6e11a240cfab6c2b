/**
 * Shared pieces of the SAE readers: one view over the tensors of a `.safetensors` or `.npz`
 * file, a checked reader of `cfg.json`, and weight orientation from shapes and declared widths.
 */
import { fail } from '../errors.ts';
import type { NpzFile } from '../npz.ts';
import type { SafetensorsFile } from '../safetensors.ts';

/** The tensors of one weights file, by name. */
export interface TensorStore {
  file: string;
  names: string[];
  shape(name: string): number[] | undefined;
  /** The whole tensor as float32, C order. */
  read(name: string): Promise<Float32Array>;
}

/** Largest tensor read whole (2^28 floats = 1 GiB). */
const MAX_ELEMENTS = 2 ** 28;

export function safetensorsStore(f: SafetensorsFile): TensorStore {
  return {
    file: f.file,
    names: f.tensors.map((t) => t.name),
    shape: (n) => f.tensors.find((t) => t.name === n)?.shape,
    read: (n) => f.readValues(n, MAX_ELEMENTS),
  };
}

export async function npzStore(f: NpzFile): Promise<TensorStore> {
  const shapes = new Map<string, number[]>();
  for (const m of f.members) shapes.set(m.key, (await f.header(m.name)).shape);
  return {
    file: f.file,
    names: [...shapes.keys()],
    shape: (n) => shapes.get(n),
    read: async (n) => (await f.readArray(n, MAX_ELEMENTS)).data,
  };
}

/** A parsed `cfg.json` with typed, checked access; errors name the file and the key. */
export class SaeConfig {
  constructor(
    readonly file: string,
    readonly raw: Record<string, unknown>,
  ) {}

  static parse(file: string, text: string): SaeConfig {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      return fail(file, 'sae/bad-config', `not valid JSON (${(e as Error).message})`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      fail(file, 'sae/bad-config', 'the config must be a JSON object');
    return new SaeConfig(file, v as Record<string, unknown>);
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  /** A nested object (e.g. `activation_fn_kwargs`), empty when absent. */
  sub(key: string): SaeConfig {
    const v = this.raw[key];
    if (v === undefined || v === null) return new SaeConfig(this.file, {});
    if (typeof v !== 'object' || Array.isArray(v))
      fail(this.file, 'sae/bad-config', `${key} must be an object`);
    return new SaeConfig(`${this.file} ${key}`, v as Record<string, unknown>);
  }

  str(key: string, fallback?: string): string {
    const v = this.raw[key] ?? fallback;
    if (typeof v !== 'string') fail(this.file, 'sae/bad-config', `${key} must be a string`);
    return v as string;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.raw[key] ?? fallback;
    if (typeof v !== 'boolean') fail(this.file, 'sae/bad-config', `${key} must be true or false`);
    return v as boolean;
  }

  num(key: string, fallback?: number): number {
    const v = this.raw[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v))
      fail(this.file, 'sae/bad-config', `${key} must be a number`);
    return v as number;
  }

  /** A positive integer (widths, k). */
  int(key: string, fallback?: number): number {
    const v = this.num(key, fallback);
    if (!Number.isInteger(v) || v < 1)
      fail(this.file, 'sae/bad-config', `${key} must be a positive integer, got ${v}`);
    return v;
  }
}

/** Which way round a square matrix is stored when the shape cannot tell (the format's own rule). */
export type SquareRule = 'as-declared' | 'transposed';

/**
 * A 2-D weight as a row-major [rows, cols] matrix, whichever way round the file stores it: the
 * orientation comes from the shape and the declared widths, not from the tensor's name. A file
 * shape [rows, cols] is used as is, [cols, rows] is transposed. When rows = cols the shape cannot
 * tell, and `square` (the format's documented layout) decides. Any other shape is an error
 * naming the tensor, its shape and the widths.
 */
export async function oriented(
  store: TensorStore,
  name: string,
  rows: number,
  cols: number,
  square: SquareRule,
  what: string,
): Promise<Float32Array> {
  const s = need(store, name);
  const [a, b] = s;
  const asIs = s.length === 2 && a === rows && b === cols;
  const flipped = s.length === 2 && a === cols && b === rows;
  if (!asIs && !flipped)
    fail(
      store.file,
      'sae/bad-shape',
      `${name} has shape [${s}], but ${what} needs [${rows}, ${cols}] or [${cols}, ${rows}]`,
    );
  const v = await store.read(name);
  const transpose = asIs && flipped ? square === 'transposed' : flipped;
  if (!transpose) return v;
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = v[j * rows + i];
  return out;
}

/** A 1-D tensor of length n (a [1, n] or [n, 1] shape is accepted too). */
export async function vector(store: TensorStore, name: string, n: number): Promise<Float32Array> {
  const s = need(store, name);
  const count = s.reduce((x, y) => x * y, 1);
  if (count !== n || s.filter((d) => d !== 1).length > 1)
    fail(store.file, 'sae/bad-shape', `${name} has shape [${s}], expected [${n}]`);
  return store.read(name);
}

/** A scalar (shape [] or [1]). */
export async function scalar(store: TensorStore, name: string): Promise<number> {
  const s = need(store, name);
  if (s.reduce((x, y) => x * y, 1) !== 1)
    fail(store.file, 'sae/bad-shape', `${name} has shape [${s}], expected a scalar`);
  return (await store.read(name))[0];
}

export function need(store: TensorStore, name: string): number[] {
  return (
    store.shape(name) ??
    fail(store.file, 'sae/missing-tensor', `no tensor ${name} (has: ${store.names.join(', ')})`)
  );
}

/** The length of a 1-D tensor (the widths D and F when no config declares them). */
export function lengthOf(store: TensorStore, name: string): number {
  return need(store, name).reduce((x, y) => x * y, 1);
}
