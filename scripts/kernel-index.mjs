// `npm run docs:kernels`: writes the kernel registry's table (src/selfcheck/registry.ts,
// kernelIndex) into shaders/README.md between its kernel-index markers. The unit test
// test/selfcheck/registry.test.ts fails when the two differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runnerImport } from 'vite';

const ROOT = join(import.meta.dirname, '..');
const { kernelIndex } = (
  await runnerImport(join(ROOT, 'src/selfcheck/registry.ts'), {
    configFile: false,
    logLevel: 'silent',
  })
).module;
const path = join(ROOT, 'shaders', 'README.md');
const text = readFileSync(path, 'utf8');
const re = /(<!-- kernel index: [^\n]*-->\n)[\s\S]*?(\n<!-- end of kernel index -->)/;
if (!re.test(text)) throw new Error(`${path}: no kernel-index markers`);
writeFileSync(
  path,
  text.replace(re, (_, open, close) => `${open}\n${kernelIndex()}\n${close}`),
);
console.log(`wrote the kernel index into ${path}`);
