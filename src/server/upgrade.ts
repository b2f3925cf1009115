/**
 * What the server does before it migrates a ledger forward (main.ts, at start):
 * - it refuses a database whose schema is NEWER than this release knows (an older release started
 *   over a newer data directory would write rows the newer schema does not expect); the operator
 *   runs the newer release again, or restores the pre-upgrade copy;
 * - on SQLite, when migrations are pending over an existing ledger, it first makes an online copy,
 *   DATA_DIR/backups/pre-upgrade-<UTC time>-schema-<NNN>.sqlite (backupSqlite, integrity-checked),
 *   so going back to the older release is a `restore` of that file.
 * A migration that fails leaves the database as it was: SQLite applies all pending migrations in
 * one transaction (store/sqlite.ts), PostgreSQL too (store/postgres.ts).
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { backupSqlite, type BackupResult } from './backup.js';
import { backupStamp } from './backup-schedule.js';
import { loadMigrations } from './store/migrations.js';

/** The migrations a database has applied, or null for a new database (no schema_migrations yet). */
export function appliedSqliteVersions(file: string): number[] | null {
  if (!existsSync(file)) return null;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
    if (!has) return null;
    return (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => Number(r.version));
  } finally {
    db.close();
  }
}

/** The same for PostgreSQL (the `public` schema main.ts uses, or `schema`). */
export async function appliedPostgresVersions(connectionString: string, schema = 'public'): Promise<number[] | null> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const has = await client.query('SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [schema, 'schema_migrations']);
    if (has.rowCount === 0) return null;
    const rows = await client.query(`SELECT version FROM "${schema.replace(/"/g, '""')}".schema_migrations ORDER BY version`);
    return rows.rows.map((r: { version: number }) => Number(r.version));
  } finally {
    await client.end();
  }
}

/**
 * Throws when `applied` holds a migration this release does not have (numbers may leave gaps — see
 * migrations.ts —, so any applied number outside this release's list counts, not only a higher one).
 */
export function assertKnownSchema(applied: readonly number[] | null, kind: 'sqlite' | 'postgres'): void {
  if (!applied || applied.length === 0) return;
  const versions = loadMigrations(kind).map((m) => m.version);
  const known = new Set(versions);
  const unknown = applied.filter((v) => !known.has(v));
  if (unknown.length) {
    const pad = (n: number) => String(n).padStart(3, '0');
    throw new Error(
      `this database has schema ${pad(Math.max(...unknown))} but this release knows only up to ${pad(Math.max(...versions))}: it was written by a newer release. ` +
        'Start the newer release again, or restore the pre-upgrade copy from backups/ with this one (see the deployment guide, "Upgrades").',
    );
  }
}

export interface PreUpgradeCopy extends BackupResult {
  fromSchema: number;
  toSchema: number;
}

/**
 * SQLite: when `file` holds a ledger with migrations pending, copies it to
 * `backupsDir/pre-upgrade-<time>-schema-<NNN>.sqlite` and answers the copy; null when there is
 * nothing to migrate (or no ledger yet). Throws, before anything changed, on a newer schema.
 */
export async function backupBeforeUpgrade(file: string, backupsDir: string, now = new Date()): Promise<PreUpgradeCopy | null> {
  const applied = appliedSqliteVersions(file);
  assertKnownSchema(applied, 'sqlite');
  if (!applied || applied.length === 0) return null;
  const known = loadMigrations('sqlite').map((m) => m.version);
  const done = new Set(applied);
  if (known.every((v) => done.has(v))) return null;
  const fromSchema = Math.max(...applied);
  const dest = path.join(backupsDir, `pre-upgrade-${backupStamp(now)}-schema-${String(fromSchema).padStart(3, '0')}.sqlite`);
  const copy = await backupSqlite(file, dest);
  return { ...copy, fromSchema, toSchema: Math.max(...known) };
}
