/**
 * The SQLite ledger's WAL is checkpointed by a worker thread (sqlite-checkpointer.ts), never by
 * the COMMIT of a request: the main connection has automatic checkpoints off, and what it commits
 * reaches the database file itself without any checkpoint on its own thread.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { SqliteStore } from '../../src/server/store/sqlite';
import { newId } from './helpers';

const AT = '2024-06-01T08:00:00.000Z';

describe('SQLite WAL checkpoints on a worker thread', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kl-ckpt-'));
    file = path.join(dir, 'ledger.sqlite');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** The users found in the database FILE alone, as if the WAL were lost (a copy without it). */
  function usersInMainFile(): number {
    const copy = path.join(dir, 'copy.sqlite');
    copyFileSync(file, copy);
    const db = new Database(copy, { readonly: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'users'").get() as { n: number }).n === 0
        ? 0
        : (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
    } finally {
      db.close();
    }
  }

  test('the request thread never checkpoints; the worker moves committed writes into the database file', async () => {
    const store = new SqliteStore({ file, checkpointEveryMs: 20 });
    try {
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      await store.migrate();
      const org = { id: newId(), name: '惠东县科协', createdAt: AT };
      const user = (i: number) => ({
        id: newId(),
        orgId: org.id,
        role: 'volunteer' as const,
        name: `v${i}`,
        username: `v${i}-${newId().slice(0, 6)}`,
        passwordHash: 'x',
        disabled: false,
        createdAt: AT,
      });
      expect(await store.setup(org, { ...user(0), role: 'admin' })).toBe(true);
      for (let i = 1; i <= 20; i++) expect(await store.createUser(user(i))).toBe(true);
      await vi.waitFor(() => expect(usersInMainFile()).toBe(21), { timeout: 5000, interval: 50 });
    } finally {
      await store.close();
    }
    // Closed cleanly (the worker stopped first): everything is there on reopening.
    const again = new SqliteStore({ file, checkpointEveryMs: 0 });
    try {
      expect((await again.listUsers((again.db.prepare('SELECT id FROM orgs').get() as { id: string }).id)).length).toBe(21);
      expect(again.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      await again.close();
    }
  });

  test('checkpointEveryMs 0 keeps SQLite’s automatic checkpoints, and an in-memory store has none to make', async () => {
    const auto = new SqliteStore({ file, checkpointEveryMs: 0 });
    const mem = new SqliteStore({ file: ':memory:' });
    try {
      expect(auto.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      await mem.migrate();
      expect(await mem.hasAdmin()).toBe(false);
    } finally {
      await auto.close();
      await mem.close();
    }
  });
});
