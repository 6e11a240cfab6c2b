/**
 * What each chosen file is for. Roles are guessed from names, shown to the user and editable,
 * because one extension can mean two things: a `.npy` holds activations or token ids, a `.json`
 * holds tokens or a vocabulary.
 */
import type { InputFile } from '../io/http';

export type FileRole = 'activations' | 'tokens' | 'vocab' | 'ignore';

export interface StagedFile {
  /** A picked file, or one the command line serves (same handling: only reads differ). */
  file: InputFile;
  role: FileRole;
}

export const ROLE_LABELS: Record<FileRole, string> = {
  activations: 'activations',
  tokens: 'tokens',
  vocab: 'vocabulary (for token ids)',
  ignore: 'ignore',
};

const ext = (name: string) => name.slice(name.lastIndexOf('.') + 1).toLowerCase();

/**
 * The likely role of a file by its name. Unknown extensions count as activations, so the
 * reader reports exactly what is wrong with the file rather than the app silently skipping it.
 */
export function guessRole(name: string): FileRole {
  const e = ext(name);
  if (e === 'txt' || e === 'jsonl') return 'tokens';
  if (e === 'json') return /vocab/i.test(name) ? 'vocab' : 'tokens';
  if (e === 'npy' && /(token|ids)/i.test(name)) return 'tokens';
  return 'activations';
}

/**
 * Shards in name order, numbers compared as numbers (`acts_2` before `acts_10`): a drop or a
 * file dialog gives files in no reliable order, and shards must be concatenated in theirs.
 */
export function shardOrder<T extends { name: string }>(files: readonly T[]): T[] {
  const collator = new Intl.Collator('en', { numeric: true });
  return [...files].sort((a, b) => collator.compare(a.name, b.name));
}

/** Stages newly chosen files, each with its guessed role. */
export function stage(files: Iterable<File>): StagedFile[] {
  return [...files].map((file) => ({ file, role: guessRole(file.name) }));
}
