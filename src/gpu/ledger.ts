/**
 * The buffer ledger of a device: every `createBuffer` on it is checked against the device's
 * limits and counted until its `destroy()`. Two guarantees follow:
 *
 * - A buffer over `maxBufferSize`, or a storage buffer over `maxStorageBufferBindingSize` (every
 *   storage buffer of the engine is bound whole by some kernel), throws a {@link GpuLimitError}
 *   naming the buffer and both numbers, instead of WebGPU's asynchronous validation error that
 *   would leave later dispatches running on an invalid buffer.
 * - `bytes` is what the engine holds on the GPU right now: the leak check watches it stay flat
 *   over a long run (reliability case 30), and the Train panel shows it.
 *
 * The ledger wraps the device's `createBuffer` once, at acquisition, so every owner (kernels,
 * readback staging, uniform rings, timers) is covered without passing it around.
 */
import { formatBytes } from '../util/format';

export class GpuLimitError extends Error {
  constructor(
    readonly label: string,
    readonly bytes: number,
    readonly limit: string,
    readonly limitBytes: number,
  ) {
    const exact = (n: number) => `${n.toLocaleString('en-US')} bytes (${formatBytes(n)})`;
    super(
      `${label || 'a GPU buffer'} needs ${exact(bytes)}, over this device's ${limit} of ${exact(limitBytes)}`,
    );
    this.name = 'GpuLimitError';
  }
}

export interface LedgerSnapshot {
  /** Bytes of live (created, not destroyed) buffers. */
  bytes: number;
  buffers: number;
  /** The largest live buffers, by label. */
  largest: { label: string; bytes: number }[];
}

const ledgers = new WeakMap<GPUDevice, BufferLedger>();

/** The ledger of a device acquired through `acquireGpu` (undefined for other devices). */
export function ledgerOf(device: GPUDevice): BufferLedger | undefined {
  return ledgers.get(device);
}

export class BufferLedger {
  private readonly live = new Map<GPUBuffer, number>();
  private total = 0;

  constructor(readonly device: GPUDevice) {
    ledgers.set(device, this);
    const create = device.createBuffer.bind(device);
    const limits = device.limits;
    device.createBuffer = (desc: GPUBufferDescriptor): GPUBuffer => {
      const label = desc.label ?? '';
      if (desc.size > limits.maxBufferSize)
        throw new GpuLimitError(label, desc.size, 'maxBufferSize', limits.maxBufferSize);
      if (desc.usage & GPUBufferUsage.STORAGE && desc.size > limits.maxStorageBufferBindingSize)
        throw new GpuLimitError(
          label,
          desc.size,
          'maxStorageBufferBindingSize',
          limits.maxStorageBufferBindingSize,
        );
      const buffer = create(desc);
      this.live.set(buffer, buffer.size);
      this.total += buffer.size;
      const destroy = buffer.destroy.bind(buffer);
      buffer.destroy = () => {
        const size = this.live.get(buffer);
        if (size !== undefined) {
          this.live.delete(buffer);
          this.total -= size;
        }
        destroy();
      };
      return buffer;
    };
  }

  get bytes(): number {
    return this.total;
  }

  snapshot(top = 5): LedgerSnapshot {
    const largest = [...this.live]
      .map(([b, bytes]) => ({ label: b.label, bytes }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, top);
    return { bytes: this.total, buffers: this.live.size, largest };
  }
}
