/**
 * The index.html a navigation is answered with, naming the files that route's view needs: the
 * build writes them per route (route-preloads.json, src/build/vite-plugins.ts `routePreloads`),
 * and this adds `<link rel="modulepreload">` (scripts), `<link rel="preload" as="style">`
 * (stylesheets: fetched early, not render-blocking, so the boot frame still paints at once) and
 * `<link rel="preload" as="fetch">` (data the view fetches at once: the region pack) to the head.
 * On a slow link the view's files then come with the entry, not one round trip after the entry
 * has run. A build without the file, or a path no route matches, gets index.html as is.
 * The service worker answers later navigations from its precached index.html (no hints needed:
 * every file is local by then).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One route's files beyond index.html's, as the build writes them (paths relative to the root). */
interface RoutePreload {
  path: string;
  scripts: string[];
  styles: string[];
  /** Optional (builds before it had none). */
  fetches?: string[];
}

const isRoutePreload = (v: unknown): v is RoutePreload =>
  !!v &&
  typeof v === 'object' &&
  typeof (v as RoutePreload).path === 'string' &&
  Array.isArray((v as RoutePreload).scripts) &&
  Array.isArray((v as RoutePreload).styles) &&
  ((v as RoutePreload).fetches === undefined || Array.isArray((v as RoutePreload).fetches));

/** A router path ('/events/:id') as a matcher of request paths. */
function matcher(routePath: string): RegExp {
  const body = routePath
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body === '' ? '/' : body}/?$`);
}

const safeFile = (f: unknown): f is string => typeof f === 'string' && /^[\w./-]+$/.test(f) && !f.includes('..');

/** Returns `htmlFor(requestPath)`, reading index.html and route-preloads.json from `staticDir` once. */
export function indexHtmlWithPreloads(staticDir: string): (requestPath: string) => string {
  const html = readFileSync(path.join(staticDir, 'index.html'), 'utf8');
  const file = path.join(staticDir, 'route-preloads.json');
  let routes: { match: RegExp; links: string }[] = [];
  if (existsSync(file)) {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    routes = (Array.isArray(parsed) ? parsed.filter(isRoutePreload) : []).map((r) => ({
      match: matcher(r.path),
      links: [
        ...r.scripts.filter(safeFile).map((f) => `<link rel="modulepreload" fetchpriority="low" crossorigin href="/${f}">`),
        ...r.styles.filter(safeFile).map((f) => `<link rel="preload" as="style" crossorigin href="/${f}">`),
        // crossorigin: fetch() asks in CORS mode, and a preload is used only when the modes match.
        ...(r.fetches ?? []).filter(safeFile).map((f) => `<link rel="preload" as="fetch" crossorigin href="/${f}">`),
      ].join(''),
    }));
  }
  const cache = new Map<string, string>();
  return (requestPath) => {
    const route = routes.find((r) => r.match.test(requestPath));
    if (!route || route.links === '') return html;
    let out = cache.get(route.links);
    if (out === undefined) {
      out = html.replace('</head>', `${route.links}</head>`);
      cache.set(route.links, out);
    }
    return out;
  };
}
