import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import { buildReport } from '../../src/domain/report';
import {
  blankLine,
  countLines,
  crossTableOf,
  DEFAULT_REPORT_LINES,
  inLine,
  reportLineSchema,
  reportLinesSchema,
  type ReportLine,
} from '../../src/domain/report-lines';
import type { Target } from '../../src/domain/targets';
import { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
import { loadHuidongPack } from '../fixtures/region-pack';
import { seed2023Events } from '../fixtures/seed-2023';

const pack = loadHuidongPack();
const events = seed2023Events('reviewed');
const report = (evs = events, targets: Target[] = [], over: Partial<Parameters<typeof buildReport>[2]> = {}) =>
  buildReport(evs, targets, { year: 2023, reviewedOnly: true, taxonomy: DEFAULT_TAXONOMY, pack, round: true, ...over });
const line = (parts: Partial<ReportLine>): ReportLine => ({ ...blankLine('x', 'X'), ...parts });
const base = events[0]!;

describe('a line definition', () => {
  test('"not campaign X" leaves out that campaign and keeps events with none or another', () => {
    const l = line({ formats: ['volunteer-service'], notCampaigns: ['science-day'] });
    expect(inLine(l, { ...base, campaign: null })).toBe(true);
    expect(inLine(l, { ...base, campaign: 'sci-tech-week' })).toBe(true);
    expect(inLine(l, { ...base, campaign: 'science-day' })).toBe(false);
    expect(inLine(l, { ...base, format: 'lecture', campaign: null })).toBe(false);
  });

  test('"no campaign" is the code none, in campaigns or notCampaigns', () => {
    expect(inLine(line({ campaigns: ['none'] }), { ...base, campaign: null })).toBe(true);
    expect(inLine(line({ campaigns: ['none'] }), { ...base, campaign: 'science-day' })).toBe(false);
    expect(inLine(line({ notCampaigns: ['none'] }), { ...base, campaign: null })).toBe(false);
    expect(inLine(line({ notCampaigns: ['none'] }), { ...base, campaign: 'science-day' })).toBe(true);
  });

  test('fields combine with AND, codes inside a field with OR', () => {
    const l = line({ campaigns: ['science-day'], venues: ['community', 'school'] });
    expect(inLine(l, { ...base, campaign: 'science-day', venue: 'school' })).toBe(true);
    expect(inLine(l, { ...base, campaign: 'science-day', venue: 'community' })).toBe(true);
    expect(inLine(l, { ...base, campaign: 'science-day', venue: 'public-space' })).toBe(false);
    expect(inLine(l, { ...base, campaign: null, venue: 'school' })).toBe(false);
  });

  test('themes, audience kinds and title keywords', () => {
    expect(inLine(line({ themes: ['health', 'food-safety'] }), { ...base, themes: ['food-safety'] })).toBe(true);
    expect(inLine(line({ themes: ['health'] }), { ...base, themes: ['sci-tech'] })).toBe(false);
    expect(inLine(line({ audienceKinds: ['students'] }), { ...base, audience: [{ kind: 'students', count: 30 }] })).toBe(true);
    expect(inLine(line({ audienceKinds: ['students'] }), { ...base, audience: [{ kind: 'residents', count: 30 }] })).toBe(false);
    expect(inLine(line({ titleKeywords: ['积木', '机器人'] }), { ...base, title: '2023年益智机械积木拼装公开课' })).toBe(true);
    expect(inLine(line({ titleKeywords: ['机器人'] }), { ...base, title: '干冰实验' })).toBe(false);
  });

  test('validation: a clear error for a line that takes everything, contradicts itself, or has a bad code', () => {
    const issues = (x: unknown) => {
      const r = v.safeParse(reportLineSchema, x);
      return r.success ? [] : r.issues.map((i) => i.message);
    };
    expect(issues(line({ formats: ['caravan'] }))).toEqual([]);
    expect(issues(line({}))).toEqual(['lineMatchesEverything']);
    expect(issues(line({ campaigns: ['science-day'], notCampaigns: ['science-day'] }))).toEqual(['lineContradicts']);
    expect(issues({ ...line({ formats: ['caravan'] }), code: 'Bad Code' })).toEqual(['badCode']);
    expect(issues({ ...line({ formats: ['caravan'] }), name: '  ' })).toEqual(['required']);
    expect(issues({ ...line({ formats: ['caravan'] }), extra: 1 })).not.toEqual([]);
    const dup = v.safeParse(reportLinesSchema, [line({ formats: ['caravan'] }), line({ formats: ['lecture'] })]);
    expect(dup.success ? [] : dup.issues.map((i) => i.message)).toEqual(['duplicateCode']);
    expect(v.safeParse(reportLinesSchema, DEFAULT_REPORT_LINES).success).toBe(true);
  });
});

describe('the default lines on the 2023 fixture', () => {
  test("each line's count equals the seed report's number", () => {
    const r = report();
    expect(r.lines.map((l) => [l.label, l.tally.events])).toEqual([
      ['进村、进社区志愿服务', 24],
      ['科普大篷车巡展', 5],
      ['益智机械积木拼装公开课', 7],
      ['急救技术科普活动', 4],
      ['全国科技活动周主题活动', 3],
      ['实验互动课堂课程', 5],
      ['全国科普日广场集中宣传活动', 2],
      ['科普日进社区进校园', 3],
    ]);
    // Every activity in exactly one line: 53 in all, none shared, none outside.
    expect(r.lines.reduce((s, l) => s + l.tally.events, 0)).toBe(53);
    expect(r.lines.every((l) => l.shared === 0)).toBe(true);
    expect(r.outsideLines.events).toBe(0);
  });

  test('the counting basis stays a parameter: events not yet reviewed count only under 全部已提交', () => {
    const mixed = events.map((e) => (e.format === 'caravan' ? { ...e, status: 'submitted' as const } : e));
    expect(report(mixed).lines.find((l) => l.code === 'caravan')!.tally.events).toBe(0);
    expect(report(mixed, [], { reviewedOnly: false }).lines.find((l) => l.code === 'caravan')!.tally.events).toBe(5);
  });
});

describe('one definition per reported line (issue 14 §1)', () => {
  // The reconstruction's case: the three 科普日进社区进校园 events are of the volunteer format.
  const science = events.map((e) => (e.campaign === 'science-day' && e.format === 'lecture' ? { ...e, format: 'volunteer-service' } : e));
  const goal = (over: Partial<Target>): Target => ({
    year: 2023,
    kind: 'count',
    measure: 'events',
    axis: 'line',
    axisCode: 'volunteer-service',
    min: 24,
    level1: '产出指标',
    level2: '数量指标',
    level3: '进村进社区志愿服务',
    unit: '场次',
    id: '00000000-0000-7000-9000-000000000001',
    orgId: 'org-1',
    createdBy: 'staff-1',
    createdAt: '2023-01-02T09:00:00+08:00',
    updatedBy: 'staff-1',
    updatedAt: '2023-01-02T09:00:00+08:00',
    deleted: false,
    rev: 0,
    ...over,
  });

  test('the 按活动形式 table says 27, but the line, its target and its clause all say 24', () => {
    const r = report(science, [goal({})]);
    expect(r.report.byFormat.find((x) => x.key === 'volunteer-service')!.tally.events).toBe(27);
    expect(r.lines.find((l) => l.code === 'volunteer-service')!.tally.events).toBe(24);
    expect(r.lines.find((l) => l.code === 'science-day-community-school')!.tally.events).toBe(3);
    expect(r.targets[0]!.actual).toBe(24);
    expect(r.targets[0]!.rate).toBe(1);
    const clause = r.narrative.clauses.find((c) => c.lines.includes('volunteer-service'))!;
    expect(clause.text.endsWith('志愿服务活动24场次')).toBe(true);
    expect(clause.events).toBe(24);
  });

  test('a coverage rule over a line counts only the line', () => {
    const r = report(science, [goal({ kind: 'coverage', min: 1 })]);
    // The volunteer line reaches 平山, 吉隆, 黄埠, 稔山 and 梁化 (大岭's event is a 科普日 one).
    expect(r.targets[0]!.actual).toBe(5);
  });

  test('an event in two lines is in both rows, and the table says so; a clause states it once', () => {
    const lines = [
      ...DEFAULT_REPORT_LINES.slice(0, 6),
      { ...blankLine('science-day-all', '全国科普日系列活动'), campaigns: ['science-day'], clause: 'science-day' },
      ...DEFAULT_REPORT_LINES.slice(6),
    ];
    const r = report(events, [], { lines });
    const all = r.lines.find((l) => l.code === 'science-day-all')!;
    expect(all.tally.events).toBe(5);
    expect(all.shared).toBe(5);
    expect(all.sharedWith).toEqual(['全国科普日广场集中宣传活动', '科普日进社区进校园']);
    expect(r.lines.find((l) => l.code === 'science-day-square')!.sharedWith).toEqual(['全国科普日系列活动']);
    const seven = r.narrative.clauses.find((c) => c.key === 'clause:science-day')!;
    // The first line of the clause states all five; the two narrower lines have nothing left to state.
    expect(seven.events).toBe(5);
    expect(seven.text.match(/(\d+)场次/g)).toEqual(['5场次']);
  });

  test('events in no line still get a clause (by campaign or format)', () => {
    const r = report(events, [], { lines: DEFAULT_REPORT_LINES.slice(1) });
    expect(r.outsideLines.events).toBe(24);
    expect(r.narrative.clauses.at(-1)!.key).toBe('format:volunteer-service');
    expect(r.narrative.clauses.at(-1)!.text).toMatch(/志愿服务活动24场次$/);
  });

  test('countLines maps each event to its lines in line order', () => {
    const c = countLines([{ ...base, campaign: 'science-day', venue: 'school', format: 'lecture' }], DEFAULT_REPORT_LINES);
    expect(c.linesOf.get(base.id)).toEqual(['science-day-community-school']);
  });
});

describe('the format × campaign table', () => {
  test('rows in taxonomy order, no campaign last, totals agree', () => {
    const t = crossTableOf(
      events,
      DEFAULT_TAXONOMY.formats.map((f) => f.code),
      DEFAULT_TAXONOMY.campaigns.map((c) => c.code),
    );
    expect(t.columns).toEqual(['science-day', 'sci-tech-week', 'none']);
    expect(t.rows[0]).toBe('caravan');
    const cell = (f: string, c: string) => t.cells[t.rows.indexOf(f)]![t.columns.indexOf(c)]!.events;
    expect(cell('lecture', 'science-day')).toBe(3);
    expect(cell('lecture', 'sci-tech-week')).toBe(3);
    expect(cell('square-campaign', 'science-day')).toBe(2);
    expect(cell('volunteer-service', 'none')).toBe(24);
    expect(cell('volunteer-service', 'science-day')).toBe(0);
    expect(t.total.events).toBe(53);
    expect(t.rowTotals.reduce((s, x) => s + x.events, 0)).toBe(53);
    expect(t.columnTotals.map((x) => x.events)).toEqual([5, 3, 45]);
  });
});
