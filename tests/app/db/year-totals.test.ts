/**
 * The maintained year totals (schema v2 `totals` store) against a full recount with
 * domain/counts countEventsBy, after seeded random sequences of every kind of event write:
 * creates (one and many), edits (year, township, format, attendance, materials, volunteers,
 * status), deletes, undeletes, pulled rows through the real DexieLocalStore.applyPulled (with
 * unsettled local mutations replayed on them), quarantine discards and backup imports; and the
 * version 1 → 2 upgrade building them from old data.
 */
import './node-blob';
import { describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { LEDGER_DB_VERSIONS, LedgerDb, type EventRow } from '../../../src/app/db/ledger-db';
import { createEventRepository, type EventRepository } from '../../../src/app/db/event-repository';
import { DexieLocalStore } from '../../../src/app/db/dexie-local-store';
import { exportLedger, importLedger } from '../../../src/app/db/ledger-backup';
import { compactTotals, readYearTotals, type YearTotals } from '../../../src/app/db/year-totals';
import { countEventsBy, type Tally } from '../../../src/domain/counts';
import { eventFieldsOf, type EventContent, type EventStatus, type LedgerEvent } from '../../../src/domain/event';
import { totalsDelta, totalsOf } from '../../../src/domain/totals';
import { yearMonthOf, yearOf } from '../../../src/domain/year';
import { sampleEvent } from '../../sync/fixtures';
import { freshDb, sampleContent, testDeps } from './helpers';

/** mulberry32: a small seeded generator, so a failing sequence can be replayed by its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof rng>;

const TOWNSHIPS = ['441323001000', '441323100000', '441323101000', '441323102000'];
const FORMATS = ['lecture', 'caravan', 'exhibition', 'open-class'];
// Around the Asia/Shanghai year cut, in +08:00 and in UTC (2023-12-31T16:30Z is 2024 there).
const STARTS = [
  '2023-03-05T09:00:00+08:00',
  '2023-12-31T23:30:00+08:00',
  '2023-12-31T15:30:00Z',
  '2023-12-31T16:30:00Z',
  '2024-01-01T00:10:00+08:00',
  '2024-06-18T14:00:00+08:00',
  '2022-11-02T10:00:00+08:00',
];
const YEARS = [2021, 2022, 2023, 2024, 2025];
const HOURS = [0, 0.1, 0.2, 0.25, 0.5, 1, 1.5, 2.3, 3];

function randomContent(r: Rng): EventContent {
  const volunteers = Array.from({ length: r.int(4) }, (_, i) => ({ name: `志愿者${i}`, userId: null, hours: r.pick(HOURS) }));
  const startAt = r.pick(STARTS);
  return sampleContent({
    startAt,
    endAt: startAt,
    townshipCode: r.pick(TOWNSHIPS),
    format: r.pick(FORMATS),
    attendance: r.int(500),
    onlineAttendance: r.next() < 0.3 ? r.int(1000) : null,
    materials: Array.from({ length: r.int(3) }, () => ({ kind: 'leaflet', count: 1 + r.int(300) })),
    volunteers,
    volunteerCount: r.next() < 0.5 ? r.int(20) : null,
  });
}

/** A random patch touching the fields the totals depend on (and some they do not). */
function randomPatch(r: Rng): Partial<EventContent> & { status?: EventStatus } {
  const c = randomContent(r);
  const patch: Partial<EventContent> & { status?: EventStatus } = {};
  if (r.next() < 0.4) Object.assign(patch, { startAt: c.startAt, endAt: c.endAt });
  if (r.next() < 0.4) patch.townshipCode = c.townshipCode;
  if (r.next() < 0.4) patch.format = c.format;
  if (r.next() < 0.4) patch.attendance = c.attendance;
  if (r.next() < 0.3) patch.onlineAttendance = c.onlineAttendance;
  if (r.next() < 0.4) patch.materials = c.materials;
  if (r.next() < 0.3) patch.volunteers = c.volunteers;
  if (r.next() < 0.3) patch.volunteerCount = c.volunteerCount;
  if (r.next() < 0.3) patch.status = r.pick(['draft', 'submitted', 'reviewed', 'returned'] as const);
  if (r.next() < 0.2) patch.title = `改 ${r.int(100)}`;
  return patch;
}

/** Recount tallies compare with the kept ones: lastStartAt is not kept, hours to the micro-hour. */
function comparable(t: Tally): Tally {
  return { ...t, lastStartAt: null, volunteerHours: Math.round(t.volunteerHours * 1e6) / 1e6 };
}

/** What a full recount of every stored event says a year's totals are. */
function recount(events: readonly EventRow[], year: number, reviewedOnly: boolean): YearTotals {
  const byTownship = countEventsBy(events, 'township', { year, reviewedOnly });
  const byFormat = countEventsBy(events, 'format', { year, reviewedOnly });
  const obj = (m: Map<string, Tally>) => Object.fromEntries([...m].map(([k, t]) => [k, comparable(t)]));
  return { year, total: comparable(byTownship.total), byTownship: obj(byTownship.groups), byFormat: obj(byFormat.groups) };
}

/**
 * Asserts the kept totals of every year equal a full recount, all events and reviewed only, as
 * read with the logged changes of single saves pending and again once they are folded in.
 */
async function expectTotalsEqualRecount(db: LedgerDb): Promise<number> {
  const events = await db.events.toArray();
  let counted = 0;
  for (const fold of [false, true]) {
    if (fold) await compactTotals(db);
    for (const year of YEARS) {
      for (const reviewedOnly of [false, true]) {
        const want = recount(events, year, reviewedOnly);
        expect(await readYearTotals(db, year, reviewedOnly ? 'reviewed' : 'submitted')).toEqual(want);
        if (!reviewedOnly && fold) counted += want.total.events;
      }
    }
  }
  // Once folded, no log is left and no stored row outlives its events: the store holds exactly
  // the groups a recount finds.
  const live = events.filter((e) => !e.deleted);
  const groups = new Set(live.flatMap((e) => [`${e.year}|all|`, `${e.year}|township|${e.townshipCode}`, `${e.year}|format|${e.format}`]));
  expect((await db.totals.toArray()).map((t) => `${t.year}|${t.axis}|${t.key}`).sort()).toEqual([...groups].sort());
  expect(counted).toBe(live.length);
  return counted;
}

function uuid(r: Rng): string {
  const hex = Array.from({ length: 12 }, () => r.int(16).toString(16)).join('');
  return `018a9b7c-1d2e-7f00-8a00-${hex}`;
}

interface World {
  db: LedgerDb;
  repo: EventRepository;
  store: DexieLocalStore;
  ids: string[];
  rev: number;
  cursor: number;
}

function world(): World {
  const db = freshDb();
  let n = 0;
  const store = new DexieLocalStore(db, { random16: () => new Uint8Array(16).fill((n += 1)), timeZone: 'Asia/Shanghai' });
  // A clock after every start the test writes: the repository refuses starts more than a day ahead.
  const { deps } = testDeps({ clientId: () => store.clientId(), now: () => Date.parse('2024-07-01T00:00:00Z') });
  return { db, repo: createEventRepository(db, deps), store, ids: [], rev: 0, cursor: 0 };
}

/** A row as the server would send it: a known id (edited elsewhere) or a new one. */
async function pulledRow(w: World, r: Rng): Promise<LedgerEvent> {
  w.rev += 1;
  const known = w.ids.length > 0 && r.next() < 0.6 ? await w.db.events.get(r.pick(w.ids)) : undefined;
  const c = randomContent(r);
  const status = r.pick(['submitted', 'reviewed', 'reviewed', 'returned'] as const);
  if (known) {
    const { year: _y, ym: _m, ...base } = known;
    const changed = { ...base, ...(r.next() < 0.5 ? c : {}), status, deleted: r.next() < 0.2, rev: w.rev };
    return changed;
  }
  const id = uuid(r);
  w.ids.push(id);
  const { status: _s, ...content } = eventFieldsOf(sampleEvent({ ...c }));
  return sampleEvent({ ...content, id, status, rev: w.rev, deleted: r.next() < 0.1 });
}

/** One random write of any kind. */
async function randomStep(w: World, r: Rng): Promise<string> {
  const roll = r.next();
  const someId = () => r.pick(w.ids);
  if (roll < 0.2 || w.ids.length === 0) {
    const id = uuid(r);
    w.ids.push(id);
    await w.repo.createEvent(id, randomContent(r), r.pick(['draft', 'submitted'] as const));
    return 'create';
  }
  if (roll < 0.3) {
    const items = Array.from({ length: 1 + r.int(4) }, () => ({
      id: r.next() < 0.2 ? someId() : uuid(r),
      content: randomContent(r),
      status: r.pick(['draft', 'submitted', 'reviewed'] as const),
    }));
    for (const it of items) if (!w.ids.includes(it.id)) w.ids.push(it.id);
    await w.repo.createEvents(items);
    return 'createEvents';
  }
  if (roll < 0.55) {
    const id = someId();
    const row = await w.db.events.get(id);
    if (!row || row.deleted) return 'skip';
    await w.repo.updateEvent(id, randomPatch(r));
    return 'update';
  }
  if (roll < 0.65) {
    await w.repo.deleteEvent(someId());
    return 'delete';
  }
  if (roll < 0.72) {
    await w.repo.undeleteEvent(someId());
    return 'undelete';
  }
  if (roll < 0.92) {
    const rows = [];
    for (let i = 0, n = 1 + r.int(6); i < n; i++) rows.push({ entity: 'event' as const, row: await pulledRow(w, r) });
    const from = w.cursor;
    w.cursor = w.rev;
    await w.store.applyPulled(rows, w.cursor, from);
    return 'pull';
  }
  // The server refuses a pending mutation; the user discards it (a never-synced create goes away).
  const pending = await w.store.pendingMutations(1000);
  if (pending.length === 0) return 'skip';
  const m = r.pick(pending);
  await w.store.applyPushResults([{ seq: m.seq, status: 'rejected', reason: 'invalid' }]);
  await w.store.discardQuarantined(m.seq);
  const gone = new Set((await w.db.events.bulkGet(w.ids)).flatMap((e, i) => (e ? [] : [w.ids[i]!])));
  w.ids = w.ids.filter((id) => !gone.has(id));
  return gone.size ? 'discard-create' : 'discard';
}

describe('year totals (kept in the same transaction as every event write)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`equal a full recount after 60 random creates, edits, deletes, undeletes, pulls and discards (seed ${seed})`, async () => {
      const w = world();
      const r = rng(seed);
      const kinds = new Set<string>();
      for (let step = 0; step < 60; step++) {
        kinds.add(await randomStep(w, r));
        if (step % 20 === 19) await expectTotalsEqualRecount(w.db);
      }
      const counted = await expectTotalsEqualRecount(w.db);
      expect(counted).toBeGreaterThan(0);
      expect([...kinds].filter((k) => k !== 'skip').length).toBeGreaterThanOrEqual(5);
      w.db.close();
    });
  }

  it('equal a full recount after a backup is imported over a ledger that already holds some of its events', async () => {
    const source = world();
    const r = rng(42);
    for (let step = 0; step < 40; step++) await randomStep(source, r);
    const file = await exportLedger(source.db);
    const target = world();
    const r2 = rng(43);
    for (let step = 0; step < 15; step++) await randomStep(target, r2);
    // Some of the source's events, older, already on the target.
    const shared = (await source.db.events.toArray()).slice(0, 5).map((e) => ({ ...e, updatedAt: '2000-01-01T00:00:00+08:00', attendance: 7 }));
    await target.store.applyPulled(
      shared.map(({ year: _y, ym: _m, ...row }) => ({ entity: 'event' as const, row })),
      0,
      0,
    );
    await expectTotalsEqualRecount(target.db);
    const counts = await importLedger(target.db, file);
    expect(counts.events).toBe(await source.db.events.count());
    await expectTotalsEqualRecount(target.db);
    source.db.close();
    target.db.close();
  });

  it('change nothing when an edit touches no counted field', () => {
    const before = { ...sampleEvent(), ym: '2023-09' };
    const retitled = { ...before, title: '新标题', notes: '备注' };
    expect(totalsDelta(before, retitled)).toEqual([]);
    expect(totalsDelta(before, { ...before, status: 'returned' })).toEqual([]);
    expect(totalsDelta({ ...before, deleted: true }, { ...before, deleted: true, attendance: 5 })).toEqual([]);
  });

  it('move an event between years, townships and formats as a minus in the old groups and a plus in the new', () => {
    const before = {
      ...sampleEvent({
        attendance: 10,
        materials: [{ kind: 'leaflet', count: 3 }],
        volunteers: [{ name: '甲', userId: null, hours: 1.5 }],
        status: 'reviewed',
      }),
      ym: '2023-09',
    };
    const after = { ...before, ym: '2024-01', townshipCode: '441323100000', attendance: 12 };
    const one = (sign: number, attendance: number) => ({
      events: sign,
      attendance: sign * attendance,
      onlineAttendance: 0,
      materials: sign * 3,
      volunteers: sign,
      volunteerMicroHours: sign * 1_500_000,
    });
    const rows = totalsDelta(before, after)
      .map((d) => `${d.year} ${d.axis} ${d.key} ${JSON.stringify(d.all)} ${JSON.stringify(d.reviewed)}`)
      .sort();
    expect(rows).toEqual(
      [
        `2023 all  ${JSON.stringify(one(-1, 10))} ${JSON.stringify(one(-1, 10))}`,
        `2023 format lecture ${JSON.stringify(one(-1, 10))} ${JSON.stringify(one(-1, 10))}`,
        `2023 township 441323001000 ${JSON.stringify(one(-1, 10))} ${JSON.stringify(one(-1, 10))}`,
        `2024 all  ${JSON.stringify(one(1, 12))} ${JSON.stringify(one(1, 12))}`,
        `2024 format lecture ${JSON.stringify(one(1, 12))} ${JSON.stringify(one(1, 12))}`,
        `2024 township 441323100000 ${JSON.stringify(one(1, 12))} ${JSON.stringify(one(1, 12))}`,
      ].sort(),
    );
  });

  it('are read as the year total, by township and by format, with hours in hours', async () => {
    const w = world();
    const a = sampleContent({
      attendance: 100,
      volunteers: [
        { name: '甲', userId: null, hours: 0.1 },
        { name: '乙', userId: null, hours: 0.2 },
      ],
    });
    const b = sampleContent({ attendance: 50, format: 'caravan', townshipCode: '441323100000', materials: [], volunteerCount: 4 });
    await w.repo.createEvents([
      { id: uuid(rng(1)), content: a, status: 'submitted' },
      { id: uuid(rng(2)), content: b, status: 'reviewed' },
    ]);
    const t = await readYearTotals(w.db, 2023, 'submitted');
    expect(t.total).toEqual({ events: 2, attendance: 150, onlineAttendance: 0, materials: 200, volunteers: 6, volunteerHours: 0.3, lastStartAt: null });
    expect(Object.keys(t.byTownship).sort()).toEqual(['441323001000', '441323100000']);
    expect(t.byFormat.caravan).toEqual({ events: 1, attendance: 50, onlineAttendance: 0, materials: 0, volunteers: 4, volunteerHours: 0, lastStartAt: null });
    expect((await readYearTotals(w.db, 2023, 'reviewed')).total.events).toBe(1);
    expect(await readYearTotals(w.db, 2022, 'submitted')).toEqual({
      year: 2022,
      total: { events: 0, attendance: 0, onlineAttendance: 0, materials: 0, volunteers: 0, volunteerHours: 0, lastStartAt: null },
      byTownship: {},
      byFormat: {},
    });
    w.db.close();
  });

  it('are built from the events written at schema version 1 when the ledger upgrades to version 2', async () => {
    const name = freshDb().name;
    const old = new Dexie(name);
    old.version(1).stores(LEDGER_DB_VERSIONS[1]!);
    const r = rng(7);
    const rows: EventRow[] = Array.from({ length: 200 }, (_, i) => {
      const c = randomContent(r);
      const e = sampleEvent({ ...c, id: uuid(r), status: r.pick(['draft', 'submitted', 'reviewed', 'returned'] as const), deleted: i % 9 === 0 });
      return { ...e, year: yearOf(e.startAt, 'Asia/Shanghai'), ym: yearMonthOf(e.startAt, 'Asia/Shanghai') };
    });
    await old.table('events').bulkAdd(rows);
    old.close();

    const db = new LedgerDb(name);
    await db.open();
    expect(db.verno).toBeGreaterThanOrEqual(2);
    const counted = await expectTotalsEqualRecount(db);
    expect(counted).toBe(rows.filter((e) => !e.deleted).length);
    expect(await db.totals.count()).toBe(totalsOf(rows).length);
    db.close();
  });
});
