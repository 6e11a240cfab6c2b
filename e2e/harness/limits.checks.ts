// The buffer ledger on a device with WebGPU's default limits: a buffer over a limit is refused
// when it is created (a GpuLimitError naming it and both sizes), never left to an asynchronous
// validation error; live bytes count what is created until it is destroyed.
import { acquireGpu } from '../../src/gpu/device';
import { STORAGE } from '../../src/gpu/buffers';
import type { HarnessCheck } from './env';

export interface LedgerReport {
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
  refused: { name: string; message: string; bytes: number; limitBytes: number }[];
  validationErrors: string[];
  bytesBefore: number;
  bytesWith: number;
  bytesAfter: number;
}

export const checks: Record<string, HarnessCheck> = {
  async ledgerDefaultLimits(): Promise<LedgerReport> {
    const gpu = await acquireGpu({ label: 'Limits.device', defaultLimits: true });
    const { device, ledger } = gpu;
    const limits = {
      maxBufferSize: device.limits.maxBufferSize,
      maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
    };
    device.pushErrorScope('validation');
    const refused: LedgerReport['refused'] = [];
    const attempt = (label: string, size: number, usage: number) => {
      try {
        device.createBuffer({ label, size, usage }).destroy();
      } catch (e) {
        const err = e as Error & { bytes?: number; limitBytes?: number };
        refused.push({
          name: err.name,
          message: err.message,
          bytes: err.bytes ?? -1,
          limitBytes: err.limitBytes ?? -1,
        });
      }
    };
    // One storage buffer a float over the binding limit, one plain buffer over maxBufferSize.
    attempt('Limits.tooWideBinding', limits.maxStorageBufferBindingSize + 4, STORAGE);
    attempt('Limits.tooLarge', limits.maxBufferSize + 4, GPUBufferUsage.COPY_DST);
    const bytesBefore = ledger.bytes;
    const ok = device.createBuffer({ label: 'Limits.fits', size: 1 << 20, usage: STORAGE });
    const bytesWith = ledger.bytes;
    ok.destroy();
    const bytesAfter = ledger.bytes;
    const error = await device.popErrorScope();
    device.destroy();
    return {
      limits,
      refused,
      validationErrors: error ? [error.message] : [],
      bytesBefore,
      bytesWith,
      bytesAfter,
    };
  },
};
