import { describe, expect, test } from 'vitest';
import { buildReport } from '../../src/domain/report';
import { formatRate } from '../../src/domain/targets-eval';
import { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
import type { Target } from '../../src/domain/targets';
import { loadHuidongPack } from '../fixtures/region-pack';
import { seed2023Events } from '../fixtures/seed-2023';

const pack = loadHuidongPack();
const events = seed2023Events('reviewed');
let n = 0;
function target(over: Partial<Target>): Target {
  n += 1;
  return {
    year: 2023,
    kind: 'count',
    measure: 'events',
    axis: 'all',
    axisCode: null,
    min: 1,
    level1: '产出指标',
    level2: '数量指标',
    level3: '',
    unit: '场次',
    id: `00000000-0000-7000-9000-${String(n).padStart(12, '0')}`,
    orgId: 'org-1',
    createdBy: 'staff-1',
    createdAt: '2023-01-02T09:00:00+08:00',
    updatedBy: 'staff-1',
    updatedAt: '2023-01-02T09:00:00+08:00',
    deleted: false,
    rev: 0,
    ...over,
  };
}
const ctx = { year: 2023, reviewedOnly: true, pack };

/** The year's targets against actuals (buildReport's). */
const evaluateTargets = (targets: Target[], evs: Parameters<typeof buildReport>[0], c: typeof ctx) =>
  buildReport(evs, targets, { ...c, taxonomy: DEFAULT_TAXONOMY }).targets;

describe('targets against the 2023 seed activities', () => {
  test('gives 目标值, 实际完成值 and 完成率 for counts along any axis', () => {
    const r = evaluateTargets(
      [
        target({ axis: 'format', axisCode: 'caravan', min: 5, level3: '科普大篷车巡展场次' }),
        target({ axis: 'campaign', axisCode: 'science-day', min: 10, level3: '全国科普日专题活动场次' }),
        target({ measure: 'materials', min: 20000, unit: '份', level3: '发放科普资料' }),
        target({ measure: 'attendance', axis: 'campaign', axisCode: 'science-day', min: 3000, unit: '人次' }),
        target({ measure: 'townshipsCovered', min: 10, unit: '个' }),
        target({ measure: 'volunteerHours', min: 400, unit: '小时' }),
      ],
      events,
      ctx,
    );
    expect(r.map((x) => [x.goal, x.actual, formatRate(x.rate), x.met])).toEqual([
      [5, 5, '100%', true],
      [10, 5, '50%', false],
      [20000, 28680, '143.4%', true],
      [3000, 3530, '117.7%', true],
      [10, 8, '80%', false],
      [400, 452.5, '113.1%', true],
    ]);
  });

  test('names the townships that fail "every township ≥ 2 events", zones counted for their town', () => {
    const [r] = evaluateTargets([target({ kind: 'coverage', min: 2, unit: '场次' })], events, ctx);
    expect(r!.shortfalls.map((g) => [g.name, g.value])).toEqual([
      ['大岭街道', 1],
      ['白花镇', 0],
      ['铁涌镇', 0],
      ['平海镇', 1],
      ['多祝镇', 0],
      ['安墩镇', 0],
      ['高潭镇', 0],
      ['白盆珠镇', 0],
    ]);
    expect([r!.goal, r!.actual, r!.met]).toEqual([14, 6, false]);
  });

  test('skips deleted targets and targets of other years', () => {
    const r = evaluateTargets([target({ deleted: true }), target({ year: 2024 }), target({ min: 50 })], events, ctx);
    expect(r.map((x) => x.actual)).toEqual([53]);
  });

  test('counts only reviewed events unless asked to count all', () => {
    const mixed = events.map((e, i) => (i < 10 ? { ...e, status: 'submitted' as const } : e));
    expect(evaluateTargets([target({})], mixed, ctx)[0]!.actual).toBe(43);
    expect(evaluateTargets([target({})], mixed, { ...ctx, reviewedOnly: false })[0]!.actual).toBe(53);
  });

  test('has no 完成率 for a goal of 0', () => {
    expect(formatRate(evaluateTargets([target({ min: 0 })], events, ctx)[0]!.rate)).toBe('—');
  });
});
