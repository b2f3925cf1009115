/**
 * The report's tables as plain rows (label + numbers), shared by the XLSX sheets, the DOCX
 * tables and the print page, so each file shows the screen's numbers cell for cell.
 */
import type { ReportRow } from '../../domain/report';
import { labelOf } from '../../domain/taxonomy';
import { hasArea } from '../../domain/region';
import { formatRate, type TargetEvaluation } from '../../domain/targets-eval';
import type { ReportBundle } from './report-bundle';
import { wallDate, wallTime, type DetailCell } from './event-detail';

export type Cell = string | number;
/** A cell of a sheet: also a wall-time Date (a date cell). */
export type SheetCell = DetailCell;

/** 汇总: the year's totals as [指标, 数值]. */
export function summaryRows(b: ReportBundle): [string, number][] {
  const t = b.report.total;
  return [
    ['活动场次', t.events],
    ['惠及群众（人次）', t.attendance],
    ['线上人次', t.onlineAttendance],
    ['派发资料（份）', t.materials],
    ['志愿者（人次）', t.volunteers],
    ['志愿服务时长（小时）', t.volunteerHours],
  ];
}

/** Headers of a breakdown table (by format, venue, campaign, theme). */
export const BREAKDOWN_HEADERS = ['类别', '场次', '惠及人次', '资料份数'] as const;

/** A breakdown table's rows: [label, 场次, 人次, 份数]. */
export function breakdownRows(rows: readonly ReportRow[]): Cell[][] {
  return rows.map((r) => [r.label, r.tally.events, r.tally.attendance, r.tally.materials]);
}

/** The breakdowns of 汇总, each with its title. */
export function breakdowns(b: ReportBundle): { title: string; rows: Cell[][] }[] {
  return [
    { title: '按活动形式', rows: breakdownRows(b.report.byFormat) },
    { title: '按场所类型', rows: breakdownRows(b.report.byVenue) },
    { title: '按专项', rows: breakdownRows(b.report.byCampaign) },
    { title: '按主题（一场活动可计入多个主题）', rows: breakdownRows(b.report.byTheme) },
  ];
}

export const TOWNSHIP_HEADERS = ['乡镇/街道', '场次', '惠及人次', '资料份数', '志愿者', '志愿服务时长', '覆盖情况'] as const;

/** 按乡镇: every township, zeros included, and whether it was reached. */
export function townshipRows(b: ReportBundle): Cell[][] {
  const gaps = new Set(b.coverage.gaps.map((g) => g.code));
  return b.report.byTownship.map((r) => {
    const unit = b.pack.townships.find((t) => t.code === r.key);
    const status = unit && !hasArea(unit) ? '计入所属镇' : gaps.has(r.key) ? '未覆盖' : '已覆盖';
    return [r.label, r.tally.events, r.tally.attendance, r.tally.materials, r.tally.volunteers, r.tally.volunteerHours, status];
  });
}

export const MONTH_HEADERS = ['月份', '场次', '惠及人次', '资料份数', '志愿服务时长'] as const;

/** 按月: twelve months. */
export function monthRows(b: ReportBundle): Cell[][] {
  return b.report.byMonth.map((r) => [r.label, r.tally.events, r.tally.attendance, r.tally.materials, r.tally.volunteerHours]);
}

export const TARGET_HEADERS = ['一级指标', '二级指标', '三级指标', '单位', '目标值', '实际值', '完成率', '完成情况', '说明'] as const;

/** 目标完成情况 in the layout of the 绩效自评表; 完成率 as a fraction (the sheet formats it as %). */
export function targetRows(evals: readonly TargetEvaluation[]): Cell[][] {
  return evals.map((e) => [
    e.target.level1,
    e.target.level2,
    e.target.level3,
    e.target.unit,
    e.goal,
    e.actual,
    e.rate === null ? '—' : e.rate,
    e.met ? '已完成' : '未完成',
    e.shortfalls.length > 0 ? `未达标：${e.shortfalls.map((g) => `${g.name}(${g.value})`).join('、')}` : '',
  ]);
}

