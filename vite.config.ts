import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// WGSL kernels live in shaders/*.wgsl and are imported with `?raw`.
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  server: { host: '127.0.0.1' },
});
