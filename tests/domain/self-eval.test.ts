import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import { EXTERNAL_FIGURES, externalFigure, externalFigureLabel } from '../../src/domain/external-figures';
import { buildReport } from '../../src/domain/report';
import {
  actualTextOf,
  buildSelfEval,
  copyIndicatorDefinitions,
  DEFAULT_BANDS,
  goalTextOf,
  roundScore,
  scoreIndicator,
  sumScores,
} from '../../src/domain/self-eval';
import { targetPatchSchema, targetSchema, type Target } from '../../src/domain/targets';
import { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
import { indicator, seedIndicators } from '../fixtures/self-eval-2023';
import { loadHuidongPack } from '../fixtures/region-pack';
import { seed2023Events } from '../fixtures/seed-2023';

const pack = loadHuidongPack();
const events = seed2023Events('reviewed');
const evaluate = (targets: Target[], externals?: Record<string, number>) =>
  buildReport(events, targets, { year: 2023, reviewedOnly: true, taxonomy: DEFAULT_TAXONOMY, pack, externals }).targets;
const table = (targets: Target[], externals?: Record<string, number>) => buildSelfEval(evaluate(targets, externals));
const at = (rate: number | null, met = rate === null || rate >= 1) => ({ rate, met, missing: false });

describe('scoring rules', () => {
  test('proportional: 分值 × 完成率, capped at 分值', () => {
    expect(scoreIndicator('proportional', 10, at(0.5), undefined, null)).toBe(5);
    expect(scoreIndicator('proportional', 10, at(1.43), undefined, null)).toBe(10);
    expect(scoreIndicator('proportional', 9, at(0.95), undefined, null)).toBe(8.55);
    expect(scoreIndicator('proportional', 3, at(0), undefined, null)).toBe(0);
  });

  test('all-or-nothing: full when met, else 0', () => {
    expect(scoreIndicator('allOrNothing', 5, at(1), undefined, null)).toBe(5);
    expect(scoreIndicator('allOrNothing', 5, at(0.99), undefined, null)).toBe(0);
  });

  test('threshold bands: the highest band reached, default ≥100% 100%, ≥90% 80%, ≥80% 60%, ≥60% 40%', () => {
    expect(DEFAULT_BANDS.map((b) => [b.atLeast, b.share])).toEqual([
      [1, 1],
      [0.9, 0.8],
      [0.8, 0.6],
      [0.6, 0.4],
    ]);
    expect([1.2, 1, 0.95, 0.9, 0.85, 0.6, 0.59].map((r) => scoreIndicator('bands', 5, at(r), undefined, null))).toEqual([5, 5, 4, 4, 3, 2, 0]);
    // Own bands, in any order; 27/30 is exactly the 90% band.
    const own = [
      { atLeast: 0.5, share: 0.5 },
      { atLeast: 1, share: 1 },
    ];
    expect(scoreIndicator('bands', 4, at(27 / 30), own, null)).toBe(2);
    expect(scoreIndicator('bands', 4, at(0.49), own, null)).toBe(0);
    expect(scoreIndicator('bands', 4, at(1), [], null)).toBe(4);
  });

  test('manual: staff enter 得分, capped at 分值 and at 0; none entered is unscored (null)', () => {
    expect(scoreIndicator('manual', 9, at(0.98), undefined, 8.5)).toBe(8.5);
    expect(scoreIndicator('manual', 9, at(0.98), undefined, 12)).toBe(9);
    expect(scoreIndicator('manual', 9, at(0.98), undefined, null)).toBeNull();
    expect(scoreIndicator('manual', 9, at(0.98), undefined, undefined)).toBeNull();
  });

  test('a missing 实际值 scores 0 under a computed rule, and the staff 得分 under the manual rule', () => {
    const missing = { rate: null, met: false, missing: true };
    for (const rule of ['proportional', 'allOrNothing', 'bands'] as const) expect(scoreIndicator(rule, 3, missing, undefined, 3)).toBe(0);
    expect(scoreIndicator('manual', 3, missing, undefined, 1.5)).toBe(1.5);
  });

  test('without a goal (目标值 0) a met indicator is full', () => {
    expect(scoreIndicator('proportional', 2, at(null, true), undefined, null)).toBe(2);
    expect(scoreIndicator('bands', 2, at(null, true), undefined, null)).toBe(2);
  });

  test('rounding: half up to 0.01, sums exact in hundredths', () => {
    expect(roundScore(3 * (1 / 3))).toBe(1);
    expect(roundScore(8.505)).toBe(8.51);
    expect(roundScore(1.005)).toBe(1.01);
    expect(sumScores([21.5, 5, 13])).toBe(39.5);
    expect(sumScores([0.1, 0.2])).toBe(0.3);
    expect(sumScores([8.5, 1, 1, 11, 5, 13])).toBe(39.5);
  });
});

describe('the table', () => {
  test('reproduces the seed 自评表: 预算编制 23/23, 预算执行 39.5/43, 预算使用效益 31/34, total 93.5 of 100', () => {
    const t = table(seedIndicators());
    expect(t.groups.map((g) => [g.level1, g.weight, g.score])).toEqual([
      ['预算编制', 23, 23],
      ['预算执行', 43, 39.5],
      ['预算使用效益', 34, 31],
    ]);
    expect([t.weight, t.score, t.unscored]).toEqual([100, 93.5, 0]);
    // The sub-items the seed names, with their deductions.
    const byName = new Map(t.rows.map((r) => [r.target.level3, r]));
    expect(byName.get('部门预算资金支出率')!.score).toBe(8.5);
    expect(byName.get('国库集中支付结转结余存量资金效率性')!.score).toBe(1);
    expect(byName.get('政府采购执行率')!.score).toBe(1);
    const xinfang = byName.get('群众信访办理情况')!;
    expect([xinfang.score, xinfang.status, xinfang.actualText]).toEqual([0, 'missing', '未取得']);
    // 资金管理 21.5, 项目管理 5, 资产管理 13, as the seed says.
    const sub = (l2: string) => sumScores(t.rows.filter((r) => r.target.level2 === l2).map((r) => r.score ?? 0));
    expect([sub('资金管理'), sub('项目管理'), sub('资产管理')]).toEqual([21.5, 5, 13]);
    // The activity indicators are counted from the fixture's events.
    expect(byName.get('进村、进社区志愿服务场次')!.actualText).toBe('24场次');
    expect(byName.get('科普大篷车巡展场次')!.actualText).toBe('5场次');
    expect(byName.get('派发科普宣传资料')!.actualText).toBe('28680份');
    expect(byName.get('活动覆盖镇街数')!.actualText).toBe('8个');
    expect(byName.get('服务对象满意度')!.actualText).toBe('95%');
    expect(byName.get('服务对象满意度')!.goalText).toBe('≥90%');
  });

  test('an external figure supplied by the caller is read and scored: the 信访 row gets its 3 points', () => {
    const t = table(seedIndicators(), { 'feedback.onTimeRate': 100, unrelated: 5 });
    const xinfang = t.rows.find((r) => r.target.level3 === '群众信访办理情况')!;
    expect([xinfang.score, xinfang.status, xinfang.actualText]).toEqual([3, 'scored', '100%']);
    expect(t.score).toBe(96.5);
    // A half-way figure scores proportionally (the rule's default).
    expect(table(seedIndicators(), { 'feedback.onTimeRate': 50 }).score).toBe(95);
  });

  test('a manual value not yet entered reads 未填报 and scores 0; a manual 得分 not yet entered is unscored', () => {
    const t = table([
      indicator({ level1: 'A', level3: '资金支出率', weight: 9, source: 'manual', manualValue: null }),
      indicator({ level1: 'A', level3: '满意度', weight: 5, source: 'manual', manualValue: 90, rule: 'manual', manualScore: null }),
    ]);
    expect(t.rows.map((r) => [r.actualText, r.score, r.status])).toEqual([
      ['未填报', 0, 'missing'],
      ['90%', null, 'unscored'],
    ]);
    expect([t.weight, t.score, t.unscored]).toEqual([14, 0, 1]);
  });

  test('a target without 分值 (written before indicators) is listed, not scored, and old rows still validate', () => {
    const old = indicator({ level1: '产出指标', level3: '科普大篷车巡展', axis: 'format', axisCode: 'caravan', min: 5, unit: '场次' });
    expect(v.safeParse(targetSchema, old).success).toBe(true);
    const t = table([old, indicator({ level1: '产出指标', level3: '场次', min: 50, unit: '场次', weight: 10 })]);
    expect(t.rows.map((r) => [r.weight, r.score, r.status, r.goalText, r.actualText])).toEqual([
      [null, null, 'unscored', '≥5场次', '5场次'],
      [10, 10, 'scored', '≥50场次', '53场次'],
    ]);
    expect([t.weight, t.score, t.unscored]).toEqual([10, 10, 0]);
  });

  test('coverage rows print 指标值 and 实际完成值 in words', () => {
    const cov = indicator({ kind: 'coverage', min: 2, unit: '场次', level1: 'B', weight: 6 });
    const [e] = evaluate([cov]);
    expect(goalTextOf(cov)).toBe('各镇街≥2场次');
    expect(actualTextOf(e!)).toBe('6/14个镇街达标');
    expect(buildSelfEval([e!]).score).toBe(roundScore((6 * 6) / 14));
  });
});

describe('indicator fields', () => {
  test('new fields validate; bad values are refused with a code', () => {
    const ok = v.safeParse(targetPatchSchema, {
      weight: 9,
      goalText: '100%',
      source: 'external',
      externalKey: 'feedback.onTimeRate',
      rule: 'bands',
      bands: [{ atLeast: 0.9, share: 0.8 }],
      manualScore: 8.5,
      manualValue: null,
      valueNote: '说明',
      evidence: 'https://example.org/决算.pdf',
      deviation: '偏差原因',
    });
    expect(ok.success).toBe(true);
    const codes = (x: unknown) => {
      const r = v.safeParse(targetPatchSchema, x);
      return r.success ? [] : r.issues.map((i) => i.message);
    };
    expect(codes({ weight: -1 })).toEqual(['negative']);
    expect(codes({ weight: 101 })).toEqual(['tooLarge']);
    expect(codes({ rule: 'guess' })).toEqual(['badRule']);
    expect(codes({ source: 'rumour' })).toEqual(['badSource']);
    expect(codes({ externalKey: 'Feedback rate' })).toEqual(['badExternalKey']);
    expect(codes({ bands: [{ atLeast: 0.9, share: 2 }] })).toEqual(['tooLarge']);
    expect(codes({ deviation: 'x'.repeat(501) })).toEqual(['tooLong']);
  });

  test('external figures: a registry of known keys with labels; the set is open; missing or non-finite → null', () => {
    expect(EXTERNAL_FIGURES.map((f) => f.key)).toEqual(expect.arrayContaining(['feedback.onTimeRate', 'feedback.satisfactionRate']));
    expect(externalFigureLabel('feedback.onTimeRate')).toBe('群众意见按时办结率');
    expect(externalFigureLabel('feedback.onTimeRate', 'en')).toBe('Public feedback answered on time');
    expect(externalFigureLabel('other.figure')).toBe('other.figure');
    expect(externalFigure({ 'other.figure': 3 }, 'other.figure')).toBe(3);
    expect(externalFigure({ x: Number.NaN }, 'x')).toBeNull();
    expect(externalFigure({}, 'toString')).toBeNull();
    expect(externalFigure(undefined, 'x')).toBeNull();
  });
});

describe("copy last year's indicators", () => {
  test('copies definitions, not values, into the year, never duplicating one already there', () => {
    const last = seedIndicators();
    const already = indicator({ year: 2024, level1: '预算编制', level2: '预算编制', level3: '预算编制完整性与规范性', weight: 20 });
    const copied = copyIndicatorDefinitions([...last, { ...last[1]!, id: 'dup' }, { ...last[2]!, deleted: true, level3: '已删除' }], [already], 2024);
    expect(copied).toHaveLength(last.length - 1);
    expect(copied.every((c) => c.year === 2024)).toBe(true);
    const spend = copied.find((c) => c.level3 === '部门预算资金支出率')!;
    expect(spend).toMatchObject({ weight: 9, goalText: '100%', source: 'manual', manualValue: null, rule: 'manual', manualScore: null });
    expect(spend).not.toHaveProperty('deviation');
    expect(spend).not.toHaveProperty('valueNote');
    expect(spend).not.toHaveProperty('evidence');
    expect(copied.find((c) => c.level3 === '群众信访办理情况')).toMatchObject({ source: 'external', externalKey: 'feedback.onTimeRate' });
    // Every copy is a valid target; a second copy adds nothing.
    for (const c of copied) expect(v.safeParse(targetPatchSchema, c).success).toBe(true);
    const after = [already, ...copied.map((c, i) => indicator({ ...c, id: `00000000-0000-7000-9200-${String(i).padStart(12, '0')}` }))];
    expect(copyIndicatorDefinitions(last, after, 2024)).toEqual([]);
  });
});
