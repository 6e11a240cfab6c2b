// Checks a file given on the command line before anything reads it, so that a missing, unreadable
// or wrong kind of file is one line naming the file and the fix (reliability case 37).
import { closeSync, openSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** A problem with the command's input, printed as one line (no stack trace). */
export class CliError extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/**
 * Returns the absolute path of an input that can be read, or throws a {@link CliError}.
 * @param {string} path as the user typed it
 * @param {{ flag?: string, directory?: boolean }} [options] `flag`: the option that named it;
 *   `directory`: a folder is accepted too.
 */
export function checkInput(path, { flag, directory = false } = {}) {
  const given = flag ? ` (${flag})` : '';
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    if (e?.code === 'ENOENT' || e?.code === 'ENOTDIR')
      throw new CliError(`${path}: no such file${given} — check the path and spelling`);
    if (e?.code === 'EACCES')
      throw new CliError(
        `${path}: permission denied${given} — make its folder readable (chmod u+rx)`,
      );
    throw new CliError(`${path}: cannot be read${given} (${e?.code ?? e}) — check the path`);
  }
  if (st.isDirectory()) {
    if (directory) return resolve(path);
    throw new CliError(`${path}: is a directory, not a file${given} — give the file inside it`);
  }
  if (!st.isFile()) {
    const kind = st.isFIFO() ? 'a pipe (FIFO)' : st.isSocket() ? 'a socket' : 'a device';
    throw new CliError(
      `${path}: is ${kind}, not a regular file${given} — save the data to a file and give that file`,
    );
  }
  try {
    closeSync(openSync(path, 'r'));
  } catch (e) {
    if (e?.code === 'EACCES' || e?.code === 'EPERM')
      throw new CliError(`${path}: permission denied${given} — make it readable (chmod u+r)`);
    throw new CliError(`${path}: cannot be opened${given} (${e?.code ?? e}) — check the file`);
  }
  return resolve(path);
}

/** What to do about a file its reader refused, by its kind. */
export function fixFor(path) {
  const name = path.toLowerCase();
  if (name.endsWith('.npy'))
    return 'save the array again with numpy.save (2-D or 3-D, float16/bfloat16/float32/float64)';
  if (name.endsWith('.safetensors')) return 'save the tensors again with safetensors (save_file)';
  if (name.endsWith('.npz')) return 'save the arrays again with numpy.savez';
  if (name.endsWith('.json')) return 'fix the JSON, or give the file the command expects';
  return 'give a .npy, .safetensors or .npz file';
}
