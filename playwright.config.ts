import { defineConfig } from '@playwright/test';
import { chromiumArgs, findChromium } from './scripts/chromium.mjs';

const executablePath = findChromium(undefined) ?? undefined;
// PW_PORT lets several checkouts run their browser tests side by side.
const port = Number(process.env.PW_PORT ?? 5173);
// Kernel and engine specs (GPU vs the float64 references, no UI): `npm run test:fast` runs these;
// `npm test` runs both projects.
const KERNELS =
  /(^|[/\\])(kernels|small-kernels|sae-kernels|sparse|train-step|sae-fixture|optim|batchtopk|jumprelu|eval|runtime|match|cooccur)\.spec\.ts$/;

export default defineConfig({
  testDir: 'e2e',
  // SwiftShader runs WebGPU on the CPU: kernels are slow, so allow generous time per test.
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'test-results/e2e.json' }]] : 'list',
  projects: [
    { name: 'kernels', testMatch: KERNELS },
    { name: 'app', testIgnore: KERNELS },
  ],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: { executablePath, args: chromiumArgs() },
  },
  webServer: {
    // The README's first command serves the app the same way.
    command: port === 5173 ? 'npm start' : `npx vite --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
