// @vitest-environment node
/**
 * What the build hands a volunteer's phone, from one real `vite build` (the app's vite.config.ts,
 * into a temp folder):
 * - the logging route's first-paint chunk (`logging`, src/build/vite-plugins.ts) holds only the
 *   modules on its list below and stays within its gzip budget;
 * - the first visit (precache, service worker, manifest and icons) stays within 500 KB gzip, the
 *   precache holds every file a volunteer's route needs and no staff-only code (review, admin,
 *   charts, exports, imports) nor the region pack's .md/.csv sources.
 *
 * A module that joins the logging chunk must be added to LOGGING_CHUNK_MODULES on purpose, with
 * the budget looked at again: every byte of it is on a volunteer's first paint on a slow link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Rollup } from 'vite';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { FEEDBACK_ASSETS, FEEDBACK_ENTRY, LOGGING_CHUNK } from '../../src/build/vite-plugins';
import { parse as parseJs } from 'acorn';
import { FIRST_VISIT_BUDGET, formatFirstVisit, measureFirstVisit, readServiceWorker } from '../bench/precache.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Gzip budgets of the logging chunk (zlib level 9, as tests/bench's bundle-size group). Set from
 * the size measured on 2026-12-03 (JS 75.1 KB, CSS 9.2 KB) plus ~4 % (3 KB, 0.4 KB) for small
 * changes; past it, look for what grew before raising it. Raised to 80 KB the same day, after
 * issue 13 and 14 §1–2 landed at 78.2 KB: the draft box and the return notice in the form, the
 * counting basis and the pull scope in the year totals, and the report lines' schema, which the
 * org taxonomy document now carries (domain/taxonomy.ts validates it on the form's route).
 */
const LOGGING_JS_BUDGET = 80 * 1024;
const LOGGING_CSS_BUDGET = 9.6 * 1024;

/**
 * Every module allowed in the logging chunk, as paths from the repository root (a .vue file
 * stands for its script and style parts) or packages under node_modules (Vant per component).
 */
const LOGGING_CHUNK_MODULES: readonly string[] = [
  // the route: its view, the form and its parts
  'src/app/views/EventEditView.vue',
  'src/app/components/event/EventForm.vue',
  'src/app/components/event/OptionSelect.vue',
  'src/app/components/event/CountStepper.vue',
  'src/app/components/event/ThemePicker.vue',
  'src/app/components/event/TownshipPicker.vue',
  'src/app/components/event/MaterialRows.vue',
  'src/app/components/event/VolunteerRows.vue',
  'src/app/components/event/PartnerRows.vue',
  'src/app/components/event/event-time.ts',
  'src/app/components/event/event-content.ts',
  'src/app/components/event/taxonomy-options.ts',
  'src/app/components/ui/KlIcon.vue',
  'src/app/composables/useGeolocation.ts',
  // the words it shows (Chinese only; English loads when chosen)
  'src/app/i18n/index.ts',
  'src/app/i18n/messages/zh-CN/common.ts',
  'src/app/i18n/messages/zh-CN/event.ts',
  'src/app/i18n/messages/zh-CN/validation.ts',
  // issue 13: the one date formatter (event-time.ts) and Vant's words in the chosen language (settings store)
  'src/app/i18n/date-format.ts',
  'src/app/i18n/vant-locale.ts',
  // stores and the door to IndexedDB the save needs
  'src/app/stores/ledger.ts',
  'src/app/stores/identity.ts',
  'src/app/stores/region.ts',
  'src/app/stores/settings.ts',
  'src/app/region/load-region.ts',
  'src/app/db/database.ts',
  'src/app/db/ledger-db.ts',
  'src/app/db/event-repository.ts',
  'src/app/db/event-writes.ts',
  'src/app/db/native-write.ts',
  'src/app/db/year-totals.ts',
  // whose pull scope (scoped pulls, issue 13 §5) says whether the server's totals answer
  'src/domain/scope.ts',
  'src/app/db/draft-repository.ts',
  'src/app/db/my-events.ts',
  'src/app/db/meta.ts',
  'src/app/db/meta-values.ts',
  'src/app/db/live.ts',
  'src/app/db/errors.ts',
  'src/app/db/storage-status.ts',
  // the rules: validation, calendar, totals, point-in-polygon, ids
  'src/domain/event.ts',
  'src/domain/taxonomy.ts',
  // the org document the taxonomy travels in also carries the report lines (统计口径): their schema and defaults
  'src/domain/report-line-schema.ts',
  'src/domain/problems.ts',
  'src/domain/instant.ts',
  'src/domain/visible-text.ts',
  'src/domain/year.ts',
  'src/domain/counts.ts',
  'src/domain/totals.ts',
  'src/domain/region.ts',
  // issue 13: place names in common characters (巽寮), folded as the pack is built
  'src/domain/variant-chars.ts',
  'src/domain/ids.ts',
  'src/domain/review.ts',
  // libraries
  'node_modules/dexie',
  'node_modules/valibot',
  'node_modules/uuid',
  'node_modules/@turf/boolean-point-in-polygon',
  'node_modules/@turf/invariant',
  'node_modules/point-in-polygon-hao',
  'node_modules/robust-predicates',
  'node_modules/@vant/use',
  ...['button', 'cell', 'cell-group', 'field', 'checkbox', 'checkbox-group', 'nav-bar', 'toast', 'popup', 'overlay', 'loading', 'badge', 'icon'].map(
    (c) => `node_modules/vant/es/${c}`,
  ),
  ...['config-provider', 'utils', 'composables', 'locale', 'style'].map((c) => `node_modules/vant/es/${c}`),
];

