/**
 * Online backup of the SQLite ledger while the server runs:
 *
 *   npm run backup                      # → DATA_DIR/backups/ledger-<UTC time>.sqlite
 *   node dist-server/server/backup.js --out /mnt/usb/ledger.sqlite
 *
 * Uses SQLite's online backup API (better-sqlite3 `db.backup()`), which copies a consistent
 * snapshot page by page while other connections keep reading and writing; the copy is then
 * checked with `PRAGMA integrity_check`. Restore: `npm run restore -- FILE` (restore.ts). For PostgreSQL
 * (DATABASE_URL set) use pg_dump instead; this command says so and exits.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SQLITE_FILE, readConfig } from './config.js';

export interface BackupResult {
  file: string;
  bytes: number;
  events: number;
  blobs: number;
  integrity: string;
}

/** Copies `source` (a live SQLite database) to `dest` consistently and verifies the copy. */
export async function backupSqlite(source: string, dest: string): Promise<BackupResult> {
  if (!existsSync(source)) throw new Error(`no database at ${source}`);
  if (existsSync(dest)) throw new Error(`refusing to overwrite ${dest}`);
  mkdirSync(path.dirname(path.resolve(dest)), { recursive: true });
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(dest);
  } finally {
    db.close();
  }
  const copy = new Database(dest, { fileMustExist: true });
  try {
    // One self-contained file (no -wal/-shm beside it); the server turns WAL back on when it opens it.
    copy.pragma('journal_mode = DELETE');
    // The copy gets an epoch of its own (when the schema has one): put back by hand in place of
    // the live file, it still tells every phone that the ledger went back in time. npm run restore
    // gives a fresh epoch again, so restoring the same copy twice is seen twice.
    const hasLedger = copy.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger'").get() !== undefined;
    if (hasLedger)
      copy.prepare('UPDATE ledger SET epoch = ?, epoch_started_at = ? WHERE id = 1').run(randomBytes(16).toString('hex'), new Date().toISOString());
    const integrity = String(copy.pragma('integrity_check', { simple: true }));
    const events = Number((copy.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n);
    const blobs = Number((copy.prepare('SELECT count(*) AS n FROM blobs').get() as { n: number }).n);
    if (integrity !== 'ok') throw new Error(`backup ${dest} failed its integrity check: ${integrity}`);
    return { file: path.resolve(dest), bytes: statSync(dest).size, events, blobs, integrity };
  } finally {
    copy.close();
  }
}

function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

async function cli(argv: string[]): Promise<number> {
  const config = readConfig();
  if (config.databaseUrl) {
    process.stderr.write(
      'DATABASE_URL is set: the ledger lives in PostgreSQL. Back it up with\n' +
        '  pg_dump --format=custom --file=ledger.dump "$DATABASE_URL"\n' +
        'and restore (server stopped) with\n  pg_restore --clean --if-exists --dbname="$DATABASE_URL" ledger.dump\n  npm run restore -- --renew-epoch\n',
    );
    return 2;
  }
  const i = argv.indexOf('--out');
  const dest = i >= 0 && argv[i + 1] ? argv[i + 1]! : path.join(config.dataDir, 'backups', `ledger-${stamp(new Date())}.sqlite`);
  const result = await backupSqlite(path.join(config.dataDir, SQLITE_FILE), dest);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`backup failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
