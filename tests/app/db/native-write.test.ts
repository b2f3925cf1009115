/**
 * The save path writes through IndexedDB's own transaction (native-write.ts), so what Dexie would
 * have done after a commit must still happen: live queries over the written stores run again
 * (by an index, too), the sync trigger hears of the queued mutation, and a failed save tells
 * nobody anything.
 */
import { describe, expect, it, vi } from 'vitest';
import { observe } from '../../../src/app/db/live';
import { ID1, ID2, freshRepo, sampleContent } from './helpers';

describe('the native save path', () => {
  it('runs again the live queries that read the written stores, and announces the queued mutation once', async () => {
    const { db, repo } = freshRepo();
    const byYear: number[] = [];
    const pending: number[] = [];
    const a = observe(
      () => db.events.where('[year+ym]').between([2023, ''], [2023, '\uffff']).count(),
      (n) => byYear.push(n),
    );
    const b = observe(
      () => db.outbox.where('state').equals('pending').count(),
      (n) => pending.push(n),
    );
    await vi.waitFor(() => expect([byYear, pending]).toEqual([[0], [0]]));
    const queued = vi.fn();
    const stop = db.onMutationQueued(queued);
    await repo.createEvent(ID1, sampleContent(), 'submitted');
    await vi.waitFor(() =>
      expect([byYear, pending]).toEqual([
        [0, 1],
        [0, 1],
      ]),
    );
    expect(queued).toHaveBeenCalledTimes(1);
    await repo.updateEvent(ID1, { attendance: 99 });
    await vi.waitFor(() => expect(pending).toEqual([0, 1, 2]));
    expect(queued).toHaveBeenCalledTimes(2);
    stop();
    a.stop();
    b.stop();
  });

  it('tells nobody of a save that failed, and leaves the live queries as they were', async () => {
    const { db, repo } = freshRepo();
    const counts: number[] = [];
    const live = observe(
      () => db.events.count(),
      (n) => counts.push(n),
    );
    await vi.waitFor(() => expect(counts).toEqual([0]));
    const queued = vi.fn();
    db.onMutationQueued(queued);
    // The next mutation's seq is taken already: the outbox add fails and the transaction aborts.
    await db.outbox.add({
      entity: 'event',
      seq: 1,
      eventId: ID2,
      op: 'delete',
      at: '2023-09-16T10:00:00+08:00',
      clientId: 'other',
      state: 'quarantined',
      rejection: null,
    });
    expect(queued).toHaveBeenCalledTimes(1); // the Dexie write above announces itself
    await expect(repo.createEvent(ID1, sampleContent(), 'submitted')).rejects.toMatchObject({ name: 'ConstraintError' });
    await new Promise((r) => setTimeout(r, 50));
    expect(queued).toHaveBeenCalledTimes(1);
    expect(counts).toEqual([0]);
    expect(await db.events.count()).toBe(0);
    live.stop();
  });
});
