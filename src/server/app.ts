/**
 * buildApp: the whole server as a Fastify instance that never listens by itself (main.ts calls
 * listen; tests call inject()). Serves the API under /api and, when a built PWA exists, the PWA
 * with an SPA fallback to index.html.
 */
import compress from '@fastify/compress';
import { randomBytes } from 'node:crypto';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ReferenceContext } from '../domain/event.js';
import { MAX_BODY_BYTES } from '../sync/protocol.js';
import { DEFAULT_SCRYPT_N } from './auth/passwords.js';
import { AttemptLimits } from './auth/attempt-limits.js';
import { DAY_MS, DEFAULT_SESSION_IDLE_DAYS, DEFAULT_SESSION_MAX_DAYS } from './auth/sessions.js';
import { newHumanCode } from './auth/tokens.js';
import type { ServerContext } from './context.js';
import { errorBody, installErrorHandler } from './errors.js';
import { installSecurityHeaders, type SecurityHeaderOptions } from './http/security-headers.js';
import { installStrictJsonParser } from './http/strict-json.js';
import { loadRegion, referenceContextOf } from './region.js';
import { indexHtmlWithPreloads } from './route-preloads.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { blobRoutes, type BlobBudget } from './routes/blobs.js';
import { eventRoutes } from './routes/events.js';
import { feedbackRoutes, type FeedbackLimits } from './routes/feedback.js';
import { healthRoutes, type HealthRouteOptions } from './routes/health.js';
import { orgRoutes } from './routes/org.js';
import { syncRoutes } from './routes/sync.js';
import type { Store } from './store/store.js';

export interface RateLimitOptions {
  /** Login attempts per username per window, reset by a success (default 10 per 15 min). */
  loginPerAccount?: number;
  /** Login attempts per address per window (default 100 per 15 min; schools share one address). */
  loginPerAddress?: number;
  /** Setup and join attempts per address per window (default 30 per 15 min). */
  codePerAddress?: number;
  windowMs?: number;
}

/** A secret made once per process for apps not given one (tests; main.ts always passes one). */
const PROCESS_SECRET = randomBytes(32);

export interface AppOptions {
  /** The store; the caller owns it (opens, migrates and closes it). */
  store: Store;
  /** The built PWA to serve; null or a missing directory serves the API only. */
  staticDir?: string | null;
  /** Codes events are checked against; default: the `huidong` region pack and the default taxonomy. */
  refs?: ReferenceContext;
  /** The region id to load when `refs` is not given. */
  region?: string;
  /** The one-time setup code (tests fix it); default: a fresh random code while no admin exists. */
  setupCode?: string;
  /** Fastify logger option; default: off. */
  logger?: FastifyServerOptions['logger'];
  /** The clock (tests); default: the system clock. */
  now?: () => Date;
  /** scrypt cost N for new passwords (tests lower it; default 2^15). */
  scryptN?: number;
  rateLimits?: RateLimitOptions;
  /** Fastify's trustProxy (behind nginx: true or the proxy's addresses), so limits see the real address. */
  trustProxy?: boolean | string;
  /** Sources the Content-Security-Policy allows beyond the app's own; default 天地图 and 高德 tiles. */
  securityHeaders?: SecurityHeaderOptions;
  /** The server secret (invite-code HMAC key; auth/secret.ts); default: one random secret per process. */
  secret?: Buffer;
  /** Token lifetimes in days (default 30 idle, 180 in all). */
  sessionIdleDays?: number;
  sessionMaxDays?: number;
  /** Photo storage budgets; default DEFAULT_BLOB_BUDGET. */
  blobBudget?: BlobBudget;
  /** Limits of the public feedback routes (routes/feedback.ts); default DEFAULT_FEEDBACK_LIMITS. */
  feedbackLimits?: Partial<FeedbackLimits>;
  /** What `GET /api/ready` shows of the backup schedule (main.ts); default none. */
  backupStatus?: HealthRouteOptions['backups'];
}

/** The public feedback page in the build (vite.config.ts: its HTML keeps its source path). */
export const FEEDBACK_PAGE_FILE = path.join('src', 'feedback', 'feedback.html');

