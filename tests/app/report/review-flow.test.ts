import { describe, expect, test } from 'vitest';
import { createEventRepository, type Identity } from '../../../src/app/db/event-repository';
import { approveEvent, resubmitEvent, returnEvent } from '../../../src/app/components/report/review-actions';
import { buildReport } from '../../../src/domain/report';
import { DEFAULT_TAXONOMY } from '../../../src/domain/taxonomy';
import { freshDb, sampleContent, testDeps, ID1 } from '../db/helpers';
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
});
