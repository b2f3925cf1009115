import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// Browser tests: real Debian Chromium (playwright-core) against the built app and real server.
// Files run one after another: two cores cannot host several browsers and servers at once.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
