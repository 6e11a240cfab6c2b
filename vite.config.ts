import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Content-Security-Policy of the production build (SECURITY.md). Everything the app runs is its
 * own bundled files: scripts and workers from this origin only, no eval, no inline script or
 * style element, no requests anywhere but here. `blob:` images are the PNG export (an SVG drawn
 * through an <img>). The development server is not covered: React's fast refresh needs an
 * inline preamble, and dev is not what users run.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

/** Header-only directives (a <meta> policy may not carry them). */
const HEADER_ONLY = "; frame-ancestors 'none'";

/** The policy as a <meta> in the built index.html, for static hosts that set no headers. */
function cspMeta(): Plugin {
  return {
    name: 'softsae-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/**
 * `vite build --mode cli` builds the page behind `softsae train` / `softsae eval` (cli/index.html)
 * into dist-cli/, which the command serves as is: no transpiling at run time. The app's public/
 * files are not part of it.
 */
const CLI_BUILD = {
  outDir: 'dist-cli',
  emptyOutDir: true,
  rollupOptions: { input: 'cli/index.html' },
};

// WGSL kernels live in shaders/*.wgsl and are imported with `?raw`.
export default defineConfig(({ mode }) => ({
  plugins: [react(), cspMeta()],
  worker: { format: 'es' as const },
  build: { target: 'es2022', sourcemap: true, ...(mode === 'cli' ? CLI_BUILD : {}) },
  publicDir: mode === 'cli' ? false : 'public',
  server: { host: '127.0.0.1' },
  preview: {
    headers: {
      'Content-Security-Policy': CONTENT_SECURITY_POLICY + HEADER_ONLY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    },
  },
}));
