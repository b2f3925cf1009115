/**
 * Migration 005 over a database of schema 3 (the data an upgraded server opens): old invites lose
 * their crackable SHA-256 and the still-usable ones are revoked; tokens count as used at the upgrade.
 */
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadMigrations } from '../../src/server/store/migrations';
import { PostgresStore } from '../../src/server/store/postgres';
import { SqliteStore } from '../../src/server/store/sqlite';
import type { Store } from '../../src/server/store/store';
import { TEST_PG_URL } from './helpers';

/** A database at schema 3 (before this change) holding an org, a user, a token and three invites. */
async function oldData(exec: (sql: string) => Promise<void>): Promise<void> {
  const soon = new Date(Date.now() + 86_400_000).toISOString();
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  await exec(`INSERT INTO orgs (id, name, created_at) VALUES ('o1', '惠东县科协', '2024-01-01T00:00:00.000Z')`);
  await exec(
    `INSERT INTO users (id, org_id, role, name, username, password_hash, created_at) VALUES ('u1', 'o1', 'staff', '干事', 'staff1', 'scrypt$x', '2024-01-01T00:00:00.000Z')`,
  );
  await exec(`INSERT INTO tokens (token_hash, user_id, created_at) VALUES ('${'a'.repeat(64)}', 'u1', '2024-01-02T00:00:00.000Z')`);
  const invite = (id: string, code: string, expires: string, uses: number) =>
    exec(
      `INSERT INTO invites (id, org_id, code_hash, role, created_by, created_at, expires_at, max_uses, uses) VALUES ('${id}', 'o1', '${sha(code)}', 'volunteer', 'u1', '2024-01-01T00:00:00.000Z', '${expires}', 2, ${uses})`,
    );
  await invite('i-active', 'ABCDEFGH', soon, 0);
  await invite('i-used', 'JKMNPQRS', soon, 2);
  await invite('i-expired', 'TUVWXYZ2', '2024-02-01T00:00:00.000Z', 0);
}

async function expectUpgraded(store: Store, before: number): Promise<void> {
  const d = await store.dump();
  expect((d.invites as { id: string; code_hash: string; revoked: unknown }[]).map((i) => [i.id, i.code_hash, Boolean(i.revoked)])).toEqual([
    ['i-active', 'legacy:i-active', true],
    ['i-expired', 'legacy:i-expired', false],
    ['i-used', 'legacy:i-used', false],
  ]);
  const token = (d.tokens as { last_used_at: string }[])[0]!;
  expect(token.last_used_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect(Date.parse(token.last_used_at)).toBeGreaterThanOrEqual(before - 1000);
  expect(Date.parse(token.last_used_at)).toBeLessThanOrEqual(Date.now() + 1000);
  expect([d.auth_limits, d.server_keys]).toEqual([[], []]);
}

describe('migration 005 over a database of schema 3', () => {
  test('SQLite: old invites lose their SHA-256 and the usable one is revoked; tokens count as used at the upgrade', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kl-mig5-'));
    const file = path.join(dir, 'ledger.sqlite');
    try {
      const db = new Database(file);
      db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      for (const m of loadMigrations('sqlite').filter((x) => x.version <= 3)) {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, '2024-01-01T00:00:00.000Z');
      }
      await oldData(async (sql) => void db.exec(sql));
      db.close();
      const before = Date.now();
      const store = new SqliteStore({ file });
      await store.migrate();
      await expectUpgraded(store, before);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('PostgreSQL: the same', async () => {
    const schema = `kl_test_${randomBytes(6).toString('hex')}`;
    const store = new PostgresStore({ connectionString: TEST_PG_URL, schema, createSchema: true, poolSize: 1 });
    try {
      await store.pool.query(`CREATE SCHEMA ${schema}`);
      await store.pool.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      for (const m of loadMigrations('postgres').filter((x) => x.version <= 3)) {
        await store.pool.query(m.sql);
        await store.pool.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [m.version, m.name, '2024-01-01T00:00:00.000Z']);
      }
      await oldData(async (sql) => void (await store.pool.query(sql)));
      const before = Date.now();
      await store.migrate();
      await expectUpgraded(store, before);
    } finally {
      await store.dropSchema();
      await store.close();
    }
  });
});
