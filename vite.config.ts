import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { VantResolver } from '@vant/auto-import-resolver';
import { VitePWA } from 'vite-plugin-pwa';
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite';
import { fileURLToPath } from 'node:url';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * Vant's icon stylesheet carries its whole font as a base64 data URL (~27 KB gzipped) plus a
 * fallback on a CDN. Every Vant component that can show an icon imports that stylesheet, so
 * the font rode along with the first paint of every route. This writes the font to a file and
 * points the @font-face at it: the browser fetches it (once, then from the precache) only when
 * an icon glyph is actually drawn, and never from the CDN.
 */
function vantIconFontAsFile(): Plugin {
  const fontDir = fileURLToPath(new URL('./node_modules/.cache/kl-vant-icon', import.meta.url));
  return {
    name: 'kl-vant-icon-font-file',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]vant[\\/](es|lib)[\\/]icon[\\/]index\.css$/.test(id)) return null;
      const m = code.match(/src:\s*url\(data:font\/woff2;[^,]*base64,([A-Za-z0-9+/=]+)\)[^;}]*/);
      if (!m) this.error('vant icon font: no inline woff2 found (Vant changed its icon stylesheet)');
      mkdirSync(fontDir, { recursive: true });
      const font = join(fontDir, 'vant-icon.woff2');
      writeFileSync(font, Buffer.from(m[1]!, 'base64'));
      const rel = relative(dirname(id), font).split('\\').join('/');
      return { code: code.replace(m[0], `src:url("${rel}") format("woff2")`), map: null };
    },
  };
}

/**
 * Vant's resolver imports components from the 'vant/es' barrel, which re-exports every component;
 * this imports each from its own module ('vant/es/cell-group'), so the module graph holds only
 * the components in use (the logging-route chunk below is built from that graph).
 */
function vantPerComponent() {
  const vant = VantResolver();
  return (name: string) => {
    const r = vant.resolve(name);
    if (!r) return undefined;
    const dir = r.name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
    return { ...r, from: `vant/es/${dir}` };
  };
}

/**
 * The logging route (/events/new) is what a volunteer opens in the field on a slow link. Split
 * the usual way it needed ~40 files (every Vant component, its style module and its CSS on its
 * own), and a slow-4G phone fetches them six at a time, ~0.56 s of latency per round. This
 * plugin finds, once the module graph is known, every module the route's view reaches through
 * static imports; the `logging` chunk group below puts them in one chunk (and one CSS file).
 * Other routes load that chunk when they use any of it; most need Dexie, the stores and the
 * basic Vant parts anyway.
 */
function loggingRouteGraph(viewFile: string) {
  const view = fileURLToPath(new URL(viewFile, import.meta.url));
  const reached = new Set<string>();
  const plugin: Plugin = {
    name: 'kl-logging-route-graph',
    apply: 'build',
    buildEnd() {
      reached.clear();
      const stack = [view];
      while (stack.length) {
        const id = stack.pop()!;
        if (reached.has(id)) continue;
        reached.add(id);
        // Vant's barrel re-exports every component: reaching it would put all of them here.
        if (/[\\/]vant[\\/]es[\\/]index\.mjs$/.test(id)) this.error(`logging route graph: import from 'vant/es/<component>', not 'vant' (${view})`);
        stack.push(...(this.getModuleInfo(id)?.importedIds ?? []));
      }
      if (reached.size < 2) this.error(`logging route graph: ${viewFile} not found in the build`);
    },
  };
  return { plugin, test: (id: string) => reached.has(id) && id !== view };
}

const loggingRoute = loggingRouteGraph('./src/app/views/EventEditView.vue');

export default defineConfig({
  plugins: [
    vue(),
    loggingRoute.plugin,
    Components({ resolvers: [vantPerComponent()], dts: false }),
    // Messages (src/app/i18n/messages/**/*.ts) are compiled at build time, so the app ships
    // vue-i18n's runtime-only build without the message compiler.
    VueI18nPlugin({
      include: [fileURLToPath(new URL('./src/app/i18n/messages/**/*.ts', import.meta.url))],
      runtimeOnly: true,
      compositionOnly: true,
      fullInstall: false,
      dropMessageCompiler: true,
      strictMessage: false,
    }),
    // Vant inlines its whole icon font in CSS; serve it as a file fetched only when an icon shows.
    vantIconFontAsFile(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.ico', 'icons/*.png', 'regions/**/*'],
      manifest: {
        name: '科普台账',
        short_name: '科普台账',
        description: '县科协科普活动台账：离线记录、同步、覆盖地图与年度报告',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#1d6fd8',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The first install takes control of the page that installed it: without a claim the
        // first visit stays uncontrolled until the next load, and offline every lazy route chunk
        // (活动, 地图, 报告, 设置) is fetched from the network and fails. Claiming is harmless on a
        // first install (there is no older worker to replace). No skipWaiting: a later version
        // still waits until the person taps 刷新 (ReloadPrompt.vue sends SKIP_WAITING).
        clientsClaim: true,
        globPatterns: ['**/*.{js,css,html,png,ico,svg,json,geojson,woff2}'],
        globIgnores: ['**/huidong-*.csv', '**/PROVENANCE.md', '**/README.md'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        runtimeCaching: [
          {
            // Optional base-map tiles (天地图, 高德 or a custom template): cross-origin images. The
            // township polygons never need them. Opaque responses are padded in the quota, so the
            // cache is capped hard and purged when the browser reports the quota exceeded.
            urlPattern: ({ url, request }) => request.destination === 'image' && url.origin !== self.location.origin,
            handler: 'CacheFirst',
            options: {
              cacheName: 'kl-map-tiles',
              expiration: { maxEntries: 500, maxAgeSeconds: 30 * 24 * 3600, purgeOnQuotaError: true },
              cacheableResponse: { statuses: [0, 200] },
            },
          },
        ],
      },
    }),
  ],
  // No component uses the Options API (all are <script setup> or setup(), Vant's too): drop it.
  define: { __VUE_OPTIONS_API__: 'false' },
  build: {
    target: 'es2020',
    sourcemap: false,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // Vue, the router, Pinia and vue-i18n: the shell of every route.
            { name: 'framework', test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/, priority: 2 },
            { name: 'logging', test: loggingRoute.test, priority: 1 },
          ],
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
