/** The server's periodic sweep of unnamed photos (main.ts starts it): at once, then hourly, with its own clock. */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { BLOB_SWEEP_EVERY_MS, startBlobSweeper } from '../../src/server/blob-sweep';
import type { BlobSweep, Store } from '../../src/server/store/store';
import { newId, sqliteHandle, type StoreHandle } from './helpers';

const T0 = Date.parse('2024-06-01T08:00:00.000Z');
const DAY = 86_400_000;

describe('the periodic photo sweep', () => {
  let h: StoreHandle;
  let store: Store;
  beforeEach(async () => {
    h = await sqliteHandle();
    store = h.store;
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await h.cleanup();
  });

  test('sweeps at start and every hour as of its clock, reports each outcome, and stops when asked', async () => {
    const orgId = newId();
    const userId = newId();
    await store.setup(
      { id: orgId, name: '科协', createdAt: new Date(T0).toISOString() },
      {
        id: userId,
        orgId,
        role: 'admin',
        name: 'a',
        username: 'a',
        passwordHash: 'x',
        disabled: false,
        createdAt: new Date(T0).toISOString(),
      },
    );
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 1, 2, 3]);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await store.putBlob(
      { sha256, contentType: 'image/jpeg', bytes, orgId, userId, at: new Date(T0).toISOString(), dayStart: new Date(T0 - DAY).toISOString() },
      () => null,
    );
    let now = T0 + DAY;
    const outcomes: (BlobSweep | string)[] = [];
    const stop = startBlobSweeper({ store, graceDays: 7, now: () => new Date(now), report: (r) => outcomes.push(r instanceof Error ? r.message : r) });
    await vi.waitFor(() => expect(outcomes.length).toBe(1));
    now = T0 + 7 * DAY + 1;
    await vi.advanceTimersByTimeAsync(BLOB_SWEEP_EVERY_MS);
    await vi.waitFor(() => expect(outcomes.length).toBe(2));
    await stop();
    await vi.advanceTimersByTimeAsync(3 * BLOB_SWEEP_EVERY_MS);
    expect(outcomes).toEqual([
      { owners: 0, blobs: 0, bytes: 0 },
      { owners: 1, blobs: 1, bytes: 6 },
    ]);
    expect(await store.getBlob(orgId, sha256)).toBeNull();
  });
});
