import { afterEach, describe, expect, it } from 'vitest';
import { emptyEventContent } from '../../../src/domain/event';
import { setLedgerDbFactory } from '../../../src/app/db/database';
import { LedgerDb, type EventRow } from '../../../src/app/db/ledger-db';
import { eventsReturnedBy, eventsReturnedTo, myLastLoggedEvent, myRecentEvents } from '../../../src/app/db/queries';

let db: LedgerDb;
let n = 0;
afterEach(async () => {
  await db?.delete();
});

function row(id: string, createdBy: string, startAt: string, createdAt: string, deleted = false): EventRow {
  return {
    ...emptyEventContent(startAt),
    title: id,
    status: 'submitted',
    reviewNote: null,
    reviewedBy: null,
    reviewedAt: null,
    id,
    orgId: '',
    createdBy,
    createdAt,
    updatedBy: createdBy,
    updatedAt: createdAt,
    deleted,
    rev: 0,
    year: 2026,
    ym: startAt.slice(0, 7),
  };
}

async function seed(): Promise<void> {
  db = new LedgerDb(`my-events-${++n}`);
  setLedgerDbFactory(() => db);
  await db.events.bulkPut([
    row('a', 'u1', '2026-03-01T09:00:00+08:00', '2026-03-01T12:00:00+08:00'),
    row('b', 'u1', '2026-03-05T09:00:00+08:00', '2026-03-02T12:00:00+08:00'),
    row('c', '', '2026-02-01T09:00:00+08:00', '2026-03-03T12:00:00+08:00'),
    row('d', 'u2', '2026-04-01T09:00:00+08:00', '2026-03-04T12:00:00+08:00'),
    row('e', 'u1', '2026-05-01T09:00:00+08:00', '2026-03-05T12:00:00+08:00', true),
  ]);
}

describe('my events', () => {
  it('lists my events and the ones logged before sign-in, newest start first, without deleted ones', async () => {
    await seed();
    expect((await myRecentEvents('u1', 5)).map((e) => e.id)).toEqual(['b', 'a', 'c']);
    expect((await myRecentEvents('u1', 2)).map((e) => e.id)).toEqual(['b', 'a']);
    expect((await myRecentEvents('', 5)).map((e) => e.id)).toEqual(['c']);
  });

  it('repeats the event I logged last, by when it was logged, not when it happened', async () => {
    await seed();
    expect((await myLastLoggedEvent('u1'))?.id).toBe('c');
    expect((await myLastLoggedEvent('u2'))?.id).toBe('d');
    expect(await myLastLoggedEvent('nobody')).toEqual(expect.objectContaining({ id: 'c' }));
  });
});

describe('returned events', () => {
  it('lists what a staff member returned and what was returned to me, live ones only, by start; a resubmitted one leaves both', async () => {
    db = new LedgerDb(`returned-${++n}`);
    setLedgerDbFactory(() => db);
    const returned = (r: EventRow, by: string): EventRow => ({ ...r, status: 'returned', reviewNote: '请补照片', reviewedBy: by });
    await db.events.bulkPut([
      returned(row('a', 'u1', '2026-03-05T09:00:00+08:00', '2026-03-05T12:00:00+08:00'), 's1'),
      returned(row('b', 'u2', '2026-03-01T09:00:00+08:00', '2026-03-01T12:00:00+08:00'), 's1'),
      returned(row('c', '', '2026-03-03T09:00:00+08:00', '2026-03-03T12:00:00+08:00'), 's2'),
      returned(row('d', 'u1', '2026-03-04T09:00:00+08:00', '2026-03-04T12:00:00+08:00', true), 's1'),
      { ...row('e', 'u1', '2026-03-02T09:00:00+08:00', '2026-03-02T12:00:00+08:00'), reviewNote: '旧原因', reviewedBy: 's1' },
    ]);
    expect((await eventsReturnedBy('s1')).map((e) => e.id)).toEqual(['b', 'a']);
    expect((await eventsReturnedBy('s2')).map((e) => e.id)).toEqual(['c']);
    expect((await eventsReturnedTo('u1')).map((e) => e.id)).toEqual(['c', 'a']);
    expect((await eventsReturnedTo('u2')).map((e) => e.id)).toEqual(['b', 'c']);
  });
});
