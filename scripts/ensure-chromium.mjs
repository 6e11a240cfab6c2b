// Makes sure a Chromium with WebGPU is available before browser tests or benchmarks run.
// On Debian as root it installs the `chromium` package; elsewhere it says exactly what to do.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { findChromium } from './chromium.mjs';

function playwrightPath() {
  try {
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}

const found = findChromium(playwrightPath());
if (found) {
  console.log(`[chromium] using ${found}`);
  process.exit(0);
}
if (process.env.CHROMIUM_PATH) {
  console.error(`[chromium] CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist.`);
  process.exit(1);
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && existsSync('/usr/bin/apt-get')) {
  console.log('[chromium] no browser found: installing the Debian package `chromium`…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execSync('apt-get update -qq && apt-get install -y -qq chromium', { stdio: 'inherit', env });
  if (existsSync('/usr/bin/chromium')) process.exit(0);
}
console.error(
  [
    '[chromium] No Chromium found. The browser tests need Chromium 121+ (WebGPU).',
    '  Debian/Ubuntu:  sudo apt-get install chromium',
    '  Fedora:         sudo dnf install chromium',
    '  macOS:          brew install --cask chromium',
    '  or:             npx playwright install chromium   (Playwright downloads its own)',
    '  or point CHROMIUM_PATH at any Chromium/Chrome binary.',
  ].join('\n'),
);
process.exit(1);
