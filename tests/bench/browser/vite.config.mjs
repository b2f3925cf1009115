// Builds the bench page (tests/bench/browser) from the app's real modules; no PWA, no Vue.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  logLevel: 'warn',
  // BENCH_PAGE_MINIFY=0 (set by run.mjs --profile) keeps function names readable in CPU profiles.
  build: { target: 'es2020', sourcemap: false, emptyOutDir: true, reportCompressedSize: false, minify: process.env.BENCH_PAGE_MINIFY !== '0' },
});
