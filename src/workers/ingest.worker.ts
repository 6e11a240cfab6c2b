/**
 * The ingestion worker: reads the user's activation and token files off the main thread.
 * All logic is in `ingest-core.ts`; this file only wires it to the worker's message port.
 */
import { IngestSession } from './ingest-core.ts';
import { opfsSpill } from './opfsSpill.ts';
import type { IngestMessage, IngestRequest } from './ingest-protocol.ts';

const scope = self as unknown as {
  postMessage(msg: IngestMessage, transfer: Transferable[]): void;
  onmessage: ((ev: MessageEvent<IngestRequest>) => void) | null;
};

// Where the browser has OPFS, compressed .npz members over the memory budget are decoded there.
const spill = typeof navigator.storage?.getDirectory === 'function' ? opfsSpill : undefined;
const session = new IngestSession((msg, transfer) => scope.postMessage(msg, transfer), spill);
scope.onmessage = (ev) => {
  void session.handle(ev.data);
};
