export interface BenchArgs {
  flag(name: string): boolean;
  value(name: string, dflt: string | undefined): string | undefined;
  quick: boolean;
  shapes: number[][];
  reps: number;
  warmup: number;
  tiles?: { wgX: number; wgY: number; tk: number };
  runs(section: string): boolean;
  sparseShapes: number[][];
  ks: number[];
  sparseReps: number;
  stepReps: number;
  stepShapes: number[][];
  stepK: number;
  recipeSteps: number;
  trainSteps: number;
  stepArchs: string[];
  f32MB: number;
  f16MB: number;
  ingestReps: number;
  ingestWidth: number;
  ingestChunkMiB: number[];
}
export function benchArgs(argv: string[]): BenchArgs;
export function gemmRequest(a: BenchArgs): {
  shapes: number[][];
  reps: number;
  warmup: number;
  tiles?: { wgX: number; wgY: number; tk: number };
  skipGemm: boolean;
  sparse?: { shapes: number[][]; ks: number[]; reps: number; warmup: number };
};
export function stepRequest(a: BenchArgs): {
  shapes: number[][];
  archs: string[];
  k: number;
  recipeSteps: number;
  trainSteps: number;
  reps: number;
  profileReps: number;
};
