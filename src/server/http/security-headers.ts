/**
 * Security headers on every answer: a Content-Security-Policy that allows only what the app
 * loads, nosniff, a Referrer-Policy, no framing, a Permissions-Policy, and HSTS over TLS.
 *
 * What the built app loads (checked against dist/ and every route in tests/e2e/csp.e2e.ts):
 * - scripts, styles, fonts, the manifest and the region packs from its own origin; index.html
 *   has no inline script (vite-plugin-pwa runs with injectRegister: false) and nothing in the
 *   build needs eval, so script-src is 'self' alone;
 * - images from its own origin, data: URLs (small SVG and PNG inlined into the CSS: the select
 *   chevron, Leaflet's layer icons) and blob: URLs (photo thumbnails and the detail view's
 *   photos), plus the base-map tile hosts;
 * - fetches to its own origin, to the tile hosts (the service worker fetches tiles to cache
 *   them, and a worker's fetches fall under connect-src of its own policy, which is this one:
 *   sw.js is served with it) and to any sync server on another origin the admin names;
 * - one worker, the service worker at /sw.js (photos are resized on the main thread).
 * The phone chooses its base map (天地图, 高德 or a custom template) where the server cannot see,
 * so the tile hosts are configuration (CSP_TILE_SOURCES), defaulting to 天地图 and 高德.
 *
 * API answers are JSON or photo bytes, never a page: their policy allows nothing at all.
 */
import type { FastifyInstance } from 'fastify';

/** 天地图 (t0–t7.tianditu.gov.cn) and 高德 (webrd01–04.is.autonavi.com), as base-map.ts builds them. */
export const DEFAULT_TILE_SOURCES: readonly string[] = ['https://*.tianditu.gov.cn', 'https://*.is.autonavi.com'];

export interface SecurityHeaderOptions {
  /** CSP sources base-map tiles come from (img-src and connect-src). */
  readonly tileSources: readonly string[];
  /** Further CSP sources the app may fetch from (connect-src), e.g. a sync server on another origin. */
  readonly connectSources: readonly string[];
}

export const DEFAULT_SECURITY_HEADER_OPTIONS: SecurityHeaderOptions = { tileSources: DEFAULT_TILE_SOURCES, connectSources: [] };

/**
 * A CSP host-source or scheme-source as an administrator writes one: `https:`, `https://tiles.example.cn`,
 * `https://*.example.cn:8443`, `tiles.example.cn/wmts/` — no quotes, keywords, `;` or `,` (which
 * would end the directive or smuggle another one into the header).
 */
