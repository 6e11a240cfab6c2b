// Where Chromium is and how to launch it for WebGPU, shared by Playwright, the bench and the CLI.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
  // $SOFTSAE_CHROMIUM_ARGS: extra flags, space-separated (the tests set FAST_COMPILE_ARGS there).
  const extra = process.env.SOFTSAE_CHROMIUM_ARGS?.trim();
  if (extra) args.push(...extra.split(/\s+/));
  return args;
}

/**
 * Flags the test suite adds (playwright.config.ts), never the app's defaults. WGSL zero-fills
 * `var<workgroup>` memory, and Dawn does it with code it adds at the top of every entry point. On
 * SwiftShader that code makes compiling a pipeline about 8× slower (the soft top-k and GEMM
 * pipelines: 15 s → 2 s), and compilation is most of the suite's time. The flag changes no result
 * there: SwiftShader hands each workgroup zeroed memory either way (checked by the `shipped`
 * project, which runs every kernel's self-check with the browser's defaults), and every kernel
 * writes its workgroup memory before reading it.
 */
export const FAST_COMPILE_ARGS = ['--enable-dawn-features=disable_workgroup_init'];

/** The environment for a test's `softsae` command: this process's, with FAST_COMPILE_ARGS. */
export function fastCompileEnv() {
  return { ...process.env, SOFTSAE_CHROMIUM_ARGS: FAST_COMPILE_ARGS.join(' ') };
}

/**
 * The environment under which Dawn outside the browser (the `webgpu` package in Node) finds the
 * software Vulkan driver (SwiftShader) that Chromium ships beside its binary — its Vulkan loader
 * and the driver's manifest — or null when this Chromium has none (Debian's keeps them in
 * /usr/lib/chromium).
 */
export function swiftShaderVulkanEnv() {
  const binary = findChromium(undefined);
  const dirs = ['/usr/lib/chromium'];
  if (binary) dirs.push(dirname(realpathSync(binary)));
  const dir = dirs.find((d) => existsSync(join(d, 'vk_swiftshader_icd.json')));
  if (!dir) return null;
  const ld = process.env.LD_LIBRARY_PATH;
  return {
    LD_LIBRARY_PATH: ld ? `${dir}:${ld}` : dir,
    VK_ICD_FILENAMES: join(dir, 'vk_swiftshader_icd.json'),
  };
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
