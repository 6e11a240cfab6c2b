import { defineConfig } from '@playwright/test';
import { chromiumArgs, FAST_COMPILE_ARGS, findChromium } from './scripts/chromium.mjs';

const executablePath = findChromium(undefined) ?? undefined;
// PW_PORT lets several checkouts run their browser tests side by side.
const port = Number(process.env.PW_PORT ?? 5173);
// Kernel and engine specs (GPU vs the float64 references, no UI): `npm run test:fast` runs these;
// `npm test` runs both projects.
const KERNELS =
  /(^|[/\\])(kernels|small-kernels|sae-kernels|sparse|train-step|sae-fixture|optim|batchtopk|jumprelu|eval|runtime|match|cooccur)\.spec\.ts$/;

const SHIPPED = /(^|[/\\])app\.spec\.ts$/;
const launch = (extra: string[]) => ({ executablePath, args: [...chromiumArgs(), ...extra] });

export default defineConfig({
  testDir: 'e2e',
  // Builds dist-cli/ once, for the specs that run the `softsae` command.
  globalSetup: './e2e/global-setup.ts',
  // SwiftShader runs WebGPU on the CPU: kernels are slow, so allow generous time per test.
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  // Two workers: one test's GPU process (SwiftShader) keeps about one core busy. $PW_WORKERS=1
  // runs the specs one after another.
  workers: Number(process.env.PW_WORKERS ?? 2),
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'test-results/e2e.json' }]] : 'list',
  // Both projects compile shaders without Dawn's workgroup zero-fill (FAST_COMPILE_ARGS, see
  // scripts/chromium.mjs: most of the suite's time otherwise); `shipped` runs the app's
  // self-check of every kernel family with the browser's default flags, as users get them.
  projects: [
    { name: 'kernels', testMatch: KERNELS, use: { launchOptions: launch(FAST_COMPILE_ARGS) } },
    {
      name: 'app',
      testIgnore: [KERNELS, SHIPPED],
      use: { launchOptions: launch(FAST_COMPILE_ARGS) },
    },
    { name: 'shipped', testMatch: SHIPPED, use: { launchOptions: launch([]) } },
  ],
  use: { baseURL: `http://127.0.0.1:${port}` },
  webServer: {
    // The README's first command serves the app the same way.
    command: port === 5173 ? 'npm start' : `npx vite --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