const SOURCE_EXPRESSION =
  /^(?:[a-z][a-z0-9+.-]*:|(?:[a-z][a-z0-9+.-]*:\/\/)?(?:\*|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(?:[0-9]{1,5}|\*))?(?:\/[^\s;,'"]*)?)$/i;

/**
 * Reads a list of CSP sources from an environment variable: separated by spaces or commas;
 * unset or blank gives `fallback`, `none` gives no sources. Throws on anything that is not a
 * host-source or scheme-source, naming the variable.
 */
export function parseCspSources(name: string, value: string | undefined, fallback: readonly string[]): string[] {
  const v = (value ?? '').trim();
  if (v === '') return [...fallback];
  if (v.toLowerCase() === 'none') return [];
  const sources = v.split(/[\s,]+/).filter((s) => s !== '');
  for (const s of sources) {
    if (!SOURCE_EXPRESSION.test(s))
      throw new Error(`${name}: "${s}" is not a CSP host or scheme source (e.g. https://tiles.example.cn or https://*.example.cn)`);
  }
  return sources;
}

/** The policy of the app shell and every static file (sw.js included). */
export function appContentSecurityPolicy(opts: SecurityHeaderOptions): string {
  const list = (...sources: readonly string[]) => [...new Set(sources)].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${list("'self'", 'data:', 'blob:', ...opts.tileSources)}`,
    "font-src 'self'",
    `connect-src ${list("'self'", ...opts.tileSources, ...opts.connectSources)}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** API answers (JSON, photo bytes) are never documents: nothing may load or run in them. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * Geolocation suggests the township; camera is the photo field's (it opens the camera through
 * `<input capture>`; allowing it to our own origin keeps that working whatever a browser ties to
 * the policy); clipboard-write copies invite codes and report text. Everything else is off.
 */
export const PERMISSIONS_POLICY = [
  'geolocation=(self)',
  'camera=(self)',
  'clipboard-write=(self)',
  'microphone=()',
  'clipboard-read=()',
  'display-capture=()',
  'fullscreen=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'hid=()',
  'midi=()',
  'accelerometer=()',
  'gyroscope=()',
  'magnetometer=()',
  'autoplay=()',
  'encrypted-media=()',
  'picture-in-picture=()',
  'publickey-credentials-get=()',
  'screen-wake-lock=()',
  'idle-detection=()',
  'xr-spatial-tracking=()',
  'browsing-topics=()',
].join(', ');

/**
 * A year, renewed on every answer. No includeSubDomains: other hosts under a county's domain are
 * not ours to force onto HTTPS; no preload for the same reason.
 */
export const HSTS = 'max-age=31536000';

/**
 * The public feedback page (/f/…, its files under /f-assets/; issue 15): a stranger's page that
 * loads its own script and stylesheet and talks to its own origin, nothing else — no images from
 * tile hosts, no workers, no manifest.
 */
export const FEEDBACK_PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The feedback page asks for no device feature at all. */
export const FEEDBACK_PERMISSIONS_POLICY = PERMISSIONS_POLICY.replace(/=\(self\)/g, '=()');

/** Whether a request path is the public feedback page or one of its files. */
export function isFeedbackPagePath(url: string): boolean {
  return url === '/f' || url.startsWith('/f/') || url.startsWith('/f?') || url.startsWith('/f-assets/');
}

/** Headers on every answer, API or not. */
const COMMON = {
  'x-content-type-options': 'nosniff',
  // Not no-referrer: a 天地图 browser key is bound to the site's domain, which the tile server
  // checks in the Referer. Cross-origin requests carry the origin only, never a path (an event id).
  'referrer-policy': 'strict-origin-when-cross-origin',
  // frame-ancestors for browsers that read CSP; this for old Android WebViews that do not.
  'x-frame-options': 'DENY',
} as const;

/** The headers of an app answer (shell, asset, sw.js) and of an API answer, before HSTS. */
export function securityHeadersOf(opts: SecurityHeaderOptions): { app: Record<string, string>; api: Record<string, string>; feedback: Record<string, string> } {
  return {
    app: { ...COMMON, 'content-security-policy': appContentSecurityPolicy(opts), 'permissions-policy': PERMISSIONS_POLICY },
    api: { ...COMMON, 'content-security-policy': API_CONTENT_SECURITY_POLICY },
    feedback: { ...COMMON, 'content-security-policy': FEEDBACK_PAGE_CONTENT_SECURITY_POLICY, 'permissions-policy': FEEDBACK_PERMISSIONS_POLICY },
  };
}

/**
 * Adds the headers to every answer of `app` (call before registering routes). HSTS only when
 * the request came over TLS: `req.protocol` is 'https' on a TLS socket, or behind a proxy that
 * says so in X-Forwarded-Proto when TRUST_PROXY trusts it; over plain HTTP the header is ignored
 * by browsers anyway and would mislead.
 */
export function installSecurityHeaders(app: FastifyInstance, opts: SecurityHeaderOptions = DEFAULT_SECURITY_HEADER_OPTIONS): void {
  const headers = securityHeadersOf(opts);
  app.addHook('onSend', async (req, reply) => {
    const url = req.url;
    const isApi = url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
    void reply.headers(isApi ? headers.api : isFeedbackPagePath(url) ? headers.feedback : headers.app);
    if (req.protocol === 'https') void reply.header('strict-transport-security', HSTS);
  });
}
