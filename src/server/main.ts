/**
 * The server process: reads the environment (config.ts), opens the store (SQLite under DATA_DIR,
 * or PostgreSQL when DATABASE_URL is set), migrates it, serves the PWA and the API on one port,
 * and on SIGTERM/SIGINT stops accepting connections, finishes in-flight requests, then closes
 * the database.
 */
import path from 'node:path';
import { buildApp } from './app.js';
import { loadSecret, secretMatchesStore } from './auth/secret.js';
import { startBlobSweeper } from './blob-sweep.js';
import { SQLITE_FILE, readConfig } from './config.js';
import { defaultRegionDirs, loadRegion, referenceContextOf } from './region.js';
import { PostgresStore } from './store/postgres.js';
import { SqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';

/** How long shutdown may wait for in-flight requests before giving up. */
const SHUTDOWN_GRACE_MS = 30_000;

async function main(): Promise<void> {
  const config = readConfig();
  const store: Store = config.databaseUrl
    ? new PostgresStore({ connectionString: config.databaseUrl })
    : new SqliteStore({ file: path.join(config.dataDir, SQLITE_FILE) });
  await store.migrate();
  const secret = loadSecret(config.secretKey, config.dataDir);
  const region = loadRegion(config.region, defaultRegionDirs(config.staticDir));
  const app = await buildApp({
    store,
    staticDir: config.staticDir,
    refs: referenceContextOf(region),
    logger: { level: config.logLevel },
    trustProxy: config.trustProxy,
    securityHeaders: { tileSources: config.cspTileSources, connectSources: config.cspConnectSources },
    secret: secret.key,
    sessionIdleDays: config.sessionIdleDays,
    sessionMaxDays: config.sessionMaxDays,
    blobBudget: config.blobBudget,
  });
  app.log.info(
    {
      store: store.kind,
      dataDir: store.kind === 'sqlite' ? config.dataDir : undefined,
      region: region.id,
      townships: region.townshipCodes.size,
      staticDir: config.staticDir,
    },
    'starting',
  );
  if (secret.source === 'created') app.log.info({ file: secret.file }, 'created the server secret (keep it with backups; give every server over one database the same SECRET_KEY)');
  if (!(await secretMatchesStore(store, secret.key))) {
    app.log.error(
      { secretFrom: secret.source === 'env' ? 'SECRET_KEY' : secret.file },
      'this server\'s secret differs from the one this database was first used with: invite codes made by other servers (or before the change) are refused here. Give every server the same SECRET_KEY.',
    );
  }

  // Photos no event names are removed after the grace period (hourly, and once at start).
  const stopSweeper = startBlobSweeper({
    store,
    graceDays: config.blobGraceDays,
    report: (r) => {
      if (r instanceof Error) app.log.error({ err: r }, 'photo sweep failed');
      else if (r.owners > 0 || r.blobs > 0) app.log.info(r, 'photo sweep');
    },
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      app.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      app.log.error('in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    app
      .close()
      .then(() => stopSweeper())
      .then(() => store.close())
      .then(() => {
        app.log.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  if (app.kepu.setupCode !== null) {
    process.stdout.write(
      `\n  科普台账: no administrator yet.\n  One-time setup code: ${app.kepu.setupCode}\n  Open http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/ and set up the association (or POST /api/setup).\n\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`server failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
