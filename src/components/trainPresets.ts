/** Training presets of the train panel, for the built-in synthetic datasets. */
import type { TrainConfigInput } from '../reference/sae/config';
import type { BuiltinDataset } from '../workers/protocol';

export interface TrainPreset {
  id: string;
  label: string;
  dataset: BuiltinDataset;
  /** Width of the dataset (to validate k annealing before any GPU work). */
  D: number;
  rows: number;
  config: TrainConfigInput;
}

export const TRAIN_PRESETS: TrainPreset[] = [
  {
    id: 'quick',
    label: 'Quick demo (16-d toy language, 2 048 tokens)',
    dataset: 'quick',
    D: 16,
    rows: 2048,
    config: {
      arch: 'softsae',
      dict_size: 96,
      k: 4,
      k_max: 16,
      soft_topk_alpha: 0.01,
      lr: 3e-3,
      steps: 300,
      batch_size: 128,
      warmup_steps: 20,
      hard_topk_steps: 30,
      dead_feature_threshold: 1e7,
      seed: 1,
    },
  },
  {
    id: 'demo',
    label: 'Demo (64-d toy language, 16 384 tokens)',
    dataset: 'demo',
    D: 64,
    rows: 16384,
    config: {
      arch: 'softsae',
      dict_size: 512,
      k: 6,
      k_max: 24,
      soft_topk_alpha: 0.01,
      lr: 1e-3,
      steps: 2000,
      batch_size: 256,
      warmup_steps: 100,
      hard_topk_steps: 200,
      dead_feature_threshold: 1e7,
      seed: 1,
    },
  },
];
