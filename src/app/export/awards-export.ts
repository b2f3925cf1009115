/**
 * The year's awards in the exports (issue 14 §4): the 竞赛获奖 sheet of the workbook — the counts by
 * level and prize (the table the reports screen shows), the report's awards sentence, and one row
 * per award record — the counts table and the sentence as printed for the DOCX and print view, and
 * the bundle with its awards (withAwards). Its own file so the workbook's other sheets (xlsx.ts,
 * report-sheets.ts) stay as they are; xlsx.ts adds the sheet when the bundle carries the year's
 * awards, which awards-sheet.ts withYearAwards reads from the phone's ledger.
 */
import type { Worksheet } from '@cj-tech-master/excelts';
import type { Award } from '../../domain/awards';
import { withAwardsClause } from '../../domain/report-text';
import {
  AWARD_CATEGORY_WORDS,
  AWARD_COUNT_COLUMNS,
  AWARD_LEVEL_WORDS,
  AWARD_PRIZE_WORDS,
  awardCounts,
  awardsSentence,
  type AwardCountColumn,
} from '../../domain/award-report';
import type { ReportBundle } from './report-bundle';
import type { Cell } from './report-sheets';

export const AWARDS_SHEET_NAME = '竞赛获奖';

const COLUMN_WORDS: Readonly<Record<AwardCountColumn, string>> = {
  first: '一等奖',
  second: '二等奖',
  third: '三等奖',
  merit: '优秀奖',
  counselor: '优秀辅导员',
  organization: '优秀组织奖',
};

/** Headers of the counts table: 级别, each prize and honour, 合计. */
export const AWARD_COUNT_HEADERS: readonly string[] = ['级别', ...AWARD_COUNT_COLUMNS.map((c) => COLUMN_WORDS[c]), '合计'];

/** Headers of the record rows. */
export const AWARD_DETAIL_HEADERS: readonly string[] = [
  '年份',
  '月份',
  '竞赛名称',
  '级别',
  '类别',
  '奖项',
  '数量',
  '获奖学校或个人',
  '备注',
  '补充说明',
  '佐证照片',
];

/** The counts table of a year: one row per level with awards, then 合计. */
export function awardCountRows(awards: readonly Award[], year: number): Cell[][] {
  const c = awardCounts(awards, year);
  return [
    ...c.rows.map((r): Cell[] => [AWARD_LEVEL_WORDS[r.level], ...AWARD_COUNT_COLUMNS.map((k) => r.cells[k]), r.total]),
    ['合计', ...AWARD_COUNT_COLUMNS.map((k) => c.totals[k]), c.total],
  ];
}

/** One row per live award of the year, by month (unknown last), as the record says it. */
export function awardDetailRows(awards: readonly Award[], year: number): Cell[][] {
  return awards
    .filter((a) => !a.deleted && a.year === year)
    .sort((a, b) => (a.month ?? 13) - (b.month ?? 13) || (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
    .map((a): Cell[] => [
      a.year,
      a.month ?? '',
      a.competition,
      AWARD_LEVEL_WORDS[a.level],
      AWARD_CATEGORY_WORDS[a.category],
      a.prize === null ? '' : AWARD_PRIZE_WORDS[a.prize],
      a.count,
      a.recipients,
      a.note,
      a.remark ?? '',
      a.photos.length,
    ]);
}

/** Fills the 竞赛获奖 sheet for the bundle's year (an entry of xlsx.ts SHEETS, present when the bundle has awards). */
export function fillAwardsSheet(ws: Worksheet, { b }: { readonly b: Pick<ReportBundle, 'regionName' | 'year' | 'awards' | 'narrative'> }): void {
  const awards = b.awards ?? [];
  [14, 10, 34, 10, 12, 10, 8, 36, 30, 30, 10].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const titleRow = ws.addRow([`${b.regionName}${b.year}年竞赛获奖情况`]);
  titleRow.font = { bold: true, size: 14 };
  ws.mergeCells(titleRow.number, 1, titleRow.number, AWARD_COUNT_HEADERS.length);
  const bold = (cells: readonly Cell[]) => {
    ws.addRow([...cells]).font = { bold: true };
  };
  ws.addRow([]);
  bold(['按级别和奖项（项／名／个）']);
  bold(AWARD_COUNT_HEADERS);
  const counts = awardCountRows(awards, b.year);
  counts.forEach((r, i) => {
    const row = ws.addRow(r);
    if (i === counts.length - 1) row.font = { bold: true };
  });
  ws.addRow([]);
  bold(['报告表述']);
  ws.addRow([awardsTextOf(b) || '（本年度无获奖记录）']);
  ws.addRow([]);
  bold(['获奖记录']);
  bold(AWARD_DETAIL_HEADERS);
  for (const r of awardDetailRows(awards, b.year)) ws.addRow(r);
}

/**
 * The awards sentence as the report prints it: the narrative's awards clause (the staff's edit when
 * there is one), else the sentence generated from the bundle's awards; '' without awards.
 */
export function awardsTextOf(b: Pick<ReportBundle, 'year' | 'awards' | 'narrative'>): string {
  return b.narrative.awards?.text ?? (b.awards?.length ? awardsSentence(b.awards, b.year) : '');
}

/** The awards sentence as a paragraph of the report (ends with "。"), or ''. */
export function awardsParagraphOf(b: Pick<ReportBundle, 'year' | 'awards' | 'narrative'>): string {
  const text = awardsTextOf(b);
  return text === '' ? '' : `${text.replace(/[。；，]$/, '')}。`;
}

/** The bundle with the given awards of its year and their sentence as the narrative's awards clause (the staff's edit applied). */
export function withAwards(b: ReportBundle, awards: readonly Award[]): ReportBundle {
  if (awards.length === 0) return b;
  return { ...b, awards, narrative: withAwardsClause(b.narrative, b.year, awardsSentence(awards, b.year), b.clauseEdits) };
}
