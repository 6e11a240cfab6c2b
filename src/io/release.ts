/**
 * Frees a buffer now instead of at the next garbage collection, by transferring it into a
 * message nobody will receive (a channel whose other end is closed).
 *
 * Why: a pass over a file of gigabytes reads a fresh `ArrayBuffer` per chunk
 * (`Blob.slice().arrayBuffer()`), and Chromium's collector falls far behind such external
 * memory — a 2 GiB pass peaked at ~400 MiB of dead buffers on a busy machine (measured, and
 * ArrayBuffer.prototype.transfer() did not free them). A transferred buffer's memory leaves with
 * the message and is freed when the message is dropped: the same read loop then peaked at 6 MiB.
 * Reading into one reused buffer through a BYOB byte stream was tried too: thousands of short
 * Blob streams hang Chromium 156 until a collection runs, so every read stays a plain slice.
 */

let port: MessagePort | undefined;

/**
 * Detaches `buffer` (every view of it reads as empty afterwards) and lets its memory go. Only for
 * buffers the caller owns outright: a freshly read chunk that nothing else refers to. Where
 * `MessageChannel` is missing this does nothing and the collector frees the buffer as usual.
 */
export function releaseBuffer(buffer: ArrayBufferLike): void {
  if (typeof MessageChannel === 'undefined' || !(buffer instanceof ArrayBuffer)) return;
  if (buffer.byteLength === 0) return; // empty or already detached
  if (!port) {
    const ch = new MessageChannel();
    ch.port2.close();
    port = ch.port1;
    // Node: an open port must not keep the process alive.
    (port as unknown as { unref?: () => void }).unref?.();
  }
  port.postMessage(null, [buffer]);
}
