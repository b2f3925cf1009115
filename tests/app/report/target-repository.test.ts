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
});
