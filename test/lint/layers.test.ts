// The layer boundaries of src/ (README: Layout) are lint errors: ESLint, with the project's own
// config, is given one deliberately wrong import of each forbidden kind and must report it, and
// the allowed kinds of import must lint clean.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

async function lint(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result.messages;
}

/** A module that imports `spec` in the given form and uses what it imported. */
function importing(spec: string, form: 'value' | 'type' | 'reexport' = 'value'): string {
  if (form === 'type') return `import type { T } from '${spec}';\nexport type U = T;\n`;
  if (form === 'reexport') return `export { x } from '${spec}';\n`;
  return `import { x } from '${spec}';\nexport const y = x;\n`;
}

// [importing file, import specifier, form]: each one crosses a boundary the layers forbid.
const FORBIDDEN: [string, string, ('value' | 'type' | 'reexport')?][] = [
  ['src/reference/elementwise.ts', '../gpu/kernels/elementwise', 'type'],
  ['src/reference/sae/forward.ts', '../../sae/evalSummary', 'type'],
  ['src/reference/eval.ts', '../workers/protocol'],
  ['src/io/sae/softsae.ts', '../../sae/trainer'],
  ['src/io/npy.ts', '../gpu/device'],
  ['src/io/open.ts', '../components/App', 'reexport'],
  ['src/sae/trainer.ts', '../components/App'],
  ['src/sae/forward.ts', '../store'],
  ['src/gpu/kernels/gemm.ts', '../../sae/arena'],
  ['src/components/GpuPanel.tsx', '../gpu/device'],
  ['src/workers/training.ts', '../store'],
  ['src/workers/protocol.ts', '../components/App', 'type'],
  ['src/sae/arena.ts', '../reference/sae/train'],
  ['src/workers/training.ts', '../reference/sae/forward'],
  ['src/components/train/ConfigForm.tsx', '../../reference/sae'],
  ['src/session/sweep.ts', '../reference/sae/train'],
  ['src/model/params.ts', '../sae/arena', 'type'],
  ['src/util/format.ts', '../model/config'],
];

describe('imports across the layers of src/', () => {
  it.each(FORBIDDEN)('%s importing %s is an error', async (file, spec, form) => {
    const folder = file.split('/')[1];
    const messages = await lint(file, importing(spec, form));
    expect(messages).toHaveLength(1);
    expect(messages[0].ruleId).toBe('no-restricted-imports');
    expect(messages[0].severity).toBe(2);
    expect(messages[0].message).toMatch(
      new RegExp(`^'${spec}' import is restricted .* src/${folder} (may import only|imports no)`),
    );
  });

  it('names the folders the importing one may use', async () => {
    const [m] = await lint('src/sae/arena.ts', importing('../reference/sae/params'));
    expect(m.message).toBe(
      "'../reference/sae/params' import is restricted from being used by a pattern. " +
        'src/sae may import only src/{gpu, io, model, util} (README: Layout).',
    );
  });

  it.each([
    ['src/sae/arena.ts', '../model/params'],
    ['src/sae/trainer.ts', '../gpu/device'],
    ['src/reference/gemm.ts', '../model/kernelOps'],
    ['src/io/sae/modelFile.ts', '../../model/params'],
    ['src/selfcheck/optimAdam.ts', '../reference/sae/optim'],
    ['src/components/train/ConfigForm.tsx', '../../model/config'],
    ['src/components/GpuPanel.tsx', '../store/gpuSlice'],
    ['src/session/engineClient.ts', '../store'],
    ['src/workers/training.ts', './protocol'],
    ['src/main.tsx', './components/App'],
  ])('%s importing %s is allowed', async (file, spec) => {
    expect(await lint(file, importing(spec))).toEqual([]);
  });

  it('covers every folder of src/', async () => {
    const folders = readdirSync(join(root, 'src'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.length).toBeGreaterThan(10);
    for (const folder of folders) {
      const config = await eslint.calculateConfigForFile(join(root, 'src', folder, 'x.ts'));
      expect(config.rules?.['no-restricted-imports']?.[0], folder).toBe(2);
    }
  });
});
