/**
 * The single error type of the io layer. Every failure to read a user file ends up here, so the UI
 * can show `message` as is and tests can match the stable `code` instead of message wording.
 */
export class IoError extends Error {
  /** The file (or archive member) the problem is in, as the user named it. */
  readonly file: string;
  /** A stable identifier such as `npy/bad-magic` or `safetensors/overlap`. */
  readonly code: string;

  constructor(file: string, code: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options);
    this.name = 'IoError';
    this.file = file;
    this.code = code;
  }
}

/** Throws an {@link IoError}; a helper so validation reads as one line per rule. */
export function fail(file: string, code: string, problem: string, cause?: unknown): never {
  throw new IoError(file, code, problem, cause === undefined ? undefined : { cause });
}

/** Formats a byte count for messages (`1.5 MiB`), so sizes in errors are readable. */
export function formatBytes(n: number | bigint): string {
  const v = Number(n);
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let i = 0;
  let x = v;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return i === 0 ? `${v} bytes` : `${x.toFixed(1)} ${units[i]} (${n} bytes)`;
}
