/**
 * Restore the ledger from a backup, with the server stopped:
 *
 *   npm run restore -- FILE              # SQLite: FILE (from npm run backup) becomes the ledger
 *   npm run restore -- --renew-epoch     # after pg_restore (DATABASE_URL set), or in place
 *
 * Either way the restored ledger gets a NEW epoch (table `ledger`). Every phone sends its epoch
 * with each push and pull; on seeing a new one it sends back every row it holds (the server takes
 * what the backup lacks, src/server/sync/plan-recovery.ts) and pulls again from rev 0 — so changes
 * made after the backup come back from the phones that still hold them. Restoring the same backup
 * twice gives two different epochs, which is what makes the second restore visible too.
 *
 * The SQLite ledger that was live is not deleted: it is moved to DATA_DIR/backups/pre-restore-<time>/.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SQLITE_FILE, readConfig } from './config.js';
import { PostgresStore } from './store/postgres.js';
import { SqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';

/** A fresh epoch: 128 random bits as lower-case hex (the format the protocol expects). */
export function newEpoch(): string {
  return randomBytes(16).toString('hex');
}

export interface RestoreResult {
  /** The live database file (SQLite) or the database URL's host/db (PostgreSQL). */
  ledger: string;
  epoch: string;
  previousEpoch: string | null;
  /** Where the replaced SQLite files went (null when there were none). */
  movedAside: string | null;
}

function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

function checkIntegrity(file: string): void {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    if (integrity !== 'ok') throw new Error(`${file} failed its integrity check: ${integrity}`);
    db.prepare('SELECT count(*) FROM events').get();
  } catch (e) {
    throw new Error(`${file} is not a Kepu Ledger backup: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  } finally {
    db.close();
  }
}

async function renew(store: Store, now: Date): Promise<{ epoch: string; previousEpoch: string | null }> {
  await store.migrate();
  const previousEpoch = (await store.ledger()).epoch;
  const epoch = await store.renewEpoch(newEpoch(), now.toISOString());
  return { epoch, previousEpoch };
}

/**
 * Makes `backupFile` the SQLite ledger in `dataDir` (the server must be stopped): checks it, moves
 * the live files aside, copies the backup in, migrates it forward and gives it a new epoch.
 */
export async function restoreSqlite(backupFile: string, dataDir: string, now = new Date()): Promise<RestoreResult> {
  if (!existsSync(backupFile)) throw new Error(`no backup at ${backupFile}`);
  checkIntegrity(backupFile);
  const live = path.join(dataDir, SQLITE_FILE);
  let movedAside: string | null = null;
  const present = [live, `${live}-wal`, `${live}-shm`].filter((f) => existsSync(f));
  if (present.length) {
    const base = path.join(dataDir, 'backups', `pre-restore-${stamp(now)}`);
    movedAside = base;
    for (let n = 2; existsSync(movedAside); n++) movedAside = `${base}-${n}`;
    mkdirSync(movedAside, { recursive: true });
    for (const f of present) renameSync(f, path.join(movedAside, path.basename(f)));
  }
  mkdirSync(dataDir, { recursive: true });
  const tmp = `${live}.restoring`;
  copyFileSync(backupFile, tmp);
  renameSync(tmp, live);
  const store = new SqliteStore({ file: live });
  try {
    const r = await renew(store, now);
    return { ledger: live, movedAside, ...r };
  } finally {
    await store.close();
  }
}

/** Gives an already restored ledger (pg_restore, or a file copied by hand) a new epoch. */
export async function renewEpochOf(store: Store, label: string, now = new Date()): Promise<RestoreResult> {
  const r = await renew(store, now);
  return { ledger: label, movedAside: null, ...r };
}

/** Whether a server answers on the configured address (then a restore must not run). */
async function serverIsUp(host: string, port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/api/health`, { signal: AbortSignal.timeout(1500) });
    return res.ok;
  } catch {
    return false;
  }
}

async function cli(argv: string[]): Promise<number> {
  const config = readConfig();
  const renewOnly = argv.includes('--renew-epoch');
  const file = argv.find((a) => !a.startsWith('--'));
  if (!renewOnly && !file) {
    process.stderr.write(
      'usage: npm run restore -- FILE        (SQLite backup made by npm run backup)\n       npm run restore -- --renew-epoch (after pg_restore, or a file copied by hand)\n',
    );
    return 2;
  }
  if (await serverIsUp(config.host, config.port)) {
    process.stderr.write(`a server answers on ${config.host}:${config.port}: stop it first (SIGTERM), then restore.\n`);
    return 2;
  }
  let result: RestoreResult;
  if (config.databaseUrl) {
    if (!renewOnly) {
      process.stderr.write(
        'DATABASE_URL is set: restore PostgreSQL with\n  pg_restore --clean --if-exists --dbname="$DATABASE_URL" ledger.dump\nthen run  npm run restore -- --renew-epoch\n',
      );
      return 2;
    }
    const store = new PostgresStore({ connectionString: config.databaseUrl });
    try {
      result = await renewEpochOf(store, new URL(config.databaseUrl).pathname.slice(1) || 'postgres');
    } finally {
      await store.close();
    }
  } else if (renewOnly) {
    const store = new SqliteStore({ file: path.join(config.dataDir, SQLITE_FILE) });
    try {
      result = await renewEpochOf(store, path.join(config.dataDir, SQLITE_FILE));
    } finally {
      await store.close();
    }
  } else {
    result = await restoreSqlite(path.resolve(file!), config.dataDir);
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`restore failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
