import { describe, expect, test } from 'vitest';
import { createTargetRepository } from '../../../src/app/db/target-repository';
import { ValidationError } from '../../../src/app/db/errors';
import type { TargetFields } from '../../../src/domain/targets';
import { freshDb, testDeps } from '../db/helpers';

const FIELDS: TargetFields = {
  year: 2023,
  kind: 'count',
  measure: 'events',
  axis: 'format',
  axisCode: 'caravan',
  min: 5,
  level1: '产出指标',
  level2: '数量指标',
  level3: '科普大篷车巡展场次',
  unit: '场次',
};
const TID = '018a9b7c-1d2e-7f00-9a00-000000000001';

function world() {
  const db = freshDb();
  const { deps, clock } = testDeps({ identity: () => ({ userId: 'u-staff-1', orgId: 'org-huidong', role: 'staff' }) });
  return { db, clock, repo: createTargetRepository(db, deps) };
}

describe('the target repository', () => {
  test('stores a target and its outbox put of every field in one go', async () => {
    const { db, repo } = world();
    const row = await repo.createTarget(TID, FIELDS);
    expect(row).toEqual({
      ...FIELDS,
      id: TID,
      orgId: 'org-huidong',
      createdBy: 'u-staff-1',
      createdAt: '2023-09-16T10:00:00+08:00',
      updatedBy: 'u-staff-1',
      updatedAt: '2023-09-16T10:00:00+08:00',
      deleted: false,
      rev: 0,
    });
    expect(await db.outbox.toArray()).toEqual([
      {
        clientId: '0b6f1c1e-6a43-4c1e-9a7e-2f3c4d5e6f70',
        seq: 1,
        entity: 'target',
        op: 'put',
        targetId: TID,
        fields: FIELDS,
        at: '2023-09-16T10:00:00+08:00',
        state: 'pending',
        rejection: null,
      },
    ]);
    await repo.createTarget(TID, { ...FIELDS, min: 9 });
    expect([await db.targets.count(), await db.outbox.count()]).toEqual([1, 1]);
  });

  test('sends only the changed fields of an edit, and a delete as a tombstone', async () => {
    const { db, repo, clock } = world();
    await repo.createTarget(TID, FIELDS);
    clock.ms += 60_000;
    await repo.updateTarget(TID, { min: 6, unit: '场次' });
    await repo.deleteTarget(TID);
    const outbox = await db.outbox.toArray();
    expect(outbox.slice(1).map((m) => [m.seq, m.entity, m.op, 'fields' in m ? m.fields : null])).toEqual([
      [2, 'target', 'put', { min: 6 }],
      [3, 'target', 'delete', null],
    ]);
    expect((await db.targets.get(TID))!.deleted).toBe(true);
    expect(await repo.targetsOfYear(2023)).toEqual([]);
  });

  test('refuses a negative target and writes nothing', async () => {
    const { db, repo } = world();
    const err = await repo.createTarget(TID, { ...FIELDS, min: -1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems).toEqual([{ field: 'min', code: 'negative' }]);
    expect([await db.targets.count(), await db.outbox.count()]).toEqual([0, 0]);
  });

  test('an indicator edit on an old target sends only its new fields; a bad manual value is refused and changes nothing', async () => {
    const { db, repo, clock } = world();
    await repo.createTarget(TID, FIELDS);
    clock.ms += 60_000;
    const row = await repo.updateTarget(TID, { weight: 4, source: 'manual', manualValue: 95.5, valueNote: '问卷统计', evidence: '满意度问卷汇总表', min: 5 });
    expect(row).toMatchObject({ ...FIELDS, weight: 4, source: 'manual', manualValue: 95.5 });
    expect((await db.outbox.toArray()).at(-1)).toMatchObject({
      op: 'put',
      fields: { weight: 4, source: 'manual', manualValue: 95.5, valueNote: '问卷统计', evidence: '满意度问卷汇总表' },
    });
    const err = await repo.updateTarget(TID, { manualValue: -3, deviation: '改' }).catch((e: unknown) => e);
    expect((err as ValidationError).problems).toEqual([{ field: 'manualValue', code: 'negative' }]);
    expect(await db.targets.get(TID)).toMatchObject({ manualValue: 95.5 });
    expect((await db.targets.get(TID))!.deviation).toBeUndefined();
    expect(await db.outbox.count()).toBe(2);
  });

  test('keeps evidence photos as a list of at most 12 content hashes, and refuses anything else', async () => {
    const { db, repo } = world();
    const hashes = Array.from({ length: 13 }, (_, i) => i.toString(16).padStart(64, '0'));
    const bad = async (photos: unknown) =>
      ((await repo.createTarget(TID, { ...FIELDS, photos } as TargetFields).catch((e: unknown) => e)) as ValidationError).problems;
    expect(await bad(hashes)).toEqual([{ field: 'photos', code: 'tooMany' }]);
    expect(await bad(['not-a-hash'])).toEqual([{ field: 'photos.0', code: 'badPhotoHash' }]);
    expect(await db.outbox.count()).toBe(0);
    const row = await repo.createTarget(TID, { ...FIELDS, photos: hashes.slice(0, 12) });
    expect(row.photos).toHaveLength(12);
    expect((await db.outbox.toArray())[0]).toMatchObject({ entity: 'target', op: 'put', fields: { photos: hashes.slice(0, 12) } });
  });

  test("copies last year's indicators into the year once, definitions only, in order, each with its outbox put", async () => {
    const { db, repo } = world();
    await repo.createTarget(TID, { ...FIELDS, level1: '预算使用效益', weight: 4, rule: 'bands', deviation: '去年的说明' });
    await repo.createTarget('018a9b7c-1d2e-7f00-9a00-000000000002', {
      ...FIELDS,
      level1: '预算执行',
      level3: '政府采购执行率',
      unit: '%',
      min: 100,
      weight: 2,
      source: 'manual',
      manualValue: 50,
      valueNote: '采购台账',
    });
    expect(await repo.copyIndicators(2023, 2024)).toBe(2);
    const copied = await repo.targetsOfYear(2024);
    expect(copied.map((t) => [t.level3, t.weight, t.manualValue ?? null, t.deviation ?? null, t.valueNote ?? null])).toEqual([
      ['科普大篷车巡展场次', 4, null, null, null],
      ['政府采购执行率', 2, null, null, null],
    ]);
    const puts = (await db.outbox.toArray()).slice(2);
    expect(puts.map((m) => ('targetId' in m ? m.targetId : ''))).toEqual(copied.map((t) => t.id));
    // Again: nothing more, the year already has them.
    expect(await repo.copyIndicators(2023, 2024)).toBe(0);
    expect(await db.targets.count()).toBe(4);
  });
});
