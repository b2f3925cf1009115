import { describe, expect, test } from 'vitest';
import { buildReport, countSeries, type ReportOptions } from '../../src/domain/report';
import { townshipReportName, villageShortName } from '../../src/domain/region';

/** The year's tables (buildReport without targets). */
const buildYearReport = (events: Parameters<typeof buildReport>[0], year: number, reviewedOnly: boolean, ctx: Omit<ReportOptions, 'year' | 'reviewedOnly'>) =>
  buildReport(events, [], { ...ctx, year, reviewedOnly }).report;
import { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
import { loadHuidongPack } from '../fixtures/region-pack';
import { seed2023Events } from '../fixtures/seed-2023';

const pack = loadHuidongPack();
const ctx = { taxonomy: DEFAULT_TAXONOMY, pack };
const events = seed2023Events('reviewed');
const byLabel = (rows: readonly { label: string; tally: { events: number } }[]) =>
  Object.fromEntries(rows.filter((r) => r.tally.events > 0).map((r) => [r.label, r.tally.events]));

describe('the year report over the 2023 seed activities', () => {
  const report = buildYearReport(events, 2023, true, ctx);

  test('counts the 53 activities of the seed report with their people, materials and volunteers', () => {
    expect(report.total).toEqual({
      events: 53,
      attendance: 11617,
      onlineAttendance: 0,
      materials: 28680,
      volunteers: 154,
      volunteerHours: 452.5,
      lastStartAt: '2023-12-09T09:00:00+08:00',
    });
  });

  test("has the seed report's 场次 per format in taxonomy order", () => {
    expect(report.byFormat.map((r) => [r.label, r.tally.events])).toEqual([
      ['科普大篷车巡展', 5],
      ['科普讲座/报告会', 6],
      ['公开课', 7],
      ['实验互动课堂', 5],
      ['广场集中宣传', 2],
      ['进村/进社区志愿服务', 24],
      ['急救技术科普', 4],
    ]);
  });

  test('puts 全国科普日 at 5 events, 20400 份 and 3530 人次, and 科技活动周 at 3', () => {
    const day = report.byCampaign.find((r) => r.key === 'science-day')!;
    expect([day.tally.events, day.tally.materials, day.tally.attendance]).toEqual([5, 20400, 3530]);
    expect(byLabel(report.byCampaign)).toEqual({ 全国科普日: 5, 全国科技活动周: 3, 无专项: 45 });
  });

  test("lists every township, the zeros too, with the seed's places reached", () => {
    expect(report.byTownship).toHaveLength(16);
    expect(byLabel(report.byTownship)).toEqual({
      平山街道: 30,
      大岭街道: 1,
      梁化镇: 3,
      稔山镇: 3,
      吉隆镇: 7,
      黄埠镇: 5,
      宝口镇: 3,
      巽寮滨海旅游度假区: 1,
    });
    expect(report.byTownship.find((r) => r.label === '白花镇')!.tally.events).toBe(0);
  });

  test('has twelve months that add up to the year', () => {
    expect(report.byMonth.map((r) => r.tally.events)).toEqual([2, 3, 4, 5, 6, 6, 4, 4, 7, 6, 5, 1]);
    expect(report.byMonth[0]!.label).toBe('1月');
  });

  test('counts an event once under each of its themes', () => {
    const themes = byLabel(report.byTheme);
    expect(themes['科技知识']).toBe(4 + 5 + 7 + 3 + 5 + 5);
    expect(themes['传统文化']).toBe(4);
  });

  test('keeps a roster of named volunteers with events and hours, most hours first', () => {
    expect(report.volunteers).toHaveLength(12);
    expect(report.volunteers.reduce((s, v) => s + v.hours, 0)).toBe(452.5);
    expect(report.volunteers[0]!.hours).toBeGreaterThanOrEqual(report.volunteers[11]!.hours);
  });

  test('counts submitted events only when asked to count all', () => {
    const mixed = events.map((e, i) => (i < 3 ? { ...e, status: 'submitted' as const } : e));
    expect(buildYearReport(mixed, 2023, true, ctx).total.events).toBe(50);
    expect(buildYearReport(mixed, 2023, false, ctx).total.events).toBe(53);
  });

  test('leaves out deleted events and events of other years', () => {
    const other = events.map((e, i) =>
      i === 0 ? { ...e, deleted: true } : i === 1 ? { ...e, startAt: '2022-12-31T23:30:00+08:00', endAt: '2022-12-31T23:45:00+08:00' } : e,
    );
    expect(buildYearReport(other, 2023, true, ctx).total.events).toBe(51);
  });

  test('totals any series, e.g. the 全国科普日 campaign, split by format', () => {
    const s = countSeries(events, { year: 2023, campaigns: ['science-day'], reviewedOnly: true });
    expect([s.total.events, s.total.materials, s.total.attendance]).toEqual([5, 20400, 3530]);
    expect(Object.fromEntries([...s.byFormat].map(([k, t]) => [k, t.events]))).toEqual({ 'square-campaign': 2, lecture: 3 });
  });
});

describe("place names in the report's manner", () => {
  test('names a 街道 in full and a town by its short name', () => {
    const named = (code: string) => townshipReportName(pack.townships.find((t) => t.code === code)!);
    expect([named('441323001000'), named('441323109000')]).toEqual(['平山街道', '吉隆']);
  });

  test('shortens village committees to everyday names', () => {
    expect(['平江村民委员会', '王公社区居民委员会', '华侨城社区居委会'].map((name) => villageShortName({ name }))).toEqual([
      '平江村',
      '王公社区',
      '华侨城社区',
    ]);
  });
});

describe('counting along several axes at once', () => {
  test('gives the same tallies as counting one axis at a time', async () => {
    const { countEventsBy, countEventsByAxes } = await import('../../src/domain/counts');
    const axes = ['format', 'venue', 'campaign', 'theme', 'township', 'month'] as const;
    const all = countEventsByAxes(events, axes, { year: 2023 });
    for (const a of axes) expect(all.groups[a]).toEqual(countEventsBy(events, a, { year: 2023 }).groups);
    expect(all.total).toEqual(countEventsBy(events, 'format', { year: 2023 }).total);
  });

  test('finds the latest start across offsets, as text when the offsets agree', async () => {
    const { isLaterInstant } = await import('../../src/domain/counts');
    expect(isLaterInstant('2023-05-20T10:00:00+08:00', '2023-05-20T09:00:00+08:00')).toBe(true);
    expect(isLaterInstant('2023-05-20T09:00:00+08:00', '2023-05-20T02:30:00Z')).toBe(false);
    expect(isLaterInstant('2023-05-20T03:00:00+00:00', '2023-05-20T10:30:00+08:00')).toBe(true);
  });
});
