/**
 * Compute pipeline cache keyed by shader, entry point and override constants. Shader modules are
 * compiled once per source; pipeline creation runs inside validation error scopes so a bad kernel
 * fails with its label and the compiler's messages instead of a silent uncaptured error.
 */

export type OverrideConstants = Record<string, number>;

export class KernelCompileError extends Error {
  constructor(label: string, details: string) {
    super(`${label}: ${details}`);
    this.name = 'KernelCompileError';
  }
}

function constantsKey(constants: OverrideConstants): string {
  return Object.keys(constants)
    .sort()
    .map((k) => `${k}=${constants[k]}`)
    .join(',');
}

export class PipelineCache {
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();

  constructor(private readonly device: GPUDevice) {}

  /** Number of distinct pipelines created (for tests and diagnostics). */
  get size(): number {
    return this.pipelines.size;
  }

  module(label: string, code: string): GPUShaderModule {
    let mod = this.modules.get(code);
    if (!mod) {
      mod = this.device.createShaderModule({ label, code });
      this.modules.set(code, mod);
    }
    return mod;
  }

  /**
   * Returns the pipeline for (shader, entry point, constants), creating it on first use.
   * @param label   `Kernel.member` label, e.g. `Gemm.nt`.
   * @param code    WGSL source (imported with `?raw`).
   */
  get(
    label: string,
    code: string,
    entryPoint: string,
    constants: OverrideConstants = {},
  ): Promise<GPUComputePipeline> {
    const key = `${label}|${entryPoint}|${constantsKey(constants)}|${code.length}:${hash(code)}`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.create(label, code, entryPoint, constants);
      this.pipelines.set(key, p);
      p.catch(() => this.pipelines.delete(key));
    }
    return p;
  }

  private async create(
    label: string,
    code: string,
    entryPoint: string,
    constants: OverrideConstants,
  ): Promise<GPUComputePipeline> {
    const device = this.device;
    const module = this.module(`${label}.module`, code);
    device.pushErrorScope('validation');
    device.pushErrorScope('internal');
    let pipeline: GPUComputePipeline | undefined;
    let thrown: unknown;
    try {
      pipeline = await device.createComputePipelineAsync({
        label: `${label}.pipeline`,
        layout: 'auto',
        compute: { module, entryPoint, constants },
      });
    } catch (e) {
      thrown = e;
    }
    const internal = await device.popErrorScope();
    const validation = await device.popErrorScope();
    const error = thrown ?? validation ?? internal;
    if (error || !pipeline) {
      const info = await module.getCompilationInfo();
      const messages = info.messages
        .map((m) => `${m.type} at ${m.lineNum}:${m.linePos}: ${m.message}`)
        .join('\n');
      const base = error instanceof Error || error instanceof GPUError ? error.message : 'failed';
      throw new KernelCompileError(label, messages ? `${base}\n${messages}` : base);
    }
    return pipeline;
  }
}

/** FNV-1a: distinguishes shader sources in cache keys without keeping two copies of long strings. */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}
