/**
 * Where a training step's time goes: records every dispatch of one step (pipeline, bind groups,
 * workgroup counts) through a recording pass, then replays each dispatch alone in its own pass,
 * `reps` times, timed with timestamp queries (wall time without them). The replays run on the
 * buffers the step left behind, so data-dependent kernels (top-k, soft top-k threshold search)
 * see the inputs of the phase of training the step came from (bench/step.ts calls it in each
 * phase). Costs are reported per label; the printer turns them into GEMM equivalents.
 */
import { GpuTimer } from '../src/gpu/timer';
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

/**
 * Runs `step` (one training step's encode + submit) while recording its dispatches, then replays
 * each dispatch alone `reps` times on the buffers the step left behind and sums the medians per
 * label (the bind group's label when it has one: pipelines are shared between instances).
 */
export async function profileDispatches(
  device: GPUDevice,
  step: () => void,
  reps: number,
): Promise<ProfileRow[]> {
  const recorded: Dispatch[] = [];
  const restore = recordDispatches(device, recorded);
  try {
    step();
  } finally {
    restore();
  }
  await device.queue.onSubmittedWorkDone();

  const timer = new GpuTimer(device);
  const byLabel = new Map<string, ProfileRow>();
  for (const d of recorded) {
    const samples: number[] = [];
    for (let r = 0; r < reps; r++) {
      samples.push(
        await timer.time('profile', (pass) => {
          pass.setPipeline(d.pipeline);
          for (const [i, g] of d.groups) pass.setBindGroup(i, g);
          if (Array.isArray(d.size)) pass.dispatchWorkgroups(...d.size);
          else pass.dispatchWorkgroupsIndirect(d.size.buffer, d.size.offset);
        }),
      );
    }
    const label = d.groups[0]?.[1].label || d.pipeline.label || '(unlabelled)';
    const row = byLabel.get(label) ?? { label, dispatches: 0, ms: 0 };
    row.dispatches++;
    row.ms += median(samples);
    byLabel.set(label, row);
  }
  timer.destroy();
  return [...byLabel.values()].sort((a, b) => b.ms - a.ms);
}
