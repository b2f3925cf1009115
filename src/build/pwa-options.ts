/**
 * vite-plugin-pwa's options: the web app manifest and the service worker workbox generates
 * (what it precaches, what it caches at run time). Build-time code, wired by vite.config.ts.
 *
 * A volunteer's first visit downloads the precache, so it holds only what a volunteer's routes
 * need (≤ 500 KB gzip in all: tests/build/vite-build.test.ts; `node tests/bench/precache.mjs`
 * prints it). Staff-only code (`isStaffOnly`: review, admin, charts, exports, imports, their
 * libraries) is left out; the worker caches it when first fetched, so it works offline after one
 * use. The region pack's sources (.md, .csv) are not precached either: the app reads only its
 * .json/.geojson.
 */
import type { VitePWAOptions } from 'vite-plugin-pwa';

/** Run-time cache of the app's own hashed files that are not precached (staff-only code). */
export const STAFF_ASSETS_CACHE = 'kl-staff-assets';

/** A file of the public feedback page (its HTML under src/feedback/, its scripts and styles under f-assets/). */
export const isFeedbackPage = (url: string): boolean => /^\/?(src\/feedback\/|f-assets\/)/.test(url);

export const pwaOptions = (isStaffOnly: (file: string) => boolean): Partial<VitePWAOptions> => ({
  registerType: 'prompt',
  injectRegister: false,
  // No includeAssets: its patterns are precached whatever globIgnores says (it had pulled the
  // region pack's .md/.csv sources in). globPatterns below already finds the icons and the pack.
  includeAssets: [],
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
    // The public feedback page (src/feedback, issue 15) is for the public, not volunteers: neither
    // its HTML nor its files are precached, and a navigation to /f/… never gets the app shell.
    globIgnores: ['**/*.md', '**/*.csv', 'route-preloads.json', 'src/feedback/**', 'f-assets/**'],
    manifestTransforms: [async (entries) => ({ manifest: entries.filter((e) => !isStaffOnly(e.url) && !isFeedbackPage(e.url)), warnings: [] })],
    navigateFallback: '/index.html',
    navigateFallbackDenylist: [/^\/api\//, /^\/f(\/|$)/],
    maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
    runtimeCaching: [
      {
        // The app's hashed scripts and styles that are not precached: staff-only code, fetched on
        // first use. A hashed file never changes, so the cache answers first; the precache route
        // is registered before this one, so precached files never reach it. Capped: every release
        // leaves its old hashes behind.
        urlPattern: ({ url, sameOrigin }) => sameOrigin && /^\/assets\/[^/]+\.(js|css)$/.test(url.pathname),
        handler: 'CacheFirst',
        options: {
          cacheName: STAFF_ASSETS_CACHE,
          expiration: { maxEntries: 80, purgeOnQuotaError: true },
          cacheableResponse: { statuses: [200] },
        },
      },
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
});
