// Where Chromium is and how to launch it for WebGPU, shared by Playwright, the bench and the CLI.
import { existsSync } from 'node:fs';

/**
 * Flags for headless Chromium with WebGPU. SwiftShader provides a software adapter when there is
 * no GPU. The network-quietening flags matter on closed networks; --no-sandbox only as root.
 */
export function chromiumArgs() {
  const args = [
    '--enable-unsafe-webgpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
  ];
  if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('--no-sandbox');
  return args;
}

/**
 * The browser binary: $CHROMIUM_PATH, else /usr/bin/chromium, else Playwright's own installed
 * Chromium (undefined lets Playwright choose it). Returns null when none of them exists.
 * @param {string | undefined} playwrightPath Playwright's bundled executable path, if known.
 */
export function findChromium(playwrightPath) {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  if (playwrightPath && existsSync(playwrightPath)) return playwrightPath;
  return null;
}
