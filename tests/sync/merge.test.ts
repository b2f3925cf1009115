import { describe, expect, it } from 'vitest';
import { mergePulledEvent, mergePulledRow, mergePulledTarget } from '../../src/sync/merge';
import type { Target } from '../../src/domain/targets';
import { EVENT_1, EVENT_2, del, put, sampleEvent } from './fixtures';

const LOCAL = { updatedAt: '2023-09-17T08:00:00+08:00', updatedBy: 'u-vol-1' };

describe('mergePulledEvent', () => {
  it('takes the pulled row verbatim when the event has no unsettled mutations', () => {
    const pulled = sampleEvent({ title: '服务器标题', rev: 7, updatedAt: '2023-09-18T10:00:00+08:00', updatedBy: 'u-staff' });
    expect(mergePulledEvent(pulled, LOCAL, [])).toEqual(pulled);
  });

  it('keeps a local edit when a pull brings an older version of the same event', () => {
    const pulled = sampleEvent({ title: '旧标题', attendance: 120, rev: 3 });
    const merged = mergePulledEvent(pulled, LOCAL, [put(5, EVENT_1, { title: '新标题' })]);
    expect(merged).toEqual(sampleEvent({ title: '新标题', attendance: 120, rev: 3, ...LOCAL }));
  });

  it('keeps the server value of a field this device did not touch (different fields both survive)', () => {
    const pulled = sampleEvent({ attendance: 300, title: '旧标题', rev: 9, updatedBy: 'u-staff' });
    const merged = mergePulledEvent(pulled, LOCAL, [put(2, EVENT_1, { title: '我的标题' })]);
    expect(merged.attendance).toBe(300);
    expect(merged.title).toBe('我的标题');
    expect(merged.rev).toBe(9);
  });

  it('re-applies several unsettled mutations in seq order whatever order they are given in', () => {
    const pulled = sampleEvent({ rev: 4 });
    const merged = mergePulledEvent(pulled, LOCAL, [
      put(8, EVENT_1, { title: '第三次' }),
      put(6, EVENT_1, { title: '第一次', attendance: 50 }),
      put(7, EVENT_1, { title: '第二次' }),
    ]);
    expect([merged.title, merged.attendance]).toEqual(['第三次', 50]);
  });

  it('keeps a local delete over a pulled live row, and a local undelete over a pulled tombstone', () => {
    expect(mergePulledEvent(sampleEvent({ rev: 2 }), LOCAL, [del(3, EVENT_1)]).deleted).toBe(true);
    expect(mergePulledEvent(sampleEvent({ rev: 2, deleted: true }), LOCAL, [del(3, EVENT_1, 'undelete')]).deleted).toBe(false);
  });

  it('applies a pulled tombstone when nothing local is unsettled', () => {
    expect(mergePulledEvent(sampleEvent({ rev: 5, deleted: true }), LOCAL, [])).toEqual(sampleEvent({ rev: 5, deleted: true }));
  });

  it('ignores unsettled mutations of other events', () => {
    const pulled = sampleEvent({ title: '服务器', rev: 2 });
    expect(mergePulledEvent(pulled, LOCAL, [put(1, EVENT_2, { title: '别的活动' })])).toEqual(pulled);
  });

  it('sets a field to null when a pending mutation cleared it (a cleared value is a value)', () => {
    const pulled = sampleEvent({ campaign: 'science-day', rev: 2 });
    expect(mergePulledEvent(pulled, LOCAL, [put(1, EVENT_1, { campaign: null })]).campaign).toBeNull();
  });

  it('keeps the server bookkeeping when there is no local row to take updatedAt from', () => {
    const pulled = sampleEvent({ title: 'A', rev: 2, updatedBy: 'u-staff' });
    expect(mergePulledEvent(pulled, undefined, [put(1, EVENT_1, { title: 'B' })])).toEqual(sampleEvent({ title: 'B', rev: 2, updatedBy: 'u-staff' }));
  });
});

describe('mergePulledTarget and mergePulledRow', () => {
  const target: Target = {
    id: '018a9b7c-1d2e-7f00-8a00-0000000000aa',
    orgId: 'org-1',
    year: 2023,
    kind: 'count',
    measure: 'events',
    axis: 'format',
    axisCode: 'caravan',
    min: 5,
    level1: '产出指标',
    level2: '数量指标',
    level3: '科普大篷车巡展',
    unit: '场次',
    createdBy: 'u-staff',
    createdAt: '2023-01-01T00:00:00+08:00',
    updatedBy: 'u-staff',
    updatedAt: '2023-01-01T00:00:00+08:00',
    deleted: false,
    rev: 11,
  };

  it('re-applies a pending target edit and a pending target delete', () => {
    const m1 = { entity: 'target', op: 'put', seq: 1, targetId: target.id, fields: { min: 8 }, at: '2023-02-01T00:00:00+08:00' } as const;
    const m2 = { entity: 'target', op: 'delete', seq: 2, targetId: target.id, at: '2023-02-01T00:00:00+08:00' } as const;
    expect(mergePulledTarget(target, undefined, [m1])).toEqual({ ...target, min: 8 });
    expect(mergePulledTarget(target, undefined, [m1, m2])).toEqual({ ...target, min: 8, deleted: true });
  });

  it('dispatches on the entity of the pulled row', () => {
    expect(mergePulledRow({ entity: 'target', row: target }, undefined, [])).toEqual({ entity: 'target', row: target });
    expect(mergePulledRow({ entity: 'event', row: sampleEvent() }, LOCAL, [put(1, EVENT_1, { attendance: 9 })])).toEqual({
      entity: 'event',
      row: sampleEvent({ attendance: 9, ...LOCAL }),
    });
  });
});
