/**
 * L0 sweeps: one base config × a list of k × architectures, trained one run after another on
 * one dataset. The paper's central comparison (FVU against mean L0 for SoftSAE, TopK and
 * BatchTopK over a range of k) is one sweep. This file is the plan and its saved state, pure;
 * `sweepRunner.ts` runs it on the engine (for the app and the command line alike).
 */
import type { TrainConfigInput } from '../model/config';

import type { SweepArch, SweepPlan, SweepRun, SweepState } from '../store/sweepSlice';

export {
  SWEEP_ARCHS,
  type SweepArch,
  type SweepPlan,
  type SweepRun,
  type SweepRunState,
  type SweepState,
} from '../store/sweepSlice';

/**
 * Parses a list of k such as `8, 16,32`: positive integers, each once, in the order given.
 * Returns the list, or why it is not one.
 */
export function parseKList(text: string): number[] | string {
  const parts = text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) return 'give at least one k, e.g. 8, 16, 32';
  const ks: number[] = [];
  for (const p of parts) {
    const k = Number(p);
    if (!Number.isInteger(k) || k < 1) return `k must be a positive integer, got '${p}'`;
    if (ks.includes(k)) return `k = ${k} is listed twice`;
    ks.push(k);
  }
  return ks;
}

/**
 * The config of one run: the base with `arch` and `k`. A base `k_max` keeps its ratio to k
 * (the reference recipe's k_max = 2·k stays 2·k at every k); without one the trainer's default
 * applies. All other keys, the seed included, are the base's: the runs differ only in k and arch.
 */
export function runConfig(base: TrainConfigInput, arch: SweepArch, k: number): TrainConfigInput {
  const config: TrainConfigInput = { ...base, arch, k };
  const baseK = Number(base.k);
  if (base.k_max !== undefined && base.k_max !== null && baseK > 0)
    config.k_max = Math.max(k, Math.round((Number(base.k_max) / baseK) * k));
  return config;
}

/** The runs of a plan, k by k and, within a k, architecture by architecture. */
export function planRuns(plan: SweepPlan): SweepRun[] {
  return plan.ks.flatMap((k) =>
    plan.archs.map((arch) => ({
      arch,
      k,
      runId: `${plan.id}-${arch}-k${k}`,
      name: `${arch}-k${k}`,
      config: runConfig(plan.base, arch, k),
      state: 'queued' as const,
    })),
  );
}

/** The run a running or interrupted sweep is on: the first not finished. */
export const currentRun = (s: SweepState): SweepRun | undefined =>
  s.runs.find((r) => r.state === 'queued' || r.state === 'running');

/** Where a sweep is kept between page loads (one per origin: the latest). */
const KEY = 'softsae.sweep.v1';

export interface SweepStorage {
  load(): SweepState | null;
  save(s: SweepState | null): void;
}

/** localStorage, where there is one (the app); a no-op elsewhere. */
export const localSweepStorage: SweepStorage = {
  load() {
    try {
      const text = globalThis.localStorage?.getItem(KEY);
      return text ? (JSON.parse(text) as SweepState) : null;
    } catch {
      return null; // unreadable: as if none
    }
  },
  save(s) {
    try {
      if (s) globalThis.localStorage?.setItem(KEY, JSON.stringify(s));
      else globalThis.localStorage?.removeItem(KEY);
    } catch {
      // storage full or blocked: the sweep still runs, it just cannot continue after a reload
    }
  },
};
