import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { VantResolver } from '@vant/auto-import-resolver';
import { fileURLToPath } from 'node:url';

// Unit, component and server tests. Browser tests live in tests/e2e with their own config.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  plugins: [vue(), Components({ resolvers: [VantResolver({ importStyle: false })], dts: false })],
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', '**/node_modules/**'],
    environment: 'happy-dom',
    setupFiles: ['fake-indexeddb/auto', 'tests/setup/settle-mounts.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
