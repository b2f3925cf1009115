/**
 * The server process: reads the environment (config.ts), opens the store (SQLite under DATA_DIR,
 * or PostgreSQL when DATABASE_URL is set), migrates it (upgrade.ts: a newer schema is refused, a
 * SQLite ledger about to be migrated is copied first), serves the PWA and the API on one port,
 * backs SQLite up on a schedule (backup-schedule.ts), and on SIGTERM/SIGINT stops accepting
 * connections, finishes in-flight requests, then closes the database.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from './app.js';
import { loadSecret, secretMatchesStore } from './auth/secret.js';
import { startBackupSchedule, type BackupSchedule } from './backup-schedule.js';
import { startBlobSweeper } from './blob-sweep.js';
import { startFeedbackSweeper } from './routes/feedback.js';
import { SQLITE_FILE, readConfig } from './config.js';
import { loggerOptions } from './log-format.js';
import { REPO_ROOT, defaultRegionDirs, loadRegion, referenceContextOf } from './region.js';
import { PostgresStore } from './store/postgres.js';
import { SqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';
import { appliedPostgresVersions, assertKnownSchema, backupBeforeUpgrade, type PreUpgradeCopy } from './upgrade.js';

/** How long shutdown may wait for in-flight requests before giving up. */
const SHUTDOWN_GRACE_MS = 30_000;

/** The release's version (package.json beside dist-server/, in the repository and in the archive). */
function releaseVersion(): string {
  try {
    return String((JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: unknown }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const sqliteFile = path.join(config.dataDir, SQLITE_FILE);
  const backupsDir = path.join(config.dataDir, 'backups');
  // Before anything is written: refuse a schema from a newer release; copy a SQLite ledger that
  // is about to be migrated, so going back to the older release is a restore of that copy.
  let preUpgrade: PreUpgradeCopy | null = null;
  if (config.databaseUrl) assertKnownSchema(await appliedPostgresVersions(config.databaseUrl), 'postgres');
  else preUpgrade = await backupBeforeUpgrade(sqliteFile, backupsDir);
  const store: Store = config.databaseUrl ? new PostgresStore({ connectionString: config.databaseUrl }) : new SqliteStore({ file: sqliteFile });
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => undefined);
    const copy = preUpgrade ? `; the copy made before it is ${preUpgrade.file}` : '';
    throw new Error(`migrating the database failed and changed nothing${copy}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const secret = loadSecret(config.secretKey, config.dataDir);
  const region = loadRegion(config.region, defaultRegionDirs(config.staticDir));
  let backups: BackupSchedule | null = null;
  const app = await buildApp({
    store,
    staticDir: config.staticDir,
    refs: referenceContextOf(region),
    logger: loggerOptions(config.logLevel, config.logFormat),
    trustProxy: config.trustProxy,
    securityHeaders: { tileSources: config.cspTileSources, connectSources: config.cspConnectSources },
    secret: secret.key,
    sessionIdleDays: config.sessionIdleDays,
    sessionMaxDays: config.sessionMaxDays,
    blobBudget: config.blobBudget,
    region: config.region,
    feedbackLimits: config.feedbackLimits,
    backupStatus: () => backups?.status() ?? null,
  });
  app.log.info(
    {
      version: releaseVersion(),
      store: store.kind,
      dataDir: store.kind === 'sqlite' ? config.dataDir : undefined,
      region: region.id,
      townships: region.townshipCodes.size,
      staticDir: config.staticDir,
      backups: store.kind === 'sqlite' && config.backupEveryHours > 0 ? { everyHours: config.backupEveryHours, keep: config.backupKeep } : 'off',
    },
    'starting',
  );
  if (preUpgrade) {
    app.log.info(
      { file: preUpgrade.file, fromSchema: preUpgrade.fromSchema, toSchema: preUpgrade.toSchema, events: preUpgrade.events },
      'migrated the ledger to this release; the copy made before the upgrade is kept in backups/',
    );
  }
  if (secret.source === 'created')
    app.log.info({ file: secret.file }, 'created the server secret (keep it with backups; give every server over one database the same SECRET_KEY)');
  if (!(await secretMatchesStore(store, secret.key))) {
    app.log.error(
      { secretFrom: secret.source === 'env' ? 'SECRET_KEY' : secret.file },
      "this server's secret differs from the one this database was first used with: invite codes made by other servers (or before the change) are refused here. Give every server the same SECRET_KEY.",
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

  // Feedback (issue 15): personal data anonymised after the retention period; codes of events
  // ingested before the feedback tables recorded (hourly, and once at start).
  const stopFeedbackSweeper = startFeedbackSweeper({
    store,
    report: (r) => {
      if (r instanceof Error) app.log.error({ err: r }, 'feedback sweep failed');
      else if (r.anonymised > 0 || r.codesRecorded > 0) app.log.info(r, 'feedback sweep');
    },
  });

  // Scheduled online copies of the SQLite ledger into DATA_DIR/backups (PostgreSQL: pg_dump).
  if (store.kind === 'sqlite' && config.backupEveryHours > 0) {
    backups = startBackupSchedule({
      source: sqliteFile,
      dir: backupsDir,
      everyHours: config.backupEveryHours,
      keep: config.backupKeep,
      report: (r) => {
        if (r instanceof Error) app.log.error({ err: r }, 'scheduled backup failed; the previous copies are kept');
        else
          app.log.info({ file: r.file, bytes: r.bytes, events: r.events, blobs: r.blobs, removed: r.removed.map((f) => path.basename(f)) }, 'scheduled backup');
      },
    });
  } else if (store.kind === 'postgres') {
    app.log.info('scheduled backups are made for SQLite only: back PostgreSQL up with pg_dump (see the deployment guide)');
  }

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
      .then(() => stopFeedbackSweeper())
      .then(() => backups?.stop())
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
