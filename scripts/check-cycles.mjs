// Fails when the TypeScript sources import in a circle: between two modules (files), or between two
// folders of src/ (src/a imports src/b while src/b imports src/a, directly or through others).
// Every import counts — static, `export … from`, dynamic `import()` and type-only imports — as
// TypeScript resolves it with the project's tsconfig; packages and `?raw` shader text do not.
// Usage: node scripts/check-cycles.mjs [dir …]   (default: src cli)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dirs = (process.argv.length > 2 ? process.argv.slice(2) : ['src', 'cli']).map((d) =>
  path.resolve(root, d),
);
const srcDir = path.join(root, 'src');

const config = ts.getParsedCommandLineOfConfigFile(
  path.join(root, 'tsconfig.json'),
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
);
const options = config?.options ?? {};

function sourceFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const files = dirs.filter((d) => fs.existsSync(d)).flatMap(sourceFiles);
const known = new Set(files);

/** Module graph: file → the project files it imports. */
const imports = new Map();
for (const file of files) {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  const targets = new Set();
  for (const { fileName } of info.importedFiles) {
    const spec = fileName.replace(/\?.*$/, '');
    const resolved = ts.resolveModuleName(spec, file, options, ts.sys).resolvedModule;
    const target = resolved && path.resolve(resolved.resolvedFileName);
    if (target && known.has(target) && target !== file) targets.add(target);
  }
  imports.set(file, targets);
}

/** Strongly connected components with more than one node (Tarjan), each sorted. */
function cycles(graph) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** The folder of src/ a file belongs to; `(root)` for files directly in src/. */
function folderOf(file) {
  const parts = path.relative(srcDir, file).split(path.sep);
  return parts.length > 1 ? parts[0] : '(root)';
}

const folders = new Map();
for (const [file, targets] of imports) {
  if (!file.startsWith(srcDir + path.sep)) continue;
  const from = folderOf(file);
  if (!folders.has(from)) folders.set(from, new Set());
  for (const target of targets) {
    if (!target.startsWith(srcDir + path.sep)) continue;
    const to = folderOf(target);
    if (to !== from) folders.get(from).add(to);
  }
}

const rel = (f) => path.relative(root, f);
const moduleCycles = cycles(imports);
const folderCycles = cycles(folders);
for (const c of moduleCycles) console.error(`module cycle: ${c.map(rel).join(' <-> ')}`);
for (const c of folderCycles) console.error(`folder cycle: src/{${c.join(', ')}}`);
if (moduleCycles.length || folderCycles.length) {
  console.error(
    `${moduleCycles.length} module cycle(s), ${folderCycles.length} folder cycle(s) — ` +
      'break them by moving what both sides need into the lower layer (README: Layout)',
  );
  process.exit(1);
}
console.log(
  `no import cycles: ${files.length} modules in ${dirs.map(rel).join(', ')}; ` +
    `${folders.size} folders of src/`,
);