/** Files the browser must revalidate on every load, so a new version is seen at once. */
const NO_CACHE = new Set(['sw.js', 'index.html', 'registerSW.js', 'manifest.webmanifest']);

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: MAX_BODY_BYTES,
    trustProxy: opts.trustProxy ?? false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  const now = opts.now ?? (() => new Date());
  const rl = opts.rateLimits ?? {};
  const windowMs = rl.windowMs ?? 15 * 60_000;
  const clock = () => now().getTime();
  const hasAdmin = await opts.store.hasAdmin();
  const ctx: ServerContext = {
    store: opts.store,
    refs: opts.refs ?? referenceContextOf(loadRegion(opts.region ?? 'huidong')),
    now,
    scryptN: opts.scryptN ?? DEFAULT_SCRYPT_N,
    setupCode: hasAdmin ? null : (opts.setupCode ?? newHumanCode()),
    limits: new AttemptLimits(
      opts.store,
      { max: { loginAccount: rl.loginPerAccount ?? 10, loginAddress: rl.loginPerAddress ?? 100, codeAddress: rl.codePerAddress ?? 30 }, windowMs },
      clock,
    ),
    sessions: {
      idleMs: (opts.sessionIdleDays ?? DEFAULT_SESSION_IDLE_DAYS) * DAY_MS,
      maxMs: (opts.sessionMaxDays ?? DEFAULT_SESSION_MAX_DAYS) * DAY_MS,
    },
    secret: opts.secret ?? PROCESS_SECRET,
  };
  app.decorate('kepu', ctx);
  app.decorateRequest('user', null);
  app.decorateRequest('tokenHash', null);
  installErrorHandler(app);
  installStrictJsonParser(app);
  installSecurityHeaders(app, opts.securityHeaders);

  await app.register(compress, { global: true, globalDecompression: false, threshold: 1024 });

  // API answers are per user and change all the time: never cached (blobs set their own header).
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  await app.register(authRoutes);
  await app.register(adminRoutes);
  await app.register(syncRoutes);
  await app.register(eventRoutes);
  await app.register(blobRoutes, opts.blobBudget ? { budget: opts.blobBudget } : {});
  await app.register(orgRoutes);
  await app.register(feedbackRoutes, { ...(opts.feedbackLimits ? { limits: opts.feedbackLimits } : {}), region: opts.region ?? 'huidong' });
  await app.register(healthRoutes, opts.backupStatus ? { backups: opts.backupStatus } : {});

  const staticDir = opts.staticDir ?? null;
  const hasStatic = staticDir !== null && existsSync(path.join(staticDir, 'index.html'));
  let spaShell: ((url: string, reply: FastifyReply) => FastifyReply) | null = null;
  if (hasStatic) {
    await app.register(fastifyStatic, {
      root: staticDir,
      wildcard: true,
      cacheControl: false,
      setHeaders(reply, filePath) {
        const base = path.basename(filePath);
        if (NO_CACHE.has(base) || base === 'feedback.html') reply.header('cache-control', 'no-cache');
        else if (filePath.includes(`${path.sep}assets${path.sep}`) || filePath.includes(`${path.sep}f-assets${path.sep}`))
          reply.header('cache-control', 'public, max-age=31536000, immutable');
        else reply.header('cache-control', 'public, max-age=3600');
      },
    });
    // A navigation gets index.html naming its route's files (route-preloads.ts); '/' too.
    const htmlFor = indexHtmlWithPreloads(staticDir);
    spaShell = (url, reply) => reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(htmlFor(url));
    app.get('/', (req, reply) => spaShell!(req.url.split('?')[0]!, reply));
    // The public feedback page (issue 15): /f/<code> and /f/q/<查询码> get its own page, never the
    // app's shell (security-headers.ts gives it its own, narrower policy).
    const feedbackHtml = path.join(staticDir, FEEDBACK_PAGE_FILE);
    if (existsSync(feedbackHtml)) {
      const page = readFileSync(feedbackHtml, 'utf8');
      const sendPage = (_req: unknown, reply: FastifyReply) => reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(page);
      app.get('/f', sendPage);
      app.get('/f/*', sendPage);
    } else {
      app.log.warn({ staticDir }, 'the build has no public feedback page (src/feedback); /f/ links answer 404');
    }
  } else if (staticDir !== null) {
    app.log.warn({ staticDir }, 'no built PWA (index.html) in STATIC_DIR; serving the API only — run `npm run build`');
  }

  app.setNotFoundHandler(async (req, reply) => {
    const url = req.url.split('?')[0]!;
    const isApi = url === '/api' || url.startsWith('/api/');
    const lastSegment = url.slice(url.lastIndexOf('/') + 1);
    // SPA fallback: a client-side route (no file extension) gets the app shell.
    if (!isApi && spaShell && (req.method === 'GET' || req.method === 'HEAD') && !lastSegment.includes('.')) {
      return spaShell(url, reply);
    }
    return reply.status(404).send(errorBody('notFound', `No route ${req.method} ${url}.`));
  });

  if (ctx.setupCode !== null) {
    app.log.warn(`No administrator yet. One-time setup code: ${ctx.setupCode} (POST /api/setup or open the app's setup page)`);
  }
  return app;
}
