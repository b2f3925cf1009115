/**
 * The scoped-pull migration (SQLite 007, PostgreSQL 008: `event_access`) over a ledger written
 * before it, on both engines: each event is held by its author and by every volunteer its list
 * names by id, so a volunteer's first scoped pull after the upgrade holds exactly those.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { loadMigrations } from '../../src/server/store/migrations';
import { PostgresStore } from '../../src/server/store/postgres';
import { SqliteStore } from '../../src/server/store/sqlite';
import type { Store } from '../../src/server/store/store';
import { TEST_PG_URL, newId } from './helpers';

const T0 = '2024-06-01T08:00:00.000Z';
const ORG = newId();
const [AUTHOR, LISTED, OTHER] = [newId(), newId(), newId()];
const [E1, E2, E3] = [newId(), newId(), newId()];
const event = (id: string, createdBy: string, volunteers: { name: string; userId: string | null; hours: number }[]) =>
  JSON.stringify({ id, createdBy, volunteers, deleted: false });

/** Old data: AUTHOR's event listing LISTED (and a name without an id), AUTHOR's unlisted one, OTHER's. */
const OLD_ROWS: [string, unknown[]][] = [
  ['INSERT INTO orgs (id, name, created_at) VALUES (?, ?, ?)', [ORG, '惠东县科协', T0]],
  [
    'INSERT INTO events (id, org_id, rev, created_by, deleted, data) VALUES (?, ?, 1, ?, ?, ?)',
    [
      E1,
      ORG,
      AUTHOR,
      false,
      event(E1, AUTHOR, [
        { name: '乙', userId: LISTED, hours: 2 },
        { name: '丙', userId: null, hours: 1 },
      ]),
    ],
  ],
  ['INSERT INTO events (id, org_id, rev, created_by, deleted, data) VALUES (?, ?, 2, ?, ?, ?)', [E2, ORG, AUTHOR, false, event(E2, AUTHOR, [])]],
  ['INSERT INTO events (id, org_id, rev, created_by, deleted, data) VALUES (?, ?, 3, ?, ?, ?)', [E3, ORG, OTHER, true, event(E3, OTHER, [])]],
  ['UPDATE rev_counter SET rev = 3', []],
];

async function expectMigrated(store: Store): Promise<void> {
  const ids = async (userId: string) => (await store.pull(ORG, 0, 10, { userId })).rows.map((r) => r.row.id);
  expect(await ids(AUTHOR)).toEqual([E1, E2]);
  expect(await ids(LISTED)).toEqual([E1]);
  expect(await ids(OTHER)).toEqual([E3]);
  expect(await ids(newId())).toEqual([]);
  expect((await store.pull(ORG, 0, 10)).rows.map((r) => r.row.id)).toEqual([E1, E2, E3]);
}

describe('the event_access migration opens a ledger written before it', () => {
  test('SQLite (007)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kl-mig7-'));
    const file = path.join(dir, 'ledger.sqlite');
    try {
      const db = new Database(file);
      db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      for (const m of loadMigrations('sqlite').filter((x) => x.version < 7)) {
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

  test('PostgreSQL (008)', async () => {
    const schema = `kl_test_${randomBytes(6).toString('hex')}`;
    const pool = new pg.Pool({ connectionString: TEST_PG_URL, max: 1, options: `-c search_path=${schema}` });
    try {
      await pool.query(`CREATE SCHEMA ${schema}`);
      await pool.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      // Written before 007 (the rev counter's table), so 007 and 008 both run over it.
      for (const m of loadMigrations('postgres').filter((x) => x.version < 7)) {
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