/** Rollup/Vite helper modules (`\0`-prefixed virtual ids) every chunk may carry. */
const isVirtual = (id: string) => id.startsWith('\0');

/** The list entry a module id falls under, or null. */
function listedAs(id: string): string | null {
  const path = relative(ROOT, id.replace(/\?.*$/, '')).split(sep).join('/');
  return LOGGING_CHUNK_MODULES.find((m) => path === m || path.startsWith(`${m}/`)) ?? null;
}

let outDir = '';
let output: Rollup.OutputBundle[keyof Rollup.OutputBundle][] = [];

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'kl-build-'));
  // Vitest sets NODE_ENV=test, under which Vite and workbox build for development (unminified).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  let result: Awaited<ReturnType<typeof build>>;
  try {
    result = await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  output = (Array.isArray(result) ? result : [result]).flatMap((r) => ('output' in r ? r.output : []));
}, 180_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const gzip = (text: string | Uint8Array) => gzipSync(text, { level: 9 }).length;

function loggingChunk(): Rollup.OutputChunk {
  const chunk = output.find((o): o is Rollup.OutputChunk => o.type === 'chunk' && o.name === LOGGING_CHUNK);
  if (!chunk) throw new Error(`no '${LOGGING_CHUNK}' chunk in the build`);
  return chunk;
}

describe('the logging route’s first-paint chunk', () => {
  it('holds only the modules on its list', () => {
    const chunk = loggingChunk();
    const strangers = chunk.moduleIds.filter((id) => !isVirtual(id) && listedAs(id) === null).map((id) => relative(ROOT, id));
    expect(strangers).toEqual([]);
    // The list is not stale: most of it is in the chunk (a renamed module shows up here).
    const present = new Set(chunk.moduleIds.map(listedAs));
    expect(LOGGING_CHUNK_MODULES.filter((m) => !present.has(m))).toEqual([]);
  });

  it(`stays within its gzip budget (JS ${LOGGING_JS_BUDGET} B, CSS ${LOGGING_CSS_BUDGET} B)`, () => {
    const chunk = loggingChunk();
    const js = gzip(chunk.code);
    const cssFiles = [...((chunk as { viteMetadata?: { importedCss: Set<string> } }).viteMetadata?.importedCss ?? [])];
    const css = cssFiles.reduce((s, f) => s + gzip(readFileSync(join(outDir, f))), 0);
    console.log(
      `logging chunk: JS ${(js / 1024).toFixed(1)} KB gzip (budget ${(LOGGING_JS_BUDGET / 1024).toFixed(1)}), CSS ${(css / 1024).toFixed(1)} KB (budget ${(LOGGING_CSS_BUDGET / 1024).toFixed(1)})`,
    );
    expect(cssFiles.length).toBe(1);
    expect(js).toBeLessThanOrEqual(LOGGING_JS_BUDGET);
    expect(css).toBeLessThanOrEqual(LOGGING_CSS_BUDGET);
  });
});

/** The volunteer's routes, by their views (src/app/router.ts). */
const VOLUNTEER_VIEWS = ['HomeView', 'EventListView', 'EventEditView', 'EventDetailView', 'MapView', 'ReportsView', 'SettingsView', 'LoginView', 'DraftsView'];
/** Staff-only code, by the module a chunk is loaded for. */
const STAFF_ONLY =
  /src\/app\/views\/(ReviewView|AdminView)\.vue$|src\/app\/components\/report\/ReportCharts\.vue$|src\/app\/components\/admin\/InviteQr\.vue$|src\/app\/views\/Feedback\w*View\.vue$|src\/app\/components\/feedback\/|src\/app\/(export|import)\/|node_modules\/(@cj-tech-master\/excelts|docx|chart\.js|uqr)\//;

