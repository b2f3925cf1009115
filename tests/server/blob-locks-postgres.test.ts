/**
 * PostgreSQL runs uploads, pushes and the photo sweep side by side (SQLite runs one write at a
 * time), so the sweep must wait for them: these tests hold a transaction open at the exact point
 * of a push or an upload (the statements pushOnce and putBlob run, on a raw connection), start a
 * sweep, wait until PostgreSQL reports it waiting for a lock, then finish the transaction. Without
 * the sweep's table lock the sweep would run first and delete a photo that is about to be named.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { PostgresStore } from '../../src/server/store/postgres';
import type { OrgRow, UserRow } from '../../src/server/store/store';
import { newId, postgresHandle, type StoreHandle } from './helpers';

const T0 = '2024-06-01T08:00:00.000Z';
const LATER = '2024-07-01T08:00:00.000Z';

describe('the photo sweep waits for pushes and uploads in flight (PostgreSQL)', () => {
  let h: StoreHandle;
  let store: PostgresStore;
  let org: OrgRow;
  let vol: UserRow;

  beforeEach(async () => {
    h = await postgresHandle();
    store = h.store as PostgresStore;
    org = { id: newId(), name: '惠东县科协', createdAt: T0 };
    vol = { id: newId(), orgId: org.id, role: 'volunteer', name: 'v', username: `v-${newId().slice(0, 8)}`, passwordHash: 'x', disabled: false, createdAt: T0 };
    const admin = { ...vol, id: newId(), role: 'admin' as const, username: `a-${newId().slice(0, 8)}` };
    expect(await store.setup(org, admin)).toBe(true);
    expect(await store.createUser(vol)).toBe(true);
  });
  afterEach(async () => {
    await h.cleanup();
  });

  function jpeg(): { bytes: Buffer; sha: string } {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(61)]);
    return { bytes, sha: createHash('sha256').update(bytes).digest('hex') };
  }

  /** Resolves once some other backend of this database waits for a lock. */
  async function someoneWaitsForALock(): Promise<void> {
    for (let i = 0; i < 500; i++) {
      const r = await store.pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      if ((r.rows[0] as { n: number }).n > 0) return;
      await new Promise((ok) => setTimeout(ok, 10));
    }
    throw new Error('no backend ever waited for a lock');
  }

  test('a sweep waits for a push that has checked a photo, then sees the name it recorded', async () => {
    const p = jpeg();
    expect(
      await store.putBlob({ sha256: p.sha, contentType: 'image/jpeg', bytes: p.bytes, orgId: org.id, userId: vol.id, at: T0, dayStart: T0 }, () => null),
    ).toEqual({ status: 'created' });
    const push = await store.pool.connect();
    try {
      await push.query('BEGIN');
      // What pushOnce runs for a put naming p for the first time.
      const held = await push.query('SELECT sha256 FROM blob_owners WHERE org_id = $1 AND sha256 = ANY($2::text[]) ORDER BY sha256 FOR SHARE', [
        org.id,
        [p.sha],
      ]);
      expect(held.rows).toEqual([{ sha256: p.sha }]);
      const sweep = store.sweepBlobs(LATER);
      await someoneWaitsForALock();
      await push.query('INSERT INTO blob_refs (org_id, sha256, event_id) VALUES ($1, $2, $3)', [org.id, p.sha, newId()]);
      await push.query('COMMIT');
      expect(await sweep).toEqual({ owners: 0, blobs: 0, bytes: 0 });
    } finally {
      push.release();
    }
    expect((await store.getBlob(org.id, p.sha))?.size).toBe(64);
  });

  test('a sweep waits for an upload that is claiming bytes no org holds yet, and leaves them', async () => {
    const p = jpeg();
    // Bytes stored long ago whose holding was swept already: about to be deleted, unless claimed.
    await store.pool.query('INSERT INTO blobs (sha256, content_type, size, created_at, bytes) VALUES ($1, $2, $3, $4, $5)', [
      p.sha,
      'image/jpeg',
      64,
      T0,
      p.bytes,
    ]);
    const upload = await store.pool.connect();
    try {
      await upload.query('BEGIN');
      // What putBlob runs, up to the moment it records the holding.
      await upload.query('SELECT 1 FROM orgs WHERE id = $1 FOR NO KEY UPDATE', [org.id]);
      await upload.query('LOCK TABLE blob_owners IN ROW EXCLUSIVE MODE');
      await upload.query('INSERT INTO blobs (sha256, content_type, size, created_at, bytes) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING', [
        p.sha,
        'image/jpeg',
        64,
        LATER,
        p.bytes,
      ]);
      const sweep = store.sweepBlobs(LATER);
      await someoneWaitsForALock();
      await upload.query('INSERT INTO blob_owners (org_id, sha256, size, uploaded_by, uploaded_at, touched_at) VALUES ($1, $2, 64, $3, $4, $4)', [
        org.id,
        p.sha,
        vol.id,
        LATER,
      ]);
      await upload.query('COMMIT');
      expect(await sweep).toEqual({ owners: 0, blobs: 0, bytes: 0 });
    } finally {
      upload.release();
    }
    expect((await store.getBlob(org.id, p.sha))?.size).toBe(64);
  });
});
