/**
 * Times GPU work. With `timestamp-query` the pass boundaries are stamped on the GPU; otherwise the
 * wall time from submit to `onSubmittedWorkDone` is used (includes queue latency, so it is an
 * upper bound — fine for comparing kernels measured the same way).
 */

export class GpuTimer {
  readonly usesTimestamps: boolean;
  private readonly querySet?: GPUQuerySet;
  private readonly resolve?: GPUBuffer;
  private readonly result?: GPUBuffer;

  constructor(private readonly device: GPUDevice) {
    this.usesTimestamps = device.features.has('timestamp-query');
    if (this.usesTimestamps) {
      this.querySet = device.createQuerySet({
        label: 'GpuTimer.querySet',
        type: 'timestamp',
        count: 2,
      });
      this.resolve = device.createBuffer({
        label: 'GpuTimer.resolve',
        size: 16,
        usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
      });
      this.result = device.createBuffer({
        label: 'GpuTimer.result',
        size: 16,
        usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
      });
    }
  }

  /**
   * Encodes `work` into one compute pass, submits it and resolves with its duration in ms.
   * Only one measurement may be in flight at a time.
   */
  async time(label: string, work: (pass: GPUComputePassEncoder) => void): Promise<number> {
    const encoder = this.device.createCommandEncoder({ label: `GpuTimer.${label}` });
    const pass = encoder.beginComputePass({
      label: `GpuTimer.${label}.pass`,
      timestampWrites: this.querySet
        ? { querySet: this.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 }
        : undefined,
    });
    work(pass);
    pass.end();
    if (this.querySet && this.resolve && this.result) {
      encoder.resolveQuerySet(this.querySet, 0, 2, this.resolve, 0);
      encoder.copyBufferToBuffer(this.resolve, 0, this.result, 0, 16);
    }
    const t0 = performance.now();
    this.device.queue.submit([encoder.finish()]);
    if (!this.result) {
      await this.device.queue.onSubmittedWorkDone();
      return performance.now() - t0;
    }
    await this.result.mapAsync(GPUMapMode.READ);
    const [begin, end] = new BigUint64Array(this.result.getMappedRange().slice(0));
    this.result.unmap();
    // Some implementations quantise or clamp timestamps; fall back to wall time when they do.
    if (end <= begin) return performance.now() - t0;
    return Number(end - begin) / 1e6;
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolve?.destroy();
    this.result?.destroy();
  }
}