describe('a volunteer’s first visit', () => {
  it(`downloads at most ${FIRST_VISIT_BUDGET / 1024} KB gzip in all, precache included`, () => {
    const m = measureFirstVisit(outDir);
    console.log(formatFirstVisit(m, 8));
    expect(m.totalBytes).toBeLessThanOrEqual(FIRST_VISIT_BUDGET);
  });

  it('precaches every script and style a volunteer’s route loads up front', () => {
    const precached = new Set(readServiceWorker(outDir).precached);
    const chunks = new Map(output.filter((o): o is Rollup.OutputChunk => o.type === 'chunk').map((c) => [c.fileName, c]));
    const viewChunks = VOLUNTEER_VIEWS.map((v) => [...chunks.values()].find((c) => c.facadeModuleId?.endsWith(`/src/app/views/${v}.vue`)));
    expect(viewChunks.map((c) => (c ? VOLUNTEER_VIEWS[viewChunks.indexOf(c)] : 'missing'))).toEqual(VOLUNTEER_VIEWS);
    // The app's entry (the public feedback page is another entry, never precached: below).
    const entry = [...chunks.values()].filter((c) => c.isEntry && c.name !== FEEDBACK_ENTRY);
    const needed = new Set<string>(['index.html']);
    const stack = [...entry, ...(viewChunks as Rollup.OutputChunk[])].map((c) => c.fileName);
    while (stack.length) {
      const file = stack.pop()!;
      if (needed.has(file)) continue;
      needed.add(file);
      const c = chunks.get(file)!;
      stack.push(...c.imports);
      for (const css of (c as { viteMetadata?: { importedCss: Set<string> } }).viteMetadata?.importedCss ?? []) needed.add(css);
    }
    expect([...needed].filter((f) => !precached.has(f))).toEqual([]);
    // What the views load on demand and volunteers use too: the map, the photo resizer, backup.
    const onDemand = ['CoverageMap', 'browser-image-compression', 'ledger-backup', 'SyncBadge', 'ReloadPrompt'];
    expect(onDemand.filter((n) => ![...precached].some((f) => f.startsWith(`assets/${n}-`)))).toEqual([]);
  });

  it('leaves staff-only code and the region pack’s sources out of the precache, for run-time caching', () => {
    const precached = readServiceWorker(outDir).precached;
    const staffChunks = output.filter(
      (o): o is Rollup.OutputChunk => o.type === 'chunk' && !!o.facadeModuleId && STAFF_ONLY.test(o.facadeModuleId.split(sep).join('/')),
    );
    // xlsx/docx/csv writers, chart.js, review and admin views, the spreadsheet and DOCX libraries
    expect(staffChunks.length).toBeGreaterThanOrEqual(6);
    expect(staffChunks.map((c) => c.fileName).filter((f) => precached.includes(f))).toEqual([]);
    // The QR encoder (uqr) rides only in the invite QR code's own chunk, which is not precached.
    const withQr = output.filter((o): o is Rollup.OutputChunk => o.type === 'chunk' && o.moduleIds.some((id) => /node_modules[\\/]uqr[\\/]/.test(id)));
    expect(
      withQr.map((c) =>
        c.facadeModuleId
          ?.split(sep)
          .join('/')
          .replace(/^.*\/src\//, 'src/'),
      ),
    ).toEqual(['src/app/components/admin/InviteQr.vue']);
    expect(withQr.filter((c) => precached.includes(c.fileName))).toEqual([]);
    expect(precached.filter((f) => /\.(md|csv)$/.test(f))).toEqual([]);
    expect(precached.filter((f) => f.startsWith('regions/')).sort()).toEqual([
      'regions/huidong/county.geojson',
      'regions/huidong/region.json',
      'regions/huidong/townships.geojson',
      'regions/huidong/villages.json',
    ]);
    // The worker caches the app's other hashed files when first fetched.
    const sw = readFileSync(join(outDir, 'sw.js'), 'utf8');
    expect(sw).toMatch(/cacheName:"kl-staff-assets"/);
  });
});

describe('the first paint needs no script', () => {
  const html = () => readFileSync(join(outDir, 'index.html'), 'utf8');

  it('index.html paints a boot frame with the app’s name from HTML and linked styles only (CSP: no inline style or script)', () => {
    const page = html();
    expect(page).toMatch(/<div id="app"><div class="kl-boot"[^>]*>.*科普台账.*<\/div><\/div>/s);
    expect(page).not.toMatch(/<style|\sstyle=/);
    expect(page.match(/<script(?![^>]*\ssrc=)[^>]*>/g) ?? []).toEqual([]);
    const sheets = [...page.matchAll(/<link rel="stylesheet"[^>]*href="\/([^"]+)"/g)].map((m) => readFileSync(join(outDir, m[1]!), 'utf8'));
    expect(sheets.join('\n')).toMatch(/\.kl-boot__name\{/);
    // The one render-blocking stylesheet is the entry's (the frame's styles); the app's own
    // stylesheets are preloaded and applied when boot.ts has loaded.
    expect(sheets).toHaveLength(1);
    expect(page).toMatch(/<link rel="preload" as="style"[^>]*href="\/assets\/logging-[\w-]+\.css"/);
  });

  it('marks the entry script and its modulepreloads low priority, so the stylesheets (and the frame) come first', () => {
    const page = html();
    const scripts = page.match(/<script type="module"[^>]*>/g) ?? [];
    const preloads = page.match(/<link rel="modulepreload"[^>]*>/g) ?? [];
    expect(scripts).toHaveLength(1);
    // The entry imports the app (boot.ts) after the frame has painted; its chunks are preloaded.
    expect(preloads.some((t) => /\/assets\/boot-[\w-]+\.js"/.test(t))).toBe(true);
    expect(preloads.some((t) => /\/assets\/logging-[\w-]+\.js"/.test(t))).toBe(true);
    expect(preloads.length).toBeGreaterThanOrEqual(2);
    for (const tag of [...scripts, ...preloads]) expect(tag).toContain('fetchpriority="low"');
  });
});

describe('route preloads (route-preloads.json, read by the server)', () => {
  it('names, for every route with a view, that view’s chunk and only files the build has and index.html does not load', () => {
    const routes = JSON.parse(readFileSync(join(outDir, 'route-preloads.json'), 'utf8')) as { path: string; scripts: string[]; styles: string[] }[];
    const router = readFileSync(join(ROOT, 'src/app/router.ts'), 'utf8');
    const routerPaths = [...router.matchAll(/\{\s*path:\s*'([^']+)'[^{}]*?import\('\.\/views\//g)].map((m) => m[1]);
    expect(routerPaths.length).toBeGreaterThanOrEqual(10);
    expect(routes.map((r) => r.path)).toEqual(routerPaths);
    const page = readFileSync(join(outDir, 'index.html'), 'utf8');
    for (const r of routes) {
      const view = /import\('\.\/views\/(\w+)\.vue'\)/.exec(router.slice(router.indexOf(`path: '${r.path}'`)))![1]!;
      expect(r.scripts[0]).toMatch(new RegExp(`^assets/${view}-[\\w-]+\\.js$`));
      for (const f of [...r.scripts, ...r.styles]) {
        expect(readFileSync(join(outDir, f)).length).toBeGreaterThan(0);
        expect(page).not.toContain(f);
      }
    }
  });

  it('names the region pack for the screens that open it at once, and only for those', () => {
    const routes = JSON.parse(readFileSync(join(outDir, 'route-preloads.json'), 'utf8')) as { path: string; fetches: string[] }[];
    const fetches = new Map(routes.map((r) => [r.path, r.fetches]));
    const pack = ['regions/huidong/region.json', 'regions/huidong/townships.geojson', 'regions/huidong/county.geojson', 'regions/huidong/villages.json'];
    // Home (coverage card), the list, the form, an event, the map, the report and review fetch the
    // pack as they open (src/app/stores/region.ts through their own components).
    for (const path of ['/', '/events', '/events/new', '/events/:id', '/map', '/reports', '/review']) expect([path, fetches.get(path)]).toEqual([path, pack]);
    // Sign-in, settings and admin reach the region store only through the ledger store: none.
    for (const path of ['/login', '/settings', '/admin', '/join']) expect([path, fetches.get(path)]).toEqual([path, []]);
    for (const f of pack) expect(readFileSync(join(outDir, f)).length).toBeGreaterThan(0);
  });

  // What a screen's first paint must not wait for: code it does not show. Each was found on it
  // (issue 11, Lighthouse fourth pass) and fails on the code before.
  it.each([
    // The map only asks whether the browser is online (composables/useOnline.ts), not the sync store
    // with its engine, transport and loop (the sync folder's error type is shared by every HTTP client).
    [
      '/map',
      'src/app/views/MapView.vue',
      ['src/app/stores/sync.ts', 'src/sync/sync-engine.ts', 'src/sync/http-transport.ts', 'src/sync/sync-loop.ts', 'src/sync/transport.ts'],
    ],
    // 审核 needs the report screens' role (report-role.ts), not the report's counting and narrative.
    ['/review', 'src/app/views/ReviewView.vue', ['src/app/components/report/use-report-data.ts', 'src/domain/report.ts', 'src/domain/report-text.ts']],
  ])("%s's files do not hold what its screen does not show", (path, view, absent) => {
    const routes = JSON.parse(readFileSync(join(outDir, 'route-preloads.json'), 'utf8')) as { path: string; scripts: string[] }[];
    const route = routes.find((r) => r.path === path)!;
    const chunks = new Map(output.filter((o): o is Rollup.OutputChunk => o.type === 'chunk').map((c) => [c.fileName, c]));
    const modules = route.scripts.flatMap((f) => chunks.get(f)?.moduleIds ?? []).map((id) => relative(ROOT, id).split(sep).join('/'));
    expect(modules).toContain(view);
    expect(modules.filter((m) => absent.includes(m))).toEqual([]);
  });
});

/**
 * The public feedback page (issue 15, src/feedback): the public's first visit on any phone, over
 * WeChat's browser. Gzip budget of its JS + CSS, set at 30 KB by the issue (it measured 5.9 KB on
 * 2026-12-03: no framework).
 */
const FEEDBACK_PAGE_BUDGET = 30 * 1024;

describe('the public feedback page', () => {
  const files = () => {
    const html = readFileSync(join(outDir, 'src/feedback/feedback.html'), 'utf8');
    const refs = [...html.matchAll(/(?:src|href)="\/([^"]+)"/g)].map((m) => m[1]!);
    return { html, refs };
  };

  it(`loads only its own script and stylesheet, within ${FEEDBACK_PAGE_BUDGET / 1024} KB gzip`, () => {
    const { html, refs } = files();
    expect(refs.every((f) => f.startsWith(`${FEEDBACK_ASSETS}/`))).toBe(true);
    expect(refs.filter((f) => f.endsWith('.js'))).toHaveLength(1);
    expect(refs.filter((f) => f.endsWith('.css'))).toHaveLength(1);
    // No web manifest (the public is not offered the app), no inline script or style (CSP).
    expect(html).not.toContain('manifest');
    expect(html).not.toMatch(/<style|\sstyle=/);
    expect(html.match(/<script(?![^>]*\ssrc=)[^>]*>/g) ?? []).toEqual([]);
    const bytes = refs.reduce((n, f) => n + gzip(readFileSync(join(outDir, f))), 0) + gzip(html);
    console.log(`public feedback page: ${(bytes / 1024).toFixed(1)} KB gzip (HTML + JS + CSS; budget ${FEEDBACK_PAGE_BUDGET / 1024} KB)`);
    expect(bytes).toBeLessThanOrEqual(FEEDBACK_PAGE_BUDGET);
  });

  it('bundles nothing of the app (no framework, Vant, Dexie, Leaflet, valibot) and shares no chunk with it', () => {
    const chunk = output.find((o): o is Rollup.OutputChunk => o.type === 'chunk' && o.name === FEEDBACK_ENTRY)!;
    expect(chunk.imports).toEqual([]);
    expect(chunk.dynamicImports).toEqual([]);
    const modules = chunk.moduleIds.filter((id) => !isVirtual(id)).map((id) => relative(ROOT, id.replace(/\?.*$/, '')).split(sep).join('/'));
    expect(modules.filter((m) => !m.startsWith('src/feedback/'))).toEqual([]);
  });

  it('parses as ES2017 (old Android browsers and WeChat’s older kernels)', () => {
    const { refs } = files();
    const js = readFileSync(
      join(
        outDir,
        refs.find((f) => f.endsWith('.js'))!,
      ),
      'utf8',
    );
    expect(() => parseJs(js, { ecmaVersion: 2017, sourceType: 'module' })).not.toThrow();
  });

  it('is never precached, and the service worker never answers /f/ with the app shell', () => {
    const precached = readServiceWorker(outDir).precached;
    expect(precached.filter((f) => f.startsWith(`${FEEDBACK_ASSETS}/`) || f.startsWith('src/feedback/'))).toEqual([]);
    const sw = readFileSync(join(outDir, 'sw.js'), 'utf8');
    expect(sw).toContain('denylist:[/^\\/api\\//,/^\\/f(\\/|$)/]');
  });
});
