import { describe, expect, test } from 'vitest';
import { createEventRepository, type Identity } from '../../../src/app/db/event-repository';
import { approveEvent, approveEvents, resubmitEvent, returnEvent, undoApproval } from '../../../src/app/components/report/review-actions';
import { currentReturnReason } from '../../../src/domain/review';
import { buildReport } from '../../../src/domain/report';
import { DEFAULT_TAXONOMY } from '../../../src/domain/taxonomy';
import { freshDb, sampleContent, testDeps, ID1, ID2 } from '../db/helpers';
import { pack } from '../import/seed-ledger';

describe('reviewing an event', () => {
  test('volunteer submits, staff returns with a reason, volunteer fixes and resubmits, staff approves; the report counts it only then', async () => {
    const db = freshDb();
    let who: Identity = { userId: 'u-volunteer-1', orgId: 'org-huidong', role: 'volunteer' };
    const { deps, clock } = testDeps({ identity: () => who });
    const repo = createEventRepository(db, deps);
    const counted = async (reviewedOnly: boolean) =>
      buildReport(await db.events.toArray(), [], { year: 2023, reviewedOnly, taxonomy: DEFAULT_TAXONOMY, pack }).report.total.events;
    const staff = () => ({ userId: 'u-staff-1', now: clock.ms, timeZone: 'Asia/Shanghai' });

    await repo.createEvent(ID1, sampleContent({ attendance: 12000 }), 'submitted');
    expect([await counted(true), await counted(false)]).toEqual([0, 1]);

    who = { userId: 'u-staff-1', orgId: 'org-huidong', role: 'staff' };
    clock.ms += 3_600_000;
    await expect(returnEvent(repo, ID1, '  ', staff())).rejects.toThrow('reason');
    const returned = await returnEvent(repo, ID1, '人次明显偏大，请核实', staff());
    expect([returned.status, returned.reviewNote, returned.reviewedBy, returned.reviewedAt]).toEqual([
      'returned',
      '人次明显偏大，请核实',
      'u-staff-1',
      '2023-09-16T11:00:00+08:00',
    ]);
    expect(await counted(true)).toBe(0);

    who = { userId: 'u-volunteer-1', orgId: 'org-huidong', role: 'volunteer' };
    clock.ms += 3_600_000;
    const fixed = await resubmitEvent(repo, ID1, { attendance: 120 });
    expect([fixed.status, fixed.attendance, fixed.reviewNote]).toEqual(['submitted', 120, '人次明显偏大，请核实']);
    // The note stays stored (staff read it as 上次退回原因), but it is no longer the current reason.
    expect([currentReturnReason(returned), currentReturnReason(fixed)]).toEqual(['人次明显偏大，请核实', null]);
    expect(await counted(true)).toBe(0);

    who = { userId: 'u-staff-1', orgId: 'org-huidong', role: 'staff' };
    clock.ms += 3_600_000;
    const approved = await approveEvent(repo, ID1, staff());
    expect([approved.status, approved.reviewNote, approved.reviewedBy, approved.reviewedAt]).toEqual([
      'reviewed',
      null,
      'u-staff-1',
      '2023-09-16T13:00:00+08:00',
    ]);
    expect([await counted(true), await counted(false)]).toEqual([1, 1]);

    const outbox = await db.outbox.toArray();
    expect(outbox.map((m) => (m.entity === 'event' && m.op === 'put' ? Object.keys(m.fields).sort() : []))).toEqual([
      expect.arrayContaining(['title', 'status']),
      ['reviewNote', 'reviewedAt', 'reviewedBy', 'status'],
      ['attendance', 'status'],
      ['reviewNote', 'reviewedAt', 'status'],
    ]);
  });

  test('staff approve several at once and undo it: each event gets its earlier review state back, through the outbox', async () => {
    const db = freshDb();
    let who: Identity = { userId: 'u-volunteer-1', orgId: 'org-huidong', role: 'volunteer' };
    const { deps, clock } = testDeps({ identity: () => who });
    const repo = createEventRepository(db, deps);
    await repo.createEvent(ID1, sampleContent(), 'submitted');
    await repo.createEvent(ID2, sampleContent({ title: '第二场' }), 'submitted');
    who = { userId: 'u-staff-1', orgId: 'org-huidong', role: 'staff' };
    const staff = { userId: 'u-staff-1', now: clock.ms, timeZone: 'Asia/Shanghai' };
    await returnEvent(repo, ID2, '请补照片', staff);
    who = { userId: 'u-volunteer-1', orgId: 'org-huidong', role: 'volunteer' };
    await resubmitEvent(repo, ID2, { attendance: 90 });
    who = { userId: 'u-staff-1', orgId: 'org-huidong', role: 'staff' };
    const before = await db.events.bulkGet([ID1, ID2]);
    const pushedBefore = await db.outbox.count();

    const done = await approveEvents(repo, before as NonNullable<(typeof before)[number]>[], staff);
    expect(done.approved).toBe(2);
    expect((await db.events.bulkGet([ID1, ID2])).map((e) => [e?.status, e?.reviewNote, e?.reviewedBy])).toEqual([
      ['reviewed', null, 'u-staff-1'],
      ['reviewed', null, 'u-staff-1'],
    ]);

    expect(await undoApproval(repo, done)).toBe(2);
    expect((await db.events.bulkGet([ID1, ID2])).map((e) => [e?.status, e?.reviewNote, e?.reviewedBy, e?.reviewedAt])).toEqual([
      ['submitted', null, null, null],
      ['submitted', '请补照片', 'u-staff-1', '2023-09-16T10:00:00+08:00'],
    ]);
    // Two approvals and two undos, each an ordinary edit waiting to be pushed.
    const added = (await db.outbox.toArray()).slice(pushedBefore);
    expect(added.map((m) => (m.entity === 'event' && m.op === 'put' ? [m.eventId, m.fields.status] : null))).toEqual([
      [ID1, 'reviewed'],
      [ID2, 'reviewed'],
      [ID1, 'submitted'],
      [ID2, 'submitted'],
    ]);
  });

  test('a bulk approval leaves out an event it could not write, and its undo does not touch it', async () => {
    const db = freshDb();
    const { deps, clock } = testDeps({ identity: () => ({ userId: 'u-staff-1', orgId: 'org-huidong', role: 'staff' }) });
    const repo = createEventRepository(db, deps);
    const row = await repo.createEvent(ID1, sampleContent(), 'submitted');
    const ghost = { ...row, id: ID2 };
    const errors: unknown[] = [];
    const orig = console.error;
    console.error = (...a: unknown[]) => void errors.push(a);
    try {
      const done = await approveEvents(repo, [ghost, row], { userId: 'u-staff-1', now: clock.ms, timeZone: 'Asia/Shanghai' });
      expect([done.approved, [...done.previous.keys()]]).toEqual([1, [ID1]]);
    } finally {
      console.error = orig;
    }
    expect(errors).toHaveLength(1);
    expect(await db.events.get(ID2)).toBeUndefined();
  });
});
