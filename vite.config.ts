import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { VitePWA } from 'vite-plugin-pwa';
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite';
import { fileURLToPath } from 'node:url';
import {
  FEEDBACK_ASSETS,
  FEEDBACK_ENTRY,
  FEEDBACK_HTML,
  feedbackPage,
  LOGGING_CHUNK,
  LOGGING_ROUTE_VIEW,
  loggingRouteGraph,
  regionPackFiles,
  routePreloads,
  bootAfterFirstPaint,
  staffOnlyChunks,
  vantIconFontAsFile,
  vantPerComponent,
} from './src/build/vite-plugins';
import { pwaOptions } from './src/build/pwa-options';
import { DEFAULT_REGION_ID, REGION_PACK_DEFAULT_FILES } from './src/app/region/load-region';

// The plugins and the service worker's options live in src/build/ (vite-plugins.ts, pwa-options.ts).
const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const loggingRoute = loggingRouteGraph(fromRoot(LOGGING_ROUTE_VIEW));
const staffOnly = staffOnlyChunks();

export default defineConfig({
  plugins: [
    vue(),
    loggingRoute.plugin,
    Components({ resolvers: [vantPerComponent()], dts: false }),
    // Messages (src/app/i18n/messages/**/*.ts) are compiled at build time, so the app ships
    // vue-i18n's runtime-only build without the message compiler.
    VueI18nPlugin({
      include: [fromRoot('./src/app/i18n/messages/**/*.ts')],
      runtimeOnly: true,
      compositionOnly: true,
      fullInstall: false,
      dropMessageCompiler: true,
      strictMessage: false,
    }),
    // Vant inlines its whole icon font in CSS; serve it as a file fetched only when an icon shows.
    vantIconFontAsFile(fromRoot('./node_modules/.cache')),
    staffOnly.plugin,
    bootAfterFirstPaint(fromRoot('./src/app/boot.ts')),
    // Each route's view files, and the shipped region pack for the screens that show it.
    routePreloads(fromRoot('./src/app/router.ts'), [
      {
        module: fromRoot('./src/app/stores/region.ts'),
        files: regionPackFiles(fromRoot('./public'), DEFAULT_REGION_ID, REGION_PACK_DEFAULT_FILES),
        // The ledger store holds the region store for later; a screen loads the pack itself.
        notThrough: /[\\/]src[\\/]app[\\/]stores[\\/]/,
      },
    ]),
    VitePWA(pwaOptions(staffOnly.isStaffOnly)),
    feedbackPage(fromRoot(FEEDBACK_HTML)),
  ],
  // No component uses the Options API (all are <script setup> or setup(), Vant's too): drop it.
  define: { __VUE_OPTIONS_API__: 'false' },
  build: {
    target: 'es2020',
    sourcemap: false,
    rolldownOptions: {
      // Two pages: the app, and the public feedback page (issue 15, src/feedback: its own entry,
      // nothing shared with the app, files under f-assets/ that the service worker never touches).
      input: { index: fromRoot('./index.html'), [FEEDBACK_ENTRY]: fromRoot(FEEDBACK_HTML) },
      output: {
        entryFileNames: (chunk) => (chunk.name === FEEDBACK_ENTRY ? `${FEEDBACK_ASSETS}/[name]-[hash].js` : 'assets/[name]-[hash].js'),
        assetFileNames: (asset) =>
          asset.names.some((n) => n.startsWith(FEEDBACK_ENTRY)) ? `${FEEDBACK_ASSETS}/[name]-[hash][extname]` : 'assets/[name]-[hash][extname]',
        codeSplitting: {
          groups: [
            // Vue, the router, Pinia and vue-i18n: the shell of every route.
            // Vite's preload helper on its own: the entry needs it to import boot.ts, and inside
            // the logging chunk it would make the entry import that chunk before the first paint.
            { name: 'preload-helper', test: /preload-helper/, priority: 3 },
            { name: 'framework', test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/, priority: 2 },
            { name: LOGGING_CHUNK, test: loggingRoute.test, priority: 1 },
          ],
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
