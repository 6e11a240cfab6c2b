import { defineConfig } from '@playwright/test';
import { chromiumArgs, findChromium } from './scripts/chromium.mjs';

const executablePath = findChromium(undefined) ?? undefined;
// PW_PORT lets parallel worktrees run their suites side by side without fighting over 5173.
const port = Number(process.env.PW_PORT ?? 5173);

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
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: { executablePath, args: chromiumArgs() },
  },
  webServer: {
    // Serves the app like `npm start` (the README's first command), on the chosen port.
    command: `npx vite --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
