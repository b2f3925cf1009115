import { describe, expect, it } from 'vitest';
import { DEFAULT_TAXONOMY } from '../../../src/domain/taxonomy';
import { MissingRecordError, ValidationError } from '../../../src/app/db/errors';
import type { LedgerDb } from '../../../src/app/db/ledger-db';
import { ID1, ID2, freshRepo, sampleContent, testDeps } from './helpers';

const ID3 = '018a9b7c-1d2e-7f00-8a00-000000000003';

/**
 * A failure inside the save's transaction, the way IndexedDB fails: an outbox row already holds
 * the seq the next mutation takes (its add is refused with ConstraintError), so the transaction
 * aborts with the event, its outbox row, the seq and the totals written in it.
 */
async function occupySeq(db: LedgerDb, seq: number): Promise<void> {
  await db.outbox.add({
    entity: 'event',
    seq,
    eventId: ID2,
    op: 'delete',
    at: '2023-09-16T10:00:00+08:00',
    clientId: 'other',
    state: 'quarantined',
    rejection: null,
  });
}

const CLIENT = '0b6f1c1e-6a43-4c1e-9a7e-2f3c4d5e6f70';

describe('createEvent', () => {
  it('stores the event with calendar keys and one pending outbox put of every mutable field', async () => {
    const { db, repo } = freshRepo();
    const row = await repo.createEvent(ID1, sampleContent(), 'submitted');
    expect(await db.events.get(ID1)).toEqual(row);
    expect(row).toMatchObject({
      status: 'submitted',
      year: 2023,
      ym: '2023-09',
      deleted: false,
      rev: 0,
      createdBy: 'u-volunteer-1',
      updatedBy: 'u-volunteer-1',
      orgId: 'org-huidong',
      createdAt: '2023-09-16T10:00:00+08:00',
      updatedAt: '2023-09-16T10:00:00+08:00',
    });
    const outbox = await db.outbox.toArray();
    expect(outbox).toHaveLength(1);
    const m = outbox[0]!;
    expect(m).toMatchObject({ clientId: CLIENT, seq: 1, entity: 'event', op: 'put', eventId: ID1, at: '2023-09-16T10:00:00+08:00', state: 'pending' });
    expect(m.op === 'put' && m.entity === 'event' ? Object.keys(m.fields).sort() : []).toEqual(
      [...Object.keys(sampleContent()), 'status', 'reviewNote', 'reviewedBy', 'reviewedAt'].sort(),
    );
    expect(m.op === 'put' && m.entity === 'event' ? m.fields.title : null).toBe('全国科普日进校园');
    expect((await db.meta.get('seq'))?.value).toBe(1);
  });

  it('files an event at 2023-12-31T23:30+08:00 under 2023-12 whatever the phone zone', async () => {
    const { repo, clock } = freshRepo();
    clock.ms = Date.parse('2024-01-02T00:00:00Z');
    const row = await repo.createEvent(ID1, sampleContent({ startAt: '2023-12-31T15:30:00Z', endAt: '2023-12-31T16:30:00Z' }), 'draft');
    expect([row.year, row.ym]).toEqual([2023, '2023-12']);
  });

  it('writes neither the event nor the outbox row when the outbox add fails inside the transaction', async () => {
    const { db, repo } = freshRepo();
    await occupySeq(db, 1);
    await expect(repo.createEvent(ID1, sampleContent(), 'submitted')).rejects.toMatchObject({ name: 'ConstraintError' });
    expect(await db.events.count()).toBe(0);
    expect((await db.outbox.toArray()).map((m) => (m.entity === 'event' ? m.eventId : null))).toEqual([ID2]);
    expect(await db.meta.get('seq')).toBeUndefined();
    expect(await db.totals.count()).toBe(0);
  });

  it('stores one event and one outbox row when the same id is saved twice at once (double tap)', async () => {
    const { db, repo } = freshRepo();
    const [a, b] = await Promise.all([
      repo.createEvent(ID1, sampleContent(), 'submitted'),
      repo.createEvent(ID1, sampleContent({ title: '第二次点击' }), 'submitted'),
    ]);
    expect(b).toEqual(a);
    expect(await db.events.count()).toBe(1);
    expect(await db.outbox.count()).toBe(1);
    await repo.createEvent(ID1, sampleContent(), 'submitted');
    expect(await db.outbox.count()).toBe(1);
  });

  it('refuses invalid content with field problems and writes nothing', async () => {
    const { db, repo } = freshRepo();
    const err = await repo.createEvent(ID1, sampleContent({ title: '  ', attendance: -1 }), 'submitted').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems).toEqual([
      { field: 'title', code: 'required' },
      { field: 'attendance', code: 'negative' },
    ]);
    expect(await db.events.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it('refuses codes missing from the taxonomy and region when references are given', async () => {
    const { repo } = freshRepo({
      references: () => ({ taxonomy: DEFAULT_TAXONOMY, townshipCodes: new Set(['441323001000']) }),
    });
    const err = await repo.createEvent(ID1, sampleContent({ format: 'juggling', townshipCode: '441323999000' }), 'draft').catch((e: unknown) => e);
    expect((err as ValidationError).problems).toEqual([
      { field: 'format', code: 'unknownCode' },
      { field: 'townshipCode', code: 'unknownTownship' },
    ]);
  });

  it('refuses an id that is not a UUID', async () => {
    const { repo } = freshRepo();
    const err = await repo.createEvent('42', sampleContent(), 'draft').catch((e: unknown) => e);
    expect((err as ValidationError).problems).toEqual([{ field: 'id', code: 'badId' }]);
  });
});

describe('createEvents', () => {
  it('writes all events and their outbox rows, or nothing when one write fails', async () => {
    const { db, repo } = freshRepo();
    await occupySeq(db, 2);
    const items = [ID1, ID3].map((id) => ({ id, content: sampleContent(), status: 'submitted' as const }));
    await expect(repo.createEvents(items)).rejects.toMatchObject({ name: 'ConstraintError' });
    expect([await db.events.count(), await db.outbox.count(), await db.totals.count()]).toEqual([0, 1, 0]);
  });

  it('names every bad item of a batch in the problem fields and writes nothing', async () => {
    const { db, repo } = freshRepo();
    const items = [
      { id: ID1, content: sampleContent(), status: 'submitted' as const },
      { id: ID2, content: sampleContent({ venue: '' }), status: 'submitted' as const },
      { id: 'x', content: sampleContent({ attendance: 1.5 }), status: 'submitted' as const },
    ];
    const err = await repo.createEvents(items).catch((e: unknown) => e);
    expect((err as ValidationError).problems).toEqual([
      { field: '1.venue', code: 'required' },
      { field: '2.id', code: 'badId' },
    ]);
    expect(await db.events.count()).toBe(0);
  });

  it('stores two new events with outbox seqs 1 and 2', async () => {
    const { db, repo } = freshRepo();
    const rows = await repo.createEvents([ID1, ID2].map((id) => ({ id, content: sampleContent(), status: 'reviewed' as const })));
    expect(rows.map((r) => r.id)).toEqual([ID1, ID2]);
    expect((await db.outbox.toArray()).map((m) => [m.seq, m.entity === 'event' ? m.eventId : null])).toEqual([
      [1, ID1],
      [2, ID2],
    ]);
  });
});

describe('updateEvent', () => {
  it('puts only the changed fields in the outbox and stamps updatedAt', async () => {
    const { db, repo, clock } = freshRepo();
    await repo.createEvent(ID1, sampleContent(), 'submitted');
    clock.ms += 60_000;
    const row = await repo.updateEvent(ID1, { title: '全国科普日进校园', attendance: 150, themes: ['health'] });
    expect(row).toMatchObject({ attendance: 150, themes: ['health'], updatedAt: '2023-09-16T10:01:00+08:00', createdAt: '2023-09-16T10:00:00+08:00' });
    const last = (await db.outbox.toArray()).at(-1)!;
    expect(last).toMatchObject({ seq: 2, op: 'put', fields: { attendance: 150, themes: ['health'] } });
    expect(last.op === 'put' && last.entity === 'event' ? Object.keys(last.fields) : []).toEqual(['themes', 'attendance']);
  });

  it('writes nothing when no field changes', async () => {
    const { db, repo } = freshRepo();
    const created = await repo.createEvent(ID1, sampleContent(), 'submitted');
    expect(await repo.updateEvent(ID1, { title: created.title, materials: [{ kind: 'leaflet', count: 200 }] })).toEqual(created);
    expect(await db.outbox.count()).toBe(1);
  });

  it('moves the event to its new month when startAt changes', async () => {
    const { repo, clock } = freshRepo();
    await repo.createEvent(ID1, sampleContent(), 'submitted');
    clock.ms = Date.parse('2024-01-02T00:00:00Z');
    const row = await repo.updateEvent(ID1, { startAt: '2024-01-01T08:00:00+08:00', endAt: '2024-01-01T09:00:00+08:00' });
    expect([row.year, row.ym]).toEqual([2024, '2024-01']);
  });

  it('leaves the event and outbox as they were when the outbox add fails', async () => {
    const { db, repo } = freshRepo();
    const created = await repo.createEvent(ID1, sampleContent(), 'submitted');
    await occupySeq(db, 2);
    await expect(repo.updateEvent(ID1, { attendance: 99 })).rejects.toMatchObject({ name: 'ConstraintError' });
    expect(await db.events.get(ID1)).toEqual(created);
    expect(await db.outbox.count()).toBe(2);
    expect((await db.meta.get('seq'))?.value).toBe(1);
  });

  it('refuses a patch that breaks a cross-field rule, and unknown fields', async () => {
    const { repo } = freshRepo();
    await repo.createEvent(ID1, sampleContent(), 'submitted');
    const e1 = await repo.updateEvent(ID1, { endAt: '2023-09-16T08:00:00+08:00' }).catch((e: unknown) => e);
    expect((e1 as ValidationError).problems).toEqual([{ field: 'endAt', code: 'endBeforeStart' }]);
    const e2 = await repo.updateEvent(ID1, { rev: 5 } as never).catch((e: unknown) => e);
    expect((e2 as ValidationError).problems).toEqual([{ field: 'rev', code: 'unknownField' }]);
  });

  it('records review decisions as mutable fields', async () => {
    const { db, repo } = freshRepo();
    await repo.createEvent(ID1, sampleContent(), 'submitted');
    await repo.updateEvent(ID1, { status: 'returned', reviewNote: '请补充照片', reviewedBy: 'u-staff', reviewedAt: '2023-09-17T09:00:00+08:00' });
    expect(await db.outbox.get(2)).toMatchObject({
      fields: { status: 'returned', reviewNote: '请补充照片', reviewedBy: 'u-staff', reviewedAt: '2023-09-17T09:00:00+08:00' },
    });
  });

  it('throws MissingRecordError for an unknown id', async () => {
    const { repo } = freshRepo();
    await expect(repo.updateEvent(ID2, { attendance: 1 })).rejects.toBeInstanceOf(MissingRecordError);
  });

  it("shows a volunteer's change to the counts of a reviewed event as back to review at once, as the server will, without sending review fields", async () => {
    const { db, repo } = freshRepo();
    await repo.createEvent(ID1, sampleContent(), 'submitted');
    await db.events.update(ID1, { status: 'reviewed', reviewedBy: 'u-staff', reviewedAt: '2023-09-17T09:00:00+08:00' });
    await repo.updateEvent(ID1, { notes: '补一句' });
    expect(await db.events.get(ID1)).toMatchObject({ status: 'reviewed', reviewedBy: 'u-staff' });
    const row = await repo.updateEvent(ID1, { attendance: 500000 });
    expect([row.status, row.reviewedBy, row.reviewedAt]).toEqual(['submitted', null, null]);
    expect(((await db.outbox.get(3)) as { fields?: unknown } | undefined)?.fields).toEqual({ attendance: 500000 });
  });

  it("keeps a staff member's edit of a reviewed event reviewed", async () => {
    const { deps } = testDeps();
    const { db, repo } = freshRepo({ identity: () => ({ ...deps.identity(), role: 'staff' }) });
    await repo.createEvent(ID1, sampleContent(), 'submitted');
    await db.events.update(ID1, { status: 'reviewed', reviewedBy: 'u-staff', reviewedAt: '2023-09-17T09:00:00+08:00' });
    expect((await repo.updateEvent(ID1, { attendance: 130 })).status).toBe('reviewed');
  });
});

describe('input that cannot be true', () => {
  // The phone's clock (testDeps) reads 2023-09-16T10:00+08:00.
  it('refuses a new event starting more than a day past the phone’s clock and writes nothing', async () => {
    const { db, repo } = freshRepo();
    const err = await repo
      .createEvent(ID1, sampleContent({ startAt: '2023-09-17T10:01:00+08:00', endAt: '2023-09-17T12:00:00+08:00' }), 'submitted')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems).toEqual([{ field: 'startAt', code: 'startInFuture' }]);
    expect([await db.events.count(), await db.outbox.count()]).toEqual([0, 0]);
    const ok = await repo.createEvent(ID1, sampleContent({ startAt: '2023-09-17T10:00:00+08:00', endAt: '2023-09-17T12:00:00+08:00' }), 'submitted');
    expect(ok.startAt).toBe('2023-09-17T10:00:00+08:00');
  });

  it('refuses 30 February and a title of zero-width spaces', async () => {
    const { db, repo } = freshRepo();
    const err = await repo
      .createEvent(ID1, sampleContent({ title: '\u200B\u200B', startAt: '2023-02-30T09:00:00+08:00' }), 'submitted')
      .catch((e: unknown) => e);
    expect((err as ValidationError).problems).toEqual([
      { field: 'title', code: 'required' },
      { field: 'startAt', code: 'noSuchDate' },
    ]);
    expect(await db.events.count()).toBe(0);
  });

  it('keeps an event whose start lies ahead editable, and refuses only a start moved more than a day ahead', async () => {
    const { db, repo, clock } = freshRepo();
    await repo.createEvent(ID1, sampleContent({ startAt: '2023-09-17T09:00:00+08:00', endAt: '2023-09-17T11:00:00+08:00' }), 'submitted');
    // The phone's clock went back (or the row came from a phone whose clock was ahead).
    clock.ms = Date.parse('2023-09-10T02:00:00Z');
    expect((await repo.updateEvent(ID1, { title: '改个名字' })).title).toBe('改个名字');
    const err = await repo.updateEvent(ID1, { startAt: '2023-09-18T09:00:00+08:00', endAt: '2023-09-18T11:00:00+08:00' }).catch((e: unknown) => e);
    expect((err as ValidationError).problems).toEqual([{ field: 'startAt', code: 'startInFuture' }]);
    expect((await db.events.get(ID1))?.startAt).toBe('2023-09-17T09:00:00+08:00');
    expect(await db.outbox.count()).toBe(2);
  });
});

describe('deleteEvent and undeleteEvent', () => {
  it('keep a tombstone and queue delete then undelete', async () => {
    const { db, repo } = freshRepo();
    await repo.createEvent(ID1, sampleContent(), 'submitted');
    await repo.deleteEvent(ID1);
    expect((await repo.getEvent(ID1))?.deleted).toBe(true);
    await repo.deleteEvent(ID1);
    await repo.undeleteEvent(ID1);
    expect((await repo.getEvent(ID1))?.deleted).toBe(false);
    expect((await db.outbox.toArray()).map((m) => [m.seq, m.op])).toEqual([
      [1, 'put'],
      [2, 'delete'],
      [3, 'undelete'],
    ]);
  });

  it('leaves the event undeleted and no outbox row when the outbox add fails', async () => {
    const { db, repo } = freshRepo();
    await repo.createEvent(ID1, sampleContent(), 'submitted');
    await occupySeq(db, 2);
    await expect(repo.deleteEvent(ID1)).rejects.toMatchObject({ name: 'ConstraintError' });
    expect((await db.events.get(ID1))?.deleted).toBe(false);
    expect(await db.outbox.count()).toBe(2);
  });
});

describe('outbox seq', () => {
  it('rises by one per mutation across creates, edits and deletes', async () => {
    const { db, repo } = freshRepo();
    await repo.createEvent(ID1, sampleContent(), 'draft');
    await repo.updateEvent(ID1, { status: 'submitted' });
    await repo.createEvent(ID2, sampleContent(), 'submitted');
    await repo.deleteEvent(ID1);
    await repo.updateEvent(ID2, { attendance: 7 });
    await repo.undeleteEvent(ID1);
    expect((await db.outbox.toArray()).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await db.meta.get('seq'))?.value).toBe(6);
  });
});

describe('newEventId', () => {
  it('makes a UUID v7 stamped with the clock', async () => {
    const { repo } = freshRepo();
    const id = repo.newEventId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.parse('2023-09-16T02:00:00Z'));
    expect(repo.newEventId()).not.toBe(id);
  });
});
