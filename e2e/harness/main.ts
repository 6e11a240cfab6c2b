// Test-only page: acquires a device and exposes every `*.checks.ts` module in this folder to
// Playwright as `window.harness.run(name, arg)`. Add a check family by adding a file.
import { acquireGpu, type AdapterSummary } from '../../src/gpu/device';
import { adapterName } from '../../src/store/gpuSlice';
import { createKernelContext } from '../../src/gpu/kernels/context';
import type { HarnessCheck, HarnessEnv } from './env';

export interface Harness {
  adapter: AdapterSummary;
  adapterName: string;
  deviceFeatures: string[];
  errors: string[];
  checks: string[];
  run(name: string, arg?: unknown): Promise<unknown>;
}

declare global {
  interface Window {
    harness?: Harness;
    harnessError?: string;
  }
}

const modules = import.meta.glob<{ checks: Record<string, HarnessCheck> }>('./*.checks.ts', {
  eager: true,
});

async function main(): Promise<void> {
  const registry = new Map<string, HarnessCheck>();
  for (const [file, mod] of Object.entries(modules)) {
    for (const [name, fn] of Object.entries(mod.checks)) {
      if (registry.has(name)) throw new Error(`harness check "${name}" defined twice (${file})`);
      registry.set(name, fn);
    }
  }
  const gpu = await acquireGpu({ label: 'Harness.device' });
  const env: HarnessEnv = { gpu, ctx: createKernelContext(gpu.device), errors: [] };
  gpu.events.on((e) => env.errors.push(`${e.type}: ${e.message}`));
  window.harness = {
    adapter: gpu.summary,
    adapterName: adapterName(gpu.summary),
    deviceFeatures: [...gpu.features],
    errors: env.errors,
    checks: [...registry.keys()],
    run(name, arg) {
      const fn = registry.get(name);
      if (!fn) throw new Error(`no harness check "${name}"`);
      return fn(env, arg);
    },
  };
  document.getElementById('status')!.textContent = 'ready';
}

main().catch((e: unknown) => {
  window.harnessError = e instanceof Error ? e.message : String(e);
  document.getElementById('status')!.textContent = `error: ${window.harnessError}`;
});
