/**
 * Before migrating (upgrade.ts, called by main.ts): a SQLite ledger written by an older schema is
 * copied aside first; a database written by a NEWER release is refused before anything is written,
 * on SQLite and PostgreSQL. (The whole upgrade — an older release's server writing data that the
 * packaged new one opens and syncs, and a broken migration changing nothing — runs in
 * tests/e2e/upgrade.e2e.ts.)
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadMigrations } from '../../src/server/store/migrations';
import { PostgresStore } from '../../src/server/store/postgres';
import { SqliteStore } from '../../src/server/store/sqlite';
import { appliedPostgresVersions, appliedSqliteVersions, assertKnownSchema, backupBeforeUpgrade } from '../../src/server/upgrade';
import { TEST_PG_URL, newId, postgresHandle } from './helpers';

/** The newest migration (numbers may leave gaps: migrations.ts). */
const KNOWN = Math.max(...loadMigrations('sqlite').map((m) => m.version));
const pad = (n: number) => String(n).padStart(3, '0');
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kl-upgrade-'));
  file = path.join(dir, 'ledger.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A ledger as the release with migrations 001–`upTo` left it, with one org, user and event. */
function oldLedger(upTo: number): void {
  const db = new Database(file);
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  for (const m of loadMigrations('sqlite').slice(0, upTo)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, '2024-01-01T00:00:00.000Z');
  }
  const org = newId();
  const user = newId();
  db.prepare('INSERT INTO orgs (id, name, created_at) VALUES (?, ?, ?)').run(org, '惠东县科协', '2024-01-01T00:00:00.000Z');
  db.prepare("INSERT INTO users (id, org_id, role, name, username, password_hash, created_at) VALUES (?, ?, 'admin', 'a', 'admin', 'x', ?)").run(
    user,
    org,
    '2024-01-01T00:00:00.000Z',
  );
  db.prepare('INSERT INTO events (id, org_id, rev, created_by, deleted, data) VALUES (?, ?, 1, ?, 0, ?)').run(newId(), org, user, '{}');
  db.close();
}

describe('before migrating a SQLite ledger', () => {
  test('a ledger of an older schema is copied to backups/pre-upgrade-<time>-schema-<NNN>.sqlite, then migrates', async () => {
    oldLedger(3);
    const copy = await backupBeforeUpgrade(file, path.join(dir, 'backups'), new Date('2024-06-01T08:00:00.000Z'));
    expect(copy && { ...copy, bytes: copy.bytes > 0 }).toEqual({
      file: path.join(dir, 'backups', 'pre-upgrade-20240601T080000Z-schema-003.sqlite'),
      bytes: true,
      events: 1,
      blobs: 0,
      integrity: 'ok',
      fromSchema: 3,
      toSchema: KNOWN,
    });
    expect(appliedSqliteVersions(copy!.file)).toEqual([1, 2, 3]);
    const store = new SqliteStore({ file });
    await store.migrate();
    await store.close();
    expect(appliedSqliteVersions(file)).toEqual(loadMigrations('sqlite').map((m) => m.version));
    // Up to date now: no second copy.
    expect(await backupBeforeUpgrade(file, path.join(dir, 'backups'))).toBeNull();
    expect(readdirSync(path.join(dir, 'backups'))).toEqual(['pre-upgrade-20240601T080000Z-schema-003.sqlite']);
  });

  test('no copy for a new data directory or an empty file', async () => {
    expect(await backupBeforeUpgrade(file, path.join(dir, 'backups'))).toBeNull();
    new Database(file).close();
    expect(await backupBeforeUpgrade(file, path.join(dir, 'backups'))).toBeNull();
    expect(existsSync(path.join(dir, 'backups'))).toBe(false);
  });

  test('a ledger written by a newer release is refused and left untouched', async () => {
    oldLedger(KNOWN);
    const db = new Database(file);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(KNOWN + 1, 'from-the-future', '2025-01-01T00:00:00.000Z');
    db.close();
    const before = sha(file);
    await expect(backupBeforeUpgrade(file, path.join(dir, 'backups'))).rejects.toThrow(
      `this database has schema ${pad(KNOWN + 1)} but this release knows only up to ${pad(KNOWN)}: it was written by a newer release. ` +
        'Start the newer release again, or restore the pre-upgrade copy from backups/ with this one (see the deployment guide, "Upgrades").',
    );
    expect(sha(file)).toBe(before);
    expect(existsSync(path.join(dir, 'backups'))).toBe(false);
  });
});

describe('before migrating PostgreSQL', () => {
  // PostgreSQL has migrations SQLite lacks (007: the rev sequence), so it counts its own.
  const KNOWN_PG = Math.max(...loadMigrations('postgres').map((m) => m.version));
  test('reads the applied migrations of the schema and refuses a newer one', async () => {
    const h = await postgresHandle();
    const schema = (h.store as PostgresStore).schema;
    try {
      expect(await appliedPostgresVersions(TEST_PG_URL, schema)).toEqual(loadMigrations('postgres').map((m) => m.version));
      expect(await appliedPostgresVersions(TEST_PG_URL, `kl_none_${newId().slice(0, 8)}`)).toBeNull();
      await (h.store as PostgresStore).pool.query("INSERT INTO schema_migrations VALUES ($1, 'from-the-future', '2025-01-01')", [KNOWN_PG + 1]);
      const applied = await appliedPostgresVersions(TEST_PG_URL, schema);
      expect(() => assertKnownSchema(applied, 'postgres')).toThrow(
        `this database has schema ${pad(KNOWN_PG + 1)} but this release knows only up to ${pad(KNOWN_PG)}`,
      );
      await (h.store as PostgresStore).pool.query('DELETE FROM schema_migrations WHERE version = $1', [KNOWN_PG + 1]);
    } finally {
      await h.cleanup();
    }
  });
});