/** 完成率 as text for DOCX and the screen. */
export function rateText(c: Cell): string {
  return typeof c === 'number' ? formatRate(c) : c;
}

export const ROSTER_HEADERS = ['姓名', '活动名称', '活动日期', '服务时长（小时）', '乡镇/街道', '场所名称'] as const;

/**
 * 志愿者名册: one line per volunteer per event (name and hours only, never an ID number). The
 * date is text ("2023-05-20"), or with `times: 'date'` a wall-time Date for a date cell.
 */
export function rosterRows(b: ReportBundle, times: 'text' | 'date' = 'text'): SheetCell[][] {
  const out: SheetCell[][] = [];
  for (const e of b.events) {
    const township = b.pack.townships.find((t) => t.code === e.townshipCode)?.name ?? e.townshipCode;
    const tz = b.pack.meta.timeZone;
    const date = times === 'date' ? dayOf(wallDate(e.startAt, tz)) : wallTime(e.startAt, tz).slice(0, 10);
    for (const v of e.volunteers) out.push([v.name, e.title, date, v.hours, township, e.venueName]);
  }
  return out;
}

function dayOf(d: Date | ''): Date | '' {
  return d === '' ? '' : new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

export const NARRATIVE_HEADERS = ['段落', '正文', '说明'] as const;

/**
 * 报告正文: the narrative one paragraph a row, in the report's order — the year's summary, each
 * activity clause (一是…, 二是…; staff edits as printed, marked), the coverage sentence.
 */
export function narrativeRows(b: ReportBundle): Cell[][] {
  const n = b.narrative;
  const rows: Cell[][] = [['总体情况', n.summary, '']];
  n.clauses.forEach((c, i) => {
    const note = c.edited ? (c.stale ? '已人工修改；数据已变化，请核对' : '已人工修改') : '';
    const last = i === n.clauses.length - 1;
    rows.push([`活动情况（${i + 1}）`, `${c.text}${last ? '。' : '；'}`, note]);
  });
  rows.push(['镇街覆盖', n.coverage, '']);
  return rows;
}

export const LINE_HEADERS = ['统计口径', '定义', '场次', '惠及人次', '资料份数', '同时计入'] as const;

/** 按统计口径: each report line with its definition, its counts and the other lines its events are also in. */
export function lineRows(b: ReportBundle): Cell[][] {
  return b.lines.map((l) => [
    l.label,
    l.definition,
    l.tally.events,
    l.tally.attendance,
    l.tally.materials,
    l.shared > 0 ? `其中${l.shared}场同时计入：${l.sharedWith.join('、')}` : '',
  ]);
}

/** The note under 按统计口径: lines may overlap, and what no line takes. */
export function lineNotes(b: ReportBundle): string[] {
  const notes = ['一场活动可同时计入多个统计口径，各口径场次相加可能多于活动总数。'];
  if (b.outsideLines.events > 0) notes.push(`未计入任何统计口径的活动：${b.outsideLines.events}场次。`);
  return notes;
}

/** 形式×专项: a header row (活动形式 / 专项 …, 合计), one row per format (场次), and the 合计 row. */
export function crossRows(b: ReportBundle): { headers: string[]; rows: Cell[][]; total: Cell[] } {
  const c = b.cross;
  const campaign = (code: string) => (code === 'none' ? '无专项' : labelOf(b.taxonomy, 'campaigns', code));
  return {
    headers: ['活动形式 / 专项', ...c.columns.map(campaign), '合计'],
    rows: c.rows.map((f, i) => [labelOf(b.taxonomy, 'formats', f), ...c.cells[i]!.map((t) => t.events), c.rowTotals[i]!.events]),
    total: ['合计', ...c.columnTotals.map((t) => t.events), c.total.events],
  };
}
