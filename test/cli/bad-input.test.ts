// Reliability case 37: `softsae info`, `train` and `eval` given a missing file, a directory or a
// pipe where a file belongs, an unreadable file, or a malformed one → one line naming the file
// and the fix, exit status 1, never a Node stack trace. These refusals happen in Node before any
// browser starts; a malformed file given to train/eval is refused by the page (e2e/cli.spec.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../helpers/fixtures';

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'softsae.mjs');
const dir = mkdtempSync(join(tmpdir(), 'softsae-case37-'));
const cfg = join(dir, 'cfg.json');
writeFileSync(cfg, JSON.stringify({ dict_size: 16, k: 2, steps: 2, batch_size: 4 }));
const model = fixturePath('softsae-small', '');

/** The three commands, each given `file` where it reads activations. */
const commands = (file: string): Record<string, string[]> => ({
  info: ['info', file],
  train: ['train', '--acts', file, '--config', cfg, '--out', join(dir, 'run')],
  eval: ['eval', '--model', model, '--acts', file, '--out', join(dir, 'report.json')],
});

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: (r.stdout + r.stderr).trim() };
}

/** One line, naming the file, with a fix after the dash; exit 1; no stack trace. */
function expectOneLine(r: { status: number | null; out: string }, file: string, fix: RegExp) {
  expect(r.status, r.out).toBe(1);
  expect(r.out.split('\n'), r.out).toHaveLength(1);
  expect(r.out).toContain(file);
  expect(r.out).toMatch(fix);
  expect(r.out).not.toMatch(/^\s+at |node:internal|Error:/m);
}

describe('case 37: softsae refuses a file it cannot use, in one line', () => {
  it('a missing file (info, train, eval)', () => {
    const file = join(dir, 'nope.npy');
    for (const [name, args] of Object.entries(commands(file))) {
      const r = run(args);
      expectOneLine(r, file, /no such file.* — check the path/);
      expect(name === 'info' || r.out.includes('(--acts)'), `${name}: names the option`).toBe(true);
    }
  });

  it('a directory given as a file (info, train, eval)', () => {
    const file = join(dir, 'folder.npy');
    mkdirSync(file);
    for (const args of Object.values(commands(file)))
      expectOneLine(run(args), file, /is a directory, not a file.* — give the file inside it/);
  });

  it('a pipe (FIFO) given as a file, refused without blocking on it (info, train, eval)', () => {
    const file = join(dir, 'pipe.npy');
    execFileSync('mkfifo', [file]);
    for (const args of Object.values(commands(file)))
      expectOneLine(run(args), file, /is a pipe \(FIFO\), not a regular file.* — save the data/);
  });

  // Root reads any file whatever its mode, so this can only be shown as another user.
  it.skipIf(process.getuid?.() === 0)('an unreadable file, chmod 000 (info, train, eval)', () => {
    const file = join(dir, 'locked.npy');
    writeFileSync(file, 'x');
    chmodSync(file, 0o000);
    for (const args of Object.values(commands(file)))
      expectOneLine(run(args), file, /permission denied.* — make it readable/);
  });

  it('a malformed file given to info: the reason, its code and the fix', () => {
    const file = join(dir, 'text.npy');
    writeFileSync(file, 'these are not the bytes of an array');
    const r = run(['info', file]);
    expect(r.status).toBe(1);
    expect(r.out).toBe(
      'refused: text.npy: not a .npy file (the magic bytes \\x93NUMPY are missing) ' +
        '[npy/bad-magic] — save the array again with numpy.save (2-D or 3-D, float16/bfloat16/float32/float64)',
    );
  });

  it('a config that is not JSON, or an --out that is a file (train)', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "dict_size": 16,');
    const acts = fixturePath('softsae-small', 'x.npy');
    const r = run(['train', '--acts', acts, '--config', bad, '--out', join(dir, 'r2')]);
    expectOneLine(r, bad, /not valid JSON .* — fix the file/);
    const file = join(dir, 'plain');
    writeFileSync(file, '');
    const out = run(['train', '--acts', acts, '--config', cfg, '--out', join(file, 'sub')]);
    expectOneLine(out, join(file, 'sub'), /cannot create the output folder .* — choose another/);
  });
});
