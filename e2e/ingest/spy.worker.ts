// The real ingestion worker with a Blob spy installed first: every read it makes is posted to the
// page as `{ type: 'blob-read', read }` before the read runs, so it arrives before the reply.
import { installBlobSpy } from './blob-spy';
import '../../src/workers/ingest.worker';

installBlobSpy((read) => (self as unknown as Worker).postMessage({ type: 'blob-read', read }));
