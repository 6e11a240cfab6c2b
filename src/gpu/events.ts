/** Events the GPU runtime raises for the app to show: validation/OOM errors and device loss. */
export type GpuEvent =
  | {
      type: 'error';
      kind: 'validation' | 'out-of-memory' | 'internal' | 'unknown';
      message: string;
    }
  | { type: 'lost'; reason: string; message: string };

export type GpuEventListener = (event: GpuEvent) => void;

/** A tiny typed emitter (no DOM dependency, so it works in workers and tests alike). */
export class GpuEvents {
  private readonly listeners = new Set<GpuEventListener>();

  on(listener: GpuEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: GpuEvent): void {
    for (const l of this.listeners) l(event);
  }
}

/** Maps a GPUError subclass to the kind the app shows. */
export function errorKind(
  error: GPUError,
): 'validation' | 'out-of-memory' | 'internal' | 'unknown' {
  if (typeof GPUValidationError !== 'undefined' && error instanceof GPUValidationError)
    return 'validation';
  if (typeof GPUOutOfMemoryError !== 'undefined' && error instanceof GPUOutOfMemoryError)
    return 'out-of-memory';
  if (typeof GPUInternalError !== 'undefined' && error instanceof GPUInternalError)
    return 'internal';
  return 'unknown';
}
