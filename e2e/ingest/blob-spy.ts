// Records every whole-content read of a Blob (`arrayBuffer`, `bytes`, `text`, `stream`) with the
// blob's size and whether it is a File itself or a slice of one. Installed before the ingestion
// worker's code runs, it shows which reads the loader really makes (reliability case 11).

/** One read of a Blob's content. */
export interface BlobRead {
  method: string;
  size: number;
  /** True when the File itself was read, i.e. the whole file, not a `slice()` of it. */
  isFile: boolean;
  name: string;
}

/** Wraps the Blob read methods of this realm so each call is reported before it runs. */
export function installBlobSpy(report: (r: BlobRead) => void): void {
  const proto = Blob.prototype as unknown as Record<string, unknown>;
  for (const method of ['arrayBuffer', 'bytes', 'text', 'stream']) {
    const original = proto[method];
    if (typeof original !== 'function') continue;
    proto[method] = function (this: Blob, ...args: unknown[]) {
      const isFile = typeof File !== 'undefined' && this instanceof File;
      report({ method, size: this.size, isFile, name: isFile ? (this as File).name : '' });
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
}
