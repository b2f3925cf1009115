/**
 * Liveness and readiness on both engines: /api/health answers while the process runs; /api/ready
 * answers 200 only when the database answers a read in time, and shows the backup schedule.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { BackupScheduleStatus } from '../../src/server/backup-schedule';
import { PostgresStore } from '../../src/server/store/postgres';
import { TEST_PG_URL, handleFor, testApp, type StoreHandle, type StoreKind } from './helpers';

const SCHEDULE: BackupScheduleStatus = {
  everyHours: 24,
  keep: 14,
  last: { at: '2024-06-01T08:00:00.000Z', ok: false, file: null, error: 'backup /srv/x failed its integrity check: …' },
  newestAt: '2024-05-31T08:00:00.000Z',
  nextAt: '2024-06-02T08:00:00.000Z',
};

describe.each<StoreKind>(['sqlite', 'postgres'])('readiness on %s', (kind) => {
  let h: StoreHandle;
  beforeEach(async () => {
    h = await handleFor(kind);
  });
  afterEach(async () => {
    await h.cleanup();
  });

  test('ready when the database answers; the backup schedule is shown without paths or error text', async () => {
    const app = await testApp(h.store, { backupStatus: () => SCHEDULE });
    const res = await app.inject('/api/ready');
    expect([res.statusCode, res.headers['cache-control']]).toEqual([200, 'no-store']);
    expect(res.json()).toEqual({
      status: 'ready',
      store: kind,
      backups: {
        everyHours: 24,
        keep: 14,
        newestAt: '2024-05-31T08:00:00.000Z',
        nextAt: '2024-06-02T08:00:00.000Z',
        last: { at: '2024-06-01T08:00:00.000Z', ok: false },
      },
    });
    await app.close();
    const bare = await testApp(h.store);
    expect((await bare.inject('/api/ready')).json()).toEqual({ status: 'ready', store: kind, backups: null });
    await bare.close();
  });

  test('not ready (503 unavailable) once the database connection is gone', async () => {
    const app = await testApp(h.store);
    expect((await app.inject('/api/ready')).statusCode).toBe(200);
    const other = await h.reopen();
    const probe = await testApp(other);
    await other.close();
    const res = await probe.inject('/api/ready');
    expect([res.statusCode, res.json()]).toEqual([503, { error: 'unavailable', message: 'The database does not answer; see the server log.' }]);
    await probe.close();
    await app.close();
  });
});

describe('readiness on postgres under a lock', () => {
  test('a database that does not answer within 3 s is not ready', async () => {
    const h = await handleFor('postgres');
    const schema = (h.store as PostgresStore).schema;
    const app = await testApp(h.store);
    const locker = new pg.Client({ connectionString: TEST_PG_URL });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${schema}.ledger IN ACCESS EXCLUSIVE MODE`);
      // The read waits for the lock; the route gives up after READY_TIMEOUT_MS (3 s).
      const res = await app.inject('/api/ready');
      expect([res.statusCode, res.json()]).toEqual([503, { error: 'unavailable', message: 'The database does not answer; see the server log.' }]);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
      await app.close();
      await h.cleanup();
    }
  });
});
