/**
 * The org's year totals a scoped pull brings (issue 13 §5): stored through the real
 * DexieLocalStore, read by the home card's query (queries.yearTotals) and the map's
 * (queries.orgYearTotals) while the phone holds only its person's events; the totals kept as
 * events are written stay for staff and for the phone's own events (heldYearTotals).
 */
import './node-blob';
import { afterEach, describe, expect, it } from 'vitest';
import { setLedgerDbFactory } from '../../../src/app/db/database';
import { DexieLocalStore } from '../../../src/app/db/dexie-local-store';
import { heldYearTotals, orgYearTotals, yearTotals } from '../../../src/app/db/queries';
import type { LedgerDb } from '../../../src/app/db/ledger-db';
import { totalsOf } from '../../../src/domain/totals';
import { countsWholeYear } from '../../../src/domain/coverage';
import { sampleEvent } from '../../sync/fixtures';
import { freshDb } from './helpers';

const ME = 'u-vol-1';
const PINGSHAN = '441323001000';
const DALING = '441323002000';

/** The org's ledger as the server holds it: mine, another volunteer's (reviewed), and staff's. */
const orgEvents = [
  sampleEvent({ id: '018a9b7c-1d2e-7f00-8a00-000000000001', createdBy: ME, townshipCode: PINGSHAN, attendance: 100, rev: 1 }),
  sampleEvent({ id: '018a9b7c-1d2e-7f00-8a00-000000000002', createdBy: 'u-vol-2', townshipCode: DALING, attendance: 40, status: 'reviewed', rev: 2 }),
  sampleEvent({ id: '018a9b7c-1d2e-7f00-8a00-000000000003', createdBy: 'u-staff', townshipCode: DALING, attendance: 7, format: 'caravan', rev: 3 }),
];

let db: LedgerDb;
function phone(): DexieLocalStore {
  db = freshDb();
  setLedgerDbFactory(() => db);
  return new DexieLocalStore(db, { random16: () => new Uint8Array(16).fill(1), timeZone: 'Asia/Shanghai' });
}

describe('org totals on a scoped phone', () => {
  afterEach(() => {
    db.close();
  });

  it('a volunteer’s home card and map count the whole org from the pulled totals; the held events stay its own', async () => {
    const store = phone();
    await store.changeScope(`own:${ME}`);
    // The phone holds its own event only; the server counted all three.
    await store.applyPulled([{ entity: 'event', row: orgEvents[0]! }], 1, 0, { totals: totalsOf(orgEvents) });
    const home = await yearTotals(2023, 'submitted');
    expect(home.total.events).toBe(3);
    expect(home.total.attendance).toBe(147);
    expect(Object.keys(home.byTownship).sort()).toEqual([PINGSHAN, DALING].sort());
    expect(home.byTownship[DALING]?.events).toBe(2);
    expect([home.byFormat.caravan?.events, home.byFormat.lecture?.events]).toEqual([1, 2]);
    // The other basis (计入：已审核): the server sent both.
    const reviewed = await yearTotals(2023, 'reviewed');
    expect([reviewed.total.events, reviewed.byTownship[DALING]?.attendance, reviewed.byTownship[PINGSHAN]]).toEqual([1, 40, undefined]);
    expect((await orgYearTotals(2023, 'submitted'))?.total.events).toBe(3);
    // Another year: nothing counted.
    expect((await yearTotals(2022, 'submitted')).total.events).toBe(0);
    // What the phone holds: its own event.
    expect((await heldYearTotals(2023, 'submitted')).total.events).toBe(1);
    // A later pull brings a new count (another volunteer logged one more in 大岭).
    const more = [...orgEvents, sampleEvent({ id: '018a9b7c-1d2e-7f00-8a00-000000000004', createdBy: 'u-vol-2', townshipCode: DALING, rev: 4 })];
    await store.applyPulled([], 4, 1, { totals: totalsOf(more) });
    expect((await yearTotals(2023, 'submitted')).byTownship[DALING]?.events).toBe(3);
  });

  it('staff (scope all) count what the phone holds; a promotion forgets the pulled totals', async () => {
    const store = phone();
    await store.changeScope(`own:${ME}`);
    await store.applyPulled([{ entity: 'event', row: orgEvents[0]! }], 1, 0, { totals: totalsOf(orgEvents) });
    expect((await yearTotals(2023, 'submitted')).total.events).toBe(3);
    await store.changeScope('all');
    await store.applyPulled(
      orgEvents.map((row) => ({ entity: 'event' as const, row })),
      3,
      0,
    );
    expect(await orgYearTotals(2023, 'submitted')).toBeNull();
    expect((await yearTotals(2023, 'submitted')).total.events).toBe(3);
    expect((await yearTotals(2023, 'submitted')).byTownship[DALING]?.attendance).toBe(47);
    // Demoted again: the other people's events leave the phone, and the held totals with them.
    await store.changeScope(`own:${ME}`);
    expect((await heldYearTotals(2023, 'submitted')).total.events).toBe(1);
    expect(await db.events.count()).toBe(1);
    // Until the first scoped pull answers, the card counts what the phone holds.
    expect((await yearTotals(2023, 'submitted')).total.events).toBe(1);
  });

  it('the map uses the totals only for a whole year by a summed measure', () => {
    expect(countsWholeYear({ year: 2023 }, 'events')).toBe(true);
    expect(countsWholeYear({ year: 2023, reviewedOnly: true }, 'attendance')).toBe(true);
    expect(countsWholeYear({ year: 2023 }, 'daysSince')).toBe(false);
    expect(countsWholeYear({ year: 2023, formats: ['lecture'] }, 'events')).toBe(false);
    expect(countsWholeYear({ year: 2023, monthFrom: 3 }, 'events')).toBe(false);
  });
});
