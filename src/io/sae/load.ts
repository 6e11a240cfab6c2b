/**
 * Opening an SAE from the files a user gives (a folder's files, or one weights file): which
 * format it is, then the format's reader. The config decides when there is one (its keys are
 * distinctive); without a config, the tensor names do. Every result is the one inference model
 * type, {@link SaeModel}. Anything unrecognised is refused with what was found.
 */
import type { SaeModel } from './modelFile.ts';
import { fail } from '../errors.ts';
import { openNpz } from '../npz.ts';
import { openSafetensors } from '../safetensors.ts';
import type { ByteSource } from '../source.ts';
import { readDictionaryLearning, readGemmaScope, readSparsify } from './others.ts';
import { readSaeLens } from './saelens.ts';
import { readSoftsae } from './softsae.ts';
import { SaeConfig, npzStore, safetensorsStore } from './tensors.ts';

export type SaeFormat = 'softsae' | 'saelens' | 'sparsify' | 'gemmascope' | 'dictionary_learning';

const base = (n: string) => n.split(/[\\/]/).pop() ?? n;

/** Reads an SAE from its files (cfg.json / config.json + one .safetensors or .npz). */
export async function loadSae(files: ByteSource[]): Promise<SaeModel & { format: SaeFormat }> {
  const label = files.map((f) => base(f.name)).join(' + ') || '(no files)';
  const cfgSrc = files.find((f) => /^(cfg|config)\.json$/i.test(base(f.name)));
  const weights = files.filter((f) => /\.(safetensors|npz)$/i.test(f.name));
  if (weights.length !== 1)
    fail(
      label,
      'sae/files',
      weights.length === 0
        ? 'no weights file (.safetensors or .npz) among the files'
        : `several weights files (${weights.map((w) => base(w.name)).join(', ')}); give one SAE at a time`,
    );
  const w = weights[0];
  const cfg = cfgSrc
    ? SaeConfig.parse(
        base(cfgSrc.name),
        new TextDecoder().decode(await cfgSrc.read(0, Math.min(cfgSrc.size, 1 << 20))),
      )
    : null;
  if (/\.npz$/i.test(w.name)) {
    const store = await npzStore(await openNpz(w));
    if (!store.shape('threshold') || !store.shape('W_enc'))
      fail(w.name, 'sae/unknown', `not a Gemma Scope params.npz (has: ${store.names.join(', ')})`);
    return { ...(await readGemmaScope(store)), format: 'gemmascope' };
  }
  const st = await openSafetensors(w);
  const store = safetensorsStore(st);
  const has = (n: string) => store.shape(n) !== undefined;
  if (cfg?.raw.format === 'softsae' || has('norm_factor') || has('k_estimator.0.weight'))
    return { ...(await readSoftsae(st, cfg)), format: 'softsae' };
  if (cfg && cfg.has('d_sae')) return { ...(await readSaeLens(cfg, store)), format: 'saelens' };
  if (cfg && (cfg.has('num_latents') || cfg.has('expansion_factor')))
    return { ...(await readSparsify(cfg, store)), format: 'sparsify' };
  if (has('encoder.weight') && has('decoder.weight') && has('k'))
    return { ...(await readDictionaryLearning(store, cfg)), format: 'dictionary_learning' };
  if (has('W_enc') && !cfg)
    fail(w.name, 'sae/no-config', 'SAELens weights need the cfg.json that comes with them');
  if (has('W_dec') && has('encoder.weight') && !cfg)
    fail(w.name, 'sae/no-config', 'sparsify weights need the cfg.json that comes with them');
  return fail(
    label,
    'sae/unknown',
    `not a recognised SAE (SoftSAE, SAELens, sparsify, Gemma Scope, dictionary_learning); tensors: ${store.names.join(', ')}`,
  );
}
