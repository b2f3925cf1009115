/**
 * Migration 006 (photo holdings and names) over a ledger written before it, on both engines:
 * every photo an event names becomes a name of the event's org, a stored photo an event names
 * becomes held by that org (charged to nobody's daily budget), and a stored photo no event names
 * stays unheld, for the sweep to remove after the grace period.
 */
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { sweepUnnamedBlobs } from '../../src/server/blob-sweep';
import { loadMigrations } from '../../src/server/store/migrations';
import { PostgresStore } from '../../src/server/store/postgres';
import { SqliteStore } from '../../src/server/store/sqlite';
import type { Store } from '../../src/server/store/store';
import { TEST_PG_URL, newId } from './helpers';

const T0 = '2024-06-01T08:00:00.000Z';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const [named, unnamed] = [randomBytes(40), randomBytes(50)];
const neverUploaded = 'e'.repeat(64);
const ORG = newId();
const USER = newId();
const EVENT = newId();
const TOMB = newId();

/** Old data, as rows: one org, one user, an event naming two photos (one never uploaded), a tombstone naming one, two stored photos. */
const OLD_ROWS: [string, unknown[]][] = [
  ['INSERT INTO orgs (id, name, created_at) VALUES (?, ?, ?)', [ORG, '惠东县科协', T0]],
  ["INSERT INTO users (id, org_id, role, name, username, password_hash, created_at) VALUES (?, ?, 'volunteer', 'v', 'v', 'x', ?)", [USER, ORG, T0]],
  [
    'INSERT INTO events (id, org_id, rev, created_by, deleted, data) VALUES (?, ?, 1, ?, ?, ?)',
    [EVENT, ORG, USER, false, JSON.stringify({ id: EVENT, photos: [sha(named), neverUploaded] })],
  ],
  [
    'INSERT INTO events (id, org_id, rev, created_by, deleted, data) VALUES (?, ?, 2, ?, ?, ?)',
    [TOMB, ORG, USER, true, JSON.stringify({ id: TOMB, photos: [sha(named)] })],
  ],
  ["INSERT INTO blobs (sha256, content_type, size, created_at, bytes) VALUES (?, 'image/jpeg', ?, ?, ?)", [sha(named), named.length, T0, named]],
  ["INSERT INTO blobs (sha256, content_type, size, created_at, bytes) VALUES (?, 'image/jpeg', ?, ?, ?)", [sha(unnamed), unnamed.length, T0, unnamed]],
];

async function expectMigrated(store: Store): Promise<void> {
  const d = await store.dump();
  const refs = (d.blob_refs as Record<string, unknown>[]).map((r) => [r.sha256, r.event_id]);
  expect(refs).toEqual(
    [
      [sha(named), EVENT],
      [sha(named), TOMB],
      [neverUploaded, EVENT],
    ].sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`)),
  );
  const owners = (d.blob_owners as Record<string, unknown>[]).map((r) => [r.org_id, r.sha256, Number(r.size), r.uploaded_by, r.uploaded_at, r.touched_at]);
  expect(owners).toEqual([[ORG, sha(named), 40, null, T0, T0]]);
  expect((await store.getBlob(ORG, sha(named)))?.size).toBe(40);
  expect(await store.getBlob(ORG, sha(unnamed))).toBeNull();
  expect(await sweepUnnamedBlobs(store, new Date('2024-06-09T00:00:00.000Z'), 7)).toEqual({ owners: 0, blobs: 1, bytes: 50 });
  expect((d.blobs as unknown[]).length).toBe(2);
}

describe('migration 006 opens a ledger written before it', () => {
  test('SQLite', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kl-mig6-'));
    const file = path.join(dir, 'ledger.sqlite');
    try {
      const db = new Database(file);
      db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      for (const m of loadMigrations('sqlite').filter((x) => x.version < 6)) {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, T0);
      }
      for (const [sql, params] of OLD_ROWS) db.prepare(sql).run(...params.map((p) => (typeof p === 'boolean' ? Number(p) : p)));
      db.close();
      const store = new SqliteStore({ file });
      try {
        await store.migrate();
        await expectMigrated(store);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('PostgreSQL', async () => {
    const schema = `kl_test_${randomBytes(6).toString('hex')}`;
    const pool = new pg.Pool({ connectionString: TEST_PG_URL, max: 1, options: `-c search_path=${schema}` });
    try {
      await pool.query(`CREATE SCHEMA ${schema}`);
      await pool.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      for (const m of loadMigrations('postgres').filter((x) => x.version < 6)) {
        await pool.query(m.sql);
        await pool.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [m.version, m.name, T0]);
      }
      for (const [sql, params] of OLD_ROWS) {
        let i = 0;
        await pool.query(
          sql.replace(/\?/g, () => `$${++i}`),
          params,
        );
      }
      const store = new PostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 2 });
      try {
        await store.migrate();
        await expectMigrated(store);
      } finally {
        await store.close();
      }
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await pool.end();
    }
  });
});
