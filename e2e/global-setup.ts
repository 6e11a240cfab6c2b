// Once before any test: `npm run build:cli` (a few seconds), so that every `softsae` command the
// specs run (cli.spec.ts, sae-import.spec.ts) serves a page bundle of the current sources.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function globalSetup(): void {
  execFileSync('npm', ['run', '--silent', 'build:cli', '--', '--logLevel', 'warn'], {
    cwd: join(import.meta.dirname, '..'),
    stdio: 'inherit',
  });
}
