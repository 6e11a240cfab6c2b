import type { ByteSource } from './source.ts';

/**
 * Somewhere to decode a compressed member too large to hold in memory: written once, in order,
 * then read back in slices like any file. In the browser it is a file in the origin's private
 * storage (src/workers/opfsSpill.ts); tests may hand a buffer.
 */
export interface SpillSink {
  /** Appends the next bytes. */
  write(chunk: Uint8Array): Promise<void>;
  /** Ends writing; the bytes written, as a source named `name`. */
  finish(name: string): Promise<ByteSource>;
  /** Gives up (a corrupt member): the partial file is removed. */
  discard(): Promise<void>;
}

/** Opens a sink for `bytes` bytes of the member `member` of the archive `file`. */
export type Spill = (file: string, member: string, bytes: number) => Promise<SpillSink>;
