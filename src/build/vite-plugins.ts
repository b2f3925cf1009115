/**
 * The app's own Vite plugins (vite.config.ts wires them). Build-time code: it runs in Node while
 * Vite builds, never in the phone.
 */
import { minify, transformWithOxc, type Plugin } from 'vite';
import { VantResolver } from '@vant/auto-import-resolver';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Vant's icon stylesheet carries its whole font as a base64 data URL (~27 KB gzipped) plus a
 * fallback on a CDN. Every Vant component that can show an icon imports that stylesheet, so
 * the font rode along with the first paint of every route. This writes the font to a file
 * (under `cacheDir`) and points the @font-face at it: the browser fetches it (once, then from the
 * service worker's cache) only when an icon glyph is actually drawn, and never from the CDN.
 */
export function vantIconFontAsFile(cacheDir: string): Plugin {
  const fontDir = join(cacheDir, 'kl-vant-icon');
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
 * A resolver for unplugin-vue-components. Vant's own resolver imports components from the
 * 'vant/es' barrel, which re-exports every component; this imports each from its own module
 * ('vant/es/cell-group'), so the module graph holds only the components in use (the logging-route
 * chunk is built from that graph).
 */
export function vantPerComponent() {
  const vant = VantResolver();
  return (name: string) => {
    const r = vant.resolve(name);
    if (!r) return undefined;
    const dir = r.name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
    return { ...r, from: `vant/es/${dir}` };
  };
}

/** The logging route's view: the screen a volunteer opens in the field. */
export const LOGGING_ROUTE_VIEW = 'src/app/views/EventEditView.vue';

/** Name of the chunk (and stylesheet) that holds the logging route's first paint. */
export const LOGGING_CHUNK = 'logging';

/**
 * The logging route (/events/new) is what a volunteer opens in the field on a slow link. Split
 * the usual way it needed ~40 files (every Vant component, its style module and its CSS on its
 * own), and a slow-4G phone fetches them six at a time, ~0.56 s of latency per round. This
 * plugin finds, once the module graph is known, every module the route's view (an absolute path)
 * reaches through static imports; `test` tells the `logging` chunk group (codeSplitting) which
 * modules go into one chunk (and one CSS file). Other routes load that chunk when they use any of
 * it; most need Dexie, the stores and the basic Vant parts anyway.
 *
 * What may join that chunk, and how big it may grow, is held by tests/build/logging-chunk.test.ts.
 */
/**
 * Every module `root` reaches through static imports, itself included, once the module graph is
 * known (`getModuleInfo` of a plugin context). The walk does not go on from a module `skip` names
 * (it is still counted as reached).
 */
export function staticImportsOf(getModuleInfo: (id: string) => { importedIds: readonly string[] } | null, root: string, skip?: RegExp): Set<string> {
  const reached = new Set<string>();
  const stack = [root];
  while (stack.length) {
    const id = stack.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    if (id !== root && skip?.test(id)) continue;
    stack.push(...(getModuleInfo(id)?.importedIds ?? []));
  }
  return reached;
}

export function loggingRouteGraph(view: string): { plugin: Plugin; test: (id: string) => boolean } {
  let reached = new Set<string>();
  const plugin: Plugin = {
    name: 'kl-logging-route-graph',
    apply: 'build',
    buildEnd() {
      reached = staticImportsOf((id) => this.getModuleInfo(id), view);
      // Vant's barrel re-exports every component: reaching it would put all of them here.
      if ([...reached].some((id) => /[\\/]vant[\\/]es[\\/]index\.mjs$/.test(id)))
        this.error(`logging route graph: import from 'vant/es/<component>', not 'vant' (${view})`);
      if (reached.size < 2) this.error(`logging route graph: ${view} not found in the build`);
    },
  };
  // Not Vite's preload helper (a virtual module): the entry needs it, and with it the entry would
  // import the whole logging chunk (and its stylesheet) before the first paint.
  return { plugin, test: (id: string) => reached.has(id) && id !== view && !id.startsWith('\0') };
}

/**
 * Modules only staff need — review, admin, charts, report exports and imports and their
 * libraries (XLSX, DOCX, chart.js) — named where the app loads them on demand: a dynamic import
 * of a chunk whose entry module matches one of these is where a volunteer's phone stops.
 */
export const STAFF_ONLY_ENTRIES: readonly RegExp[] = [
  /[\\/]src[\\/]app[\\/]views[\\/](ReviewView|AdminView)\.vue$/,
  /[\\/]src[\\/]app[\\/]components[\\/]report[\\/](ReportCharts|AwardsSection|ReportDocument)\.vue$/,
  // The target and 自评表 indicator editor (reports screen and 管理设置), and the scored 自评表.
  /[\\/]src[\\/]app[\\/]components[\\/]report[\\/](TargetSettings|SelfEvalTable)\.vue$/,
  // The invite QR code and its encoder (uqr): loaded by the invite panel when a code is shown.
  /[\\/]src[\\/]app[\\/]components[\\/]admin[\\/]InviteQr\.vue$/,
  // Issue 15 (群众意见): the staff inbox and its parts (home card, report section, settings), and
  // the feedback QR poster with the QR encoder, which volunteers open too: like the invite QR, it is
  // not in the first visit (the service worker keeps it once used online).
  /[\\/]src[\\/]app[\\/]views[\\/]Feedback\w*View\.vue$/,
  /[\\/]src[\\/]app[\\/]components[\\/]feedback[\\/]/,
  /[\\/]src[\\/]app[\\/](export|import)[\\/]/,
  /[\\/]node_modules[\\/](@cj-tech-master[\\/]excelts|docx|chart\.js)[\\/]/,
];

interface BundleChunk {
  type: 'chunk';
  fileName: string;
  isEntry: boolean;
  facadeModuleId: string | null;
  imports: string[];
  dynamicImports: string[];
  viteMetadata?: { importedCss: Set<string>; importedAssets: Set<string> };
}

/**
 * The files a volunteer's phone needs: everything the entry reaches through static and dynamic
 * imports (with their CSS and assets), except through a dynamic import of a staff-only entry
 * (`staffEntries`). The rest of the build's scripts and styles are staff-only: the service
 * worker does not precache them (pwa-options.ts drops them from its manifest) and caches them at
 * run time, on first use. Known once the bundle is generated; `isStaffOnly` answers for a file
 * name relative to the output folder ('assets/xlsx-….js').
 */
export function staffOnlyChunks(staffEntries: readonly RegExp[] = STAFF_ONLY_ENTRIES): { plugin: Plugin; isStaffOnly: (file: string) => boolean } {
  const staff = new Set<string>();
  const plugin: Plugin = {
    name: 'kl-staff-only-chunks',
    apply: 'build',
    generateBundle(_options, bundle) {
      staff.clear();
      const chunks = new Map<string, BundleChunk>();
      for (const [file, out] of Object.entries(bundle)) if (out.type === 'chunk') chunks.set(file, out as unknown as BundleChunk);
      const isStaffEntry = (file: string) => {
        const facade = chunks.get(file)?.facadeModuleId;
        return !!facade && staffEntries.some((re) => re.test(facade));
      };
      const reached = new Set<string>();
      const stack = [...chunks.values()].filter((c) => c.isEntry && !c.fileName.startsWith(`${FEEDBACK_ASSETS}/`)).map((c) => c.fileName);
      while (stack.length) {
        const file = stack.pop()!;
        if (reached.has(file)) continue;
        reached.add(file);
        const c = chunks.get(file);
        if (!c) continue;
        stack.push(...c.imports, ...c.dynamicImports.filter((d) => !isStaffEntry(d)));
        for (const css of c.viteMetadata?.importedCss ?? []) reached.add(css);
        for (const asset of c.viteMetadata?.importedAssets ?? []) reached.add(asset);
      }
      // Assets a volunteer's chunk reaches through its stylesheet (fonts) count as reached too:
      // only scripts and styles are sorted out here.
      for (const file of Object.keys(bundle)) if (/\.(js|css)$/.test(file) && !reached.has(file) && !file.startsWith(`${FEEDBACK_ASSETS}/`)) staff.add(file);
      if (staff.size === 0) this.warn('staff-only chunks: none found (are the staff entries still loaded on demand?)');
    },
  };
  return { plugin, isStaffOnly: (file: string) => staff.has(file.replace(/^\//, '')) };
}

/** The public feedback page (issue 15): its entry's name, its HTML and the folder of its files in dist/. */
export const FEEDBACK_ENTRY = 'kl-feedback';
export const FEEDBACK_HTML = './src/feedback/feedback.html';
export const FEEDBACK_ASSETS = 'f-assets';

/**
 * Keeps the public feedback page apart from the app: its HTML gets no module-preload polyfill
 * (Vite adds one to every page's entry; shared by two pages it became a chunk of its own, one
 * more request on the app's first load, and the page preloads nothing anyway) and no link to the
 * app's web manifest (vite-plugin-pwa adds it to every page: the public must not be offered to
 * install 科普台账). List it after VitePWA.
 */
export function feedbackPage(htmlFile: string): Plugin[] {
  const EMPTY = '\0kl-feedback-no-polyfill';
  return [
    {
      name: 'kl-feedback-page-no-polyfill',
      apply: 'build',
      enforce: 'pre',
      resolveId(source, importer) {
        if (source === 'vite/modulepreload-polyfill' && importer !== undefined && resolve(importer) === resolve(htmlFile)) return EMPTY;
        return null;
      },
      load(id) {
        return id === EMPTY ? '' : null;
      },
    },
    {
      // vite-plugin-pwa's HTML hook is enforce 'post' too: this one, listed after it, runs after it.
      name: 'kl-feedback-page-no-manifest',
      apply: 'build',
      enforce: 'post',
      // The build targets ES2020; the page's script is lowered to ES2017 after minification
      // (which had written ES2019's `catch {}`), then minified again for ES2017: old Android
      // browsers and WeChat's older kernels parse it (tests/build/vite-build.test.ts checks).
      async generateBundle(_options, bundle) {
        for (const out of Object.values(bundle)) {
          if (out.type !== 'chunk' || out.name !== FEEDBACK_ENTRY) continue;
          const lowered = await transformWithOxc(out.code, out.fileName, { target: 'es2017', lang: 'js' });
          out.code = (await minify(out.fileName, lowered.code, { compress: { target: 'es2017' }, mangle: true, module: true })).code;
        }
      },
      transformIndexHtml: {
        order: 'post',
        handler(html, ctx) {
          if (resolve(ctx.filename) !== resolve(htmlFile)) return html;
          return html.replace(/\s*<link rel="manifest"[^>]*>/g, '');
        },
      },
    },
  ];
}

/**
 * The first paint needs no script: index.html carries a boot frame painted from the HTML and the
 * entry's stylesheet (see index.html), and the entry (src/app/main.ts) imports the app (boot.ts)
 * only after that frame has painted. This names boot.ts's chunk, the chunks it imports and their
 * stylesheets in index.html, so they download at once: scripts as `modulepreload` and styles as
 * `preload` (neither blocks the frame), all `fetchpriority="low"` so the render-blocking
 * stylesheet goes first on a slow link.
 */
export function bootAfterFirstPaint(bootModule: string): Plugin {
  return {
    name: 'kl-boot-after-first-paint',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        // The app's page only (the feedback page is another entry, with nothing of the app's).
        if (ctx.path !== '/index.html') return html;
        const chunks = new Map<string, BundleChunk>();
        for (const [file, out] of Object.entries(ctx.bundle ?? {})) if (out.type === 'chunk') chunks.set(file, out as unknown as BundleChunk);
        const boot = [...chunks.values()].find((c) => c.facadeModuleId === bootModule);
        if (!boot) throw new Error(`boot after first paint: no chunk for ${bootModule}`);
        const files = new Set<string>();
        const stack = [boot.fileName];
        while (stack.length) {
          const file = stack.pop()!;
          if (files.has(file)) continue;
          files.add(file);
          stack.push(...(chunks.get(file)?.imports ?? []));
        }
        const styles = new Set([...files].flatMap((f) => [...(chunks.get(f)?.viteMetadata?.importedCss ?? [])]));
        const links = [
          ...[...files].filter((f) => !html.includes(`/${f}"`)).map((f) => `<link rel="modulepreload" fetchpriority="low" crossorigin href="/${f}">`),
          ...[...styles].filter((f) => !html.includes(`/${f}"`)).map((f) => `<link rel="preload" as="style" fetchpriority="low" crossorigin href="/${f}">`),
        ];
        return html
          .replace(/<script type="module"(?![^>]*fetchpriority)/g, '<script type="module" fetchpriority="low"')
          .replace(/<link rel="modulepreload"(?![^>]*fetchpriority)/g, '<link rel="modulepreload" fetchpriority="low"')
          .replace('</head>', `${links.join('\n')}\n</head>`);
      },
    },
  };
}

/** The file `routePreloads` writes into the build, read by the server (src/server/route-preloads.ts). */
export const ROUTE_PRELOADS_FILE = 'route-preloads.json';

/** One route's files beyond what index.html already loads: its view's scripts, styles and data. */
export interface RoutePreload {
  /** The route's path as the router writes it ('/events/:id'). */
  path: string;
  scripts: string[];
  styles: string[];
  /** Files the view fetches as soon as it runs (the region pack), fetched with the entry instead. */
  fetches: string[];
}

/** Data a module fetches as soon as a screen that imports it runs: `files`, relative to the root. */
export interface DataPreload {
  /** The module (absolute path) whose presence in a view's static imports means the fetch. */
  module: string;
  files: readonly string[];
  /**
   * Modules that import `module` without fetching at once (other stores hold it for later use):
   * the search does not pass through them, so a screen reaching it only through them (sign-in,
   * settings) is not sent files it does not open.
   */
  notThrough?: RegExp;
}

/**
 * The shipped region pack's files (manifest first), as `load-region.ts` fetches them: the
 * manifest and the files it names (`defaults` where it names none), under `regions/<id>/`.
 */
export function regionPackFiles(publicDir: string, id: string, defaults: Readonly<Record<string, string>>): string[] {
  const manifest = JSON.parse(readFileSync(join(publicDir, 'regions', id, 'region.json'), 'utf8')) as { files?: Record<string, string> };
  return [...new Set(['region.json', ...Object.values({ ...defaults, ...manifest.files })])].map((f) => `regions/${id}/${f}`);
}

/**
 * The scripts and styles each route's view needs beyond the entry, written to
 * `route-preloads.json`: the server names them in the index.html it answers a navigation with
 * (`<link rel="modulepreload">`, `<link rel="preload" as="style">`), so on a slow link they come
 * with the entry instead of one round trip after it has run. Routes are read from the router's
 * source (`path: '…'` … `import('./views/….vue')` in one route record).
 *
 * `data`: files a module fetches once a screen importing it runs (the region store and its pack):
 * a route whose view reaches that module through static imports names them too (`<link
 * rel="preload" as="fetch">`), so the home screen's coverage, the map and the report no longer
 * wait for the app's scripts to arrive and run before their data is asked for.
 */
export function routePreloads(routerFile: string, data: readonly DataPreload[] = []): Plugin {
  return {
    name: 'kl-route-preloads',
    apply: 'build',
    generateBundle(_options, bundle) {
      // Whether a view reaches a module through static imports (the module graph, not the chunks:
      // a shared chunk holds modules the view never imports).
      const reaches = (view: string, d: DataPreload): boolean => staticImportsOf((id) => this.getModuleInfo(id), view, d.notThrough).has(d.module);
      const chunks = new Map<string, BundleChunk>();
      for (const [file, out] of Object.entries(bundle)) if (out.type === 'chunk') chunks.set(file, out as unknown as BundleChunk);
      const closure = (roots: string[]): Set<string> => {
        const seen = new Set<string>();
        const stack = [...roots];
        while (stack.length) {
          const file = stack.pop()!;
          if (seen.has(file)) continue;
          seen.add(file);
          stack.push(...(chunks.get(file)?.imports ?? []));
        }
        return seen;
      };
      const cssOf = (files: Set<string>) => new Set([...files].flatMap((f) => [...(chunks.get(f)?.viteMetadata?.importedCss ?? [])]));
      // What index.html already loads: the entry, and what it imports once the frame has painted
      // (boot.ts and its chunks, named in index.html by bootAfterFirstPaint).
      const entries = [...chunks.values()].filter((c) => c.isEntry);
      const entry = closure(entries.flatMap((c) => [c.fileName, ...c.dynamicImports]));
      const entryCss = cssOf(entry);
      const routes: RoutePreload[] = [];
      const source = readFileSync(routerFile, 'utf8');
      for (const m of source.matchAll(/\{\s*path:\s*'([^']+)'[^{}]*?import\('(\.\/views\/[^']+\.vue)'\)/g)) {
        const view = resolve(dirname(routerFile), m[2]!);
        const chunk = [...chunks.values()].find((c) => c.facadeModuleId === view);
        if (!chunk) {
          this.warn(`route preloads: no chunk for ${m[2]} (route ${m[1]})`);
          continue;
        }
        const files = [...closure([chunk.fileName])].filter((f) => !entry.has(f));
        const styles = [...cssOf(new Set([chunk.fileName, ...files]))].filter((f) => !entryCss.has(f));
        const fetches = data.filter((d) => reaches(view, d)).flatMap((d) => d.files);
        routes.push({ path: m[1]!, scripts: files, styles, fetches });
      }
      if (routes.length === 0) this.warn(`route preloads: no route found in ${routerFile}`);
      this.emitFile({ type: 'asset', fileName: ROUTE_PRELOADS_FILE, source: JSON.stringify(routes) });
    },
  };
}
