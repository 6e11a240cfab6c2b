/**
 * Where a training step's time goes: records every dispatch of one step (pipeline, bind groups,
 * workgroup counts) through a recording pass, then replays each dispatch alone in its own pass,
 * `reps` times, timed with timestamp queries (wall time without them). The replays run on the
 * buffers the step left behind, so data-dependent kernels (top-k, soft top-k Newton) see
 * realistic inputs. Costs are reported per pipeline label and in GEMM equivalents.
 */
import type { GpuContext } from '../src/gpu/device';
import { createKernelContext } from '../src/gpu/kernels/context';
import { GpuTimer } from '../src/gpu/timer';
import { resolveConfig } from '../src/model/config';
import { initParams } from '../src/model/params';
import { randomFloat32 } from '../src/reference/random';
import { GpuTrainer } from '../src/sae/trainer';
import { median } from './stats';

interface Dispatch {
  pipeline: GPUComputePipeline;
  groups: [number, GPUBindGroup][];
  size: [number, number, number] | { buffer: GPUBuffer; offset: number };
}

export interface ProfileRow {
  label: string;
  dispatches: number;
  ms: number;
}

/** Wraps `device.createCommandEncoder` so the next compute passes record their dispatches. */
function recordDispatches(device: GPUDevice, into: Dispatch[]): () => void {
  const original = device.createCommandEncoder.bind(device);
  device.createCommandEncoder = (desc?: GPUCommandEncoderDescriptor) => {
    const encoder = original(desc);
    const begin = encoder.beginComputePass.bind(encoder);
    encoder.beginComputePass = (pd?: GPUComputePassDescriptor) => {
      const pass = begin(pd);
      let pipeline: GPUComputePipeline | null = null;
      const groups = new Map<number, GPUBindGroup>();
      const setPipeline = pass.setPipeline.bind(pass);
      const setBindGroup = pass.setBindGroup.bind(pass) as (i: number, g: GPUBindGroup) => void;
      const dispatch = pass.dispatchWorkgroups.bind(pass);
      pass.setPipeline = (p) => {
        pipeline = p;
        setPipeline(p);
      };
      pass.setBindGroup = ((i: number, g: GPUBindGroup) => {
        groups.set(i, g);
        setBindGroup(i, g);
      }) as GPUComputePassEncoder['setBindGroup'];
      pass.dispatchWorkgroups = (x, y = 1, z = 1) => {
        if (pipeline) into.push({ pipeline, groups: [...groups], size: [x, y, z] });
        dispatch(x, y, z);
      };
      // Gated dispatches (sparse vs dense): replayed with the arguments the step's gate wrote.
      const indirect = pass.dispatchWorkgroupsIndirect.bind(pass);
      pass.dispatchWorkgroupsIndirect = (buffer, offset) => {
        if (pipeline) into.push({ pipeline, groups: [...groups], size: { buffer, offset } });
        indirect(buffer, offset);
      };
      return pass;
    };
    return encoder;
  };
  return () => {
    device.createCommandEncoder = original;
  };
}

export async function profileStep(
  gpu: GpuContext,
  shape: { D: number; F: number; rows: number; k: number },
  opts: { arch: 'softsae' | 'topk'; reps: number; warmupSteps: number },
): Promise<ProfileRow[]> {
  const { device } = gpu;
  const { D, F, rows, k } = shape;
  const ctx = createKernelContext(device);
  const config = resolveConfig(
    {
      arch: opts.arch,
      dict_size: F,
      k,
      k_max: 2 * k,
      soft_topk_alpha: 0.01,
      steps: 100000,
      batch_size: rows,
      warmup_steps: 10,
    },
    D,
  );
  const init = initParams({ D, F, k, kMax: 2 * k, alpha: 0.01, seed: 1 });
  const trainer = await GpuTrainer.create(ctx, config, D, init.tensors, {
    normFactor: 1,
    shift: new Float32Array(D),
  });
  const x = randomFloat32(rows * D, 5);
  for (let i = 0; i < opts.warmupSteps; i++) trainer.trainStep(x);
  await trainer.flush();
  const recorded: Dispatch[] = [];
  const restore = recordDispatches(device, recorded);
  try {
    trainer.trainStep(x);
  } finally {
    restore();
  }
  await trainer.flush();

  const timer = new GpuTimer(device);
  const byLabel = new Map<string, ProfileRow>();
  for (const d of recorded) {
    const samples: number[] = [];
    for (let r = 0; r < opts.reps; r++) {
      samples.push(
        await timer.time('profile', (pass) => {
          pass.setPipeline(d.pipeline);
          for (const [i, g] of d.groups) pass.setBindGroup(i, g);
          if (Array.isArray(d.size)) pass.dispatchWorkgroups(...d.size);
          else pass.dispatchWorkgroupsIndirect(d.size.buffer, d.size.offset);
        }),
      );
    }
    // Pipelines are shared between kernel instances (cache); bind groups carry the instance label.
    const label = d.groups[0]?.[1].label || d.pipeline.label || '(unlabelled)';
    const row = byLabel.get(label) ?? { label, dispatches: 0, ms: 0 };
    row.dispatches++;
    row.ms += median(samples);
    byLabel.set(label, row);
  }
  timer.destroy();
  trainer.destroy();
  return [...byLabel.values()].sort((a, b) => b.ms - a.ms);
}
