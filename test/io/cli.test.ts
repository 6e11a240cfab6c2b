// `softsae info` (scripts/softsae.mjs) run as a real process on fixture files.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath } from './helpers.ts';

const CLI = join(import.meta.dirname, '..', '..', 'scripts', 'softsae.mjs');

function run(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, out: stdout + stderr });
    });
  });
}

describe('softsae info', () => {
  it('describes a file and prints statistics (norm_factor from NumPy: 7.566635…)', async () => {
    const { code, out } = await run('info', fixturePath('..', 'softsae-small', 'x.npy'), '--stats');
    expect(code).toBe(0);
    expect(out).toContain('x.npy: f32 (32, 16) → 32 rows × 16');
    expect(out).toContain('norm_factor 7.56664');
  });
  it('lists safetensors tensors and npz members', async () => {
    const st = await run(
      'info',
      fixturePath('..', 'softsae-small', 'model.safetensors'),
      '--tensor',
      'decoder.weight',
    );
    expect(st.code).toBe(0);
    expect(st.out).toMatch(/k_max {2}I32 \[1\]/);
    const npz = await run('info', fixturePath('numpy', 'savez.npz'), '--tensor', 'halves');
    expect(npz.out).toMatch(/halves {2}f16 \(3, 4\)/);
  });
  it('refuses a bad file with its reason and exit status 1; usage errors exit 2', async () => {
    const bad = await run('info', fixturePath('npy-version-4.npy'));
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('refused: npy-version-4.npy: unsupported .npy version 4.0');
    expect((await run('frobnicate')).code).toBe(2);
  });
});
