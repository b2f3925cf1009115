/**
 * The year's workbook (@cj-tech-master/excelts, loaded only when asked), one sheet per entry of
 * SHEETS, in order: 汇总, 报告正文 (the narrative, a paragraph a row), 目标完成情况 (the 绩效自评表
 * layout), 按乡镇, 按月, 活动明细 (every field, one row per event; times as date cells in the
 * region's clock, 填报人/审核人 by name) and 志愿者名册 (names and hours per event, for entry into
 * i志愿/志愿汇), 按统计口径 (each report line from its one definition) and 形式×专项 (场次 by format and
 * campaign), 整体绩效自评表 (the scored indicators: self-eval-sheet.ts) and, when the bundle carries the
 * year's awards, 竞赛获奖 (awards-export.ts), and, when the export could read them from the server, the
 * 群众意见办理台账 (feedback-sheet.ts). A new sheet is one more entry in SHEETS. Every number comes from the report bundle
 * the screen shows. Detail rows go in chunks with a yield between them so the page stays responsive.
 */
import type { Workbook, Worksheet } from '@cj-tech-master/excelts';
import { DETAIL_HEADERS, DETAIL_TIME_COLUMNS, eventDetailRow } from './event-detail';
import type { ReportBundle } from './report-bundle';
import { peopleOf } from './people';
import { fillSelfEvalSheet, SELF_EVAL_SHEET } from './self-eval-sheet';
import { AWARDS_SHEET_NAME, awardsParagraphOf, fillAwardsSheet } from './awards-export';
import { FEEDBACK_SHEET_NAME, fillFeedbackSheet } from './feedback-sheet';
import {
  BREAKDOWN_HEADERS,
  LINE_HEADERS,
  MONTH_HEADERS,
  NARRATIVE_HEADERS,
  ROSTER_HEADERS,
  TARGET_HEADERS,
  TOWNSHIP_HEADERS,
  breakdowns,
  crossRows,
  lineNotes,
  lineRows,
  monthRows,
  narrativeRows,
  rosterRows,
  summaryRows,
  targetRows,
  townshipRows,
  type Cell,
  type SheetCell,
} from './report-sheets';

/** Number formats of date cells (a Date holds the region's wall time: event-detail.ts wallDate). */
export const DATE_TIME_FORMAT = 'yyyy-mm-dd hh:mm';
export const DATE_FORMAT = 'yyyy-mm-dd';
const CHUNK = 2000;
const yieldToPage = () => new Promise((r) => setTimeout(r, 0));

function header(ws: Worksheet, cells: readonly string[]): void {
  const row = ws.addRow([...cells]);
  row.font = { bold: true };
  row.eachCell((c) => {
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8F0FB' } };
    c.border = { bottom: { style: 'thin' } };
  });
}

function title(ws: Worksheet, text: string, width: number): void {
  const row = ws.addRow([text]);
  row.font = { bold: true, size: 14 };
  ws.mergeCells(row.number, 1, row.number, width);
}

function widths(ws: Worksheet, ws_: number[]): void {
  ws_.forEach((w, i) => (ws.getColumn(i + 1).width = w));
}

/** Adds rows in chunks; cells holding a Date get `dateFormat`. */
async function addRowsChunked(ws: Worksheet, rows: Iterable<SheetCell[]>, dateColumns: readonly number[] = [], dateFormat = DATE_TIME_FORMAT): Promise<void> {
  let n = 0;
  for (const r of rows) {
    const row = ws.addRow(r);
    for (const i of dateColumns) if (r[i] instanceof Date) row.getCell(i + 1).numFmt = dateFormat;
    if (++n % CHUNK === 0) await yieldToPage();
  }
}

/** What a sheet's builder gets: the bundle and the scope line (统计口径：…). */
export interface SheetContext {
  readonly b: ReportBundle;
  readonly scope: string;
}

/** One sheet of the workbook: its name and what fills it. */
export interface SheetSpec {
  readonly name: string;
  readonly fill: (ws: Worksheet, c: SheetContext) => void | Promise<void>;
  /** Only when this holds (absent: always), e.g. 竞赛获奖 when the bundle carries awards. */
  readonly when?: (b: ReportBundle) => boolean;
}

function summarySheet(sum: Worksheet, { b, scope }: SheetContext): void {
  widths(sum, [34, 12, 12, 12]);
  title(sum, `${b.regionName}${b.year}年科普活动统计汇总`, 4);
  sum.addRow([scope]);
  sum.addRow([]);
  header(sum, ['指标', '数值']);
  for (const r of summaryRows(b)) sum.addRow(r);
  for (const t of breakdowns(b)) {
    sum.addRow([]);
    sum.addRow([t.title]).font = { bold: true };
    header(sum, BREAKDOWN_HEADERS);
    for (const r of t.rows) sum.addRow(r);
  }
}

/**
 * The 报告正文 rows with the awards sentence (the narrative's awards clause, as printed: the staff's
 * edit when there is one, marked as the activity clauses are) before 镇街覆盖, the order of the
 * report document (report-document.ts DOC_SECTIONS).
 */
function withAwardsRow(rows: Cell[][], b: ReportBundle): Cell[][] {
  const a = b.narrative.awards;
  if (!a) return rows;
  const note = a.edited ? (a.stale ? '已人工修改；数据已变化，请核对' : '已人工修改') : '';
  const at = rows.findIndex((r) => r[0] === '镇街覆盖');
  const row: Cell[] = ['竞赛获奖', awardsParagraphOf(b), note];
  return at < 0 ? [...rows, row] : [...rows.slice(0, at), row, ...rows.slice(at)];
}

function narrativeSheet(ws: Worksheet, { b, scope }: SheetContext): void {
  widths(ws, [16, 100, 24]);
  title(ws, `${b.regionName}${b.year}年科普工作情况（报告正文）`, NARRATIVE_HEADERS.length);
  ws.addRow([scope]);
  header(ws, NARRATIVE_HEADERS);
  for (const r of withAwardsRow(narrativeRows(b), b)) {
    const row = ws.addRow(r);
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
    row.getCell(1).alignment = { vertical: 'top' };
  }
}

function targetSheet(tg: Worksheet, { b, scope }: SheetContext): void {
  widths(tg, [12, 12, 30, 8, 12, 12, 10, 10, 40]);
  title(tg, `${b.regionName}${b.year}年绩效目标完成情况`, TARGET_HEADERS.length);
  tg.addRow([scope]);
  header(tg, TARGET_HEADERS);
  for (const r of targetRows(b.targets)) {
    const row = tg.addRow(r);
    if (typeof r[6] === 'number') row.getCell(7).numFmt = '0.0%';
  }
}

function townshipSheet(tw: Worksheet, { b }: SheetContext): void {
  widths(tw, [26, 10, 12, 12, 10, 14, 12]);
  header(tw, TOWNSHIP_HEADERS);
  for (const r of townshipRows(b)) tw.addRow(r);
  const t = b.report.total;
  tw.addRow(['合计', t.events, t.attendance, t.materials, t.volunteers, t.volunteerHours, `${b.coverage.coveredCount}/${b.coverage.areaCount}`]).font = {
    bold: true,
  };
}

function monthSheet(mo: Worksheet, { b }: SheetContext): void {
  const t = b.report.total;
  widths(mo, [10, 10, 12, 12, 14]);
  header(mo, MONTH_HEADERS);
  for (const r of monthRows(b)) mo.addRow(r);
  mo.addRow(['合计', t.events, t.attendance, t.materials, t.volunteerHours]).font = { bold: true };
}

const DETAIL_DATE_COLUMNS = DETAIL_HEADERS.flatMap((h, i) => (DETAIL_TIME_COLUMNS.has(h) ? [i] : []));

async function detailSheet(de: Worksheet, { b }: SheetContext): Promise<void> {
  header(de, DETAIL_HEADERS);
  de.views = [{ state: 'frozen', ySplit: 1 }];
  widths(
    de,
    DETAIL_HEADERS.map((h) => (h === '编号' ? 38 : h === '活动名称' || h === '场所名称' ? 30 : DETAIL_TIME_COLUMNS.has(h) ? 17 : 14)),
  );
  const people = peopleOf(b);
  await addRowsChunked(
    de,
    (function* () {
      for (const e of b.events) yield eventDetailRow(e, b.taxonomy, b.pack, people, 'date');
    })(),
    DETAIL_DATE_COLUMNS,
  );
}

async function rosterSheet(ro: Worksheet, { b }: SheetContext): Promise<void> {
  widths(ro, [12, 36, 12, 16, 16, 30]);
  header(ro, ROSTER_HEADERS);
  ro.views = [{ state: 'frozen', ySplit: 1 }];
  await addRowsChunked(ro, rosterRows(b, 'date'), [2], DATE_FORMAT);
}

function lineSheet(li: Worksheet, { b, scope }: SheetContext): void {
  widths(li, [28, 48, 10, 12, 12, 40]);
  title(li, `${b.regionName}${b.year}年科普活动按统计口径统计`, LINE_HEADERS.length);
  li.addRow([scope]);
  header(li, LINE_HEADERS);
  for (const r of lineRows(b)) li.addRow(r);
  for (const note of lineNotes(b)) li.addRow([note]);
}

function crossSheet(cx: Worksheet, { b, scope }: SheetContext): void {
  const cross = crossRows(b);
  widths(cx, [26, ...cross.headers.slice(1).map(() => 14)]);
  title(cx, `${b.regionName}${b.year}年科普活动场次（活动形式×专项）`, cross.headers.length);
  cx.addRow([scope]);
  header(cx, cross.headers);
  for (const r of cross.rows) cx.addRow(r);
  cx.addRow(cross.total).font = { bold: true };
}

/** The workbook's sheets, in order. */
export const SHEETS: readonly SheetSpec[] = [
  { name: '汇总', fill: summarySheet },
  { name: '报告正文', fill: narrativeSheet },
  { name: '目标完成情况', fill: targetSheet },
  { name: '按乡镇', fill: townshipSheet },
  { name: '按月', fill: monthSheet },
  { name: '活动明细', fill: detailSheet },
  { name: '志愿者名册', fill: rosterSheet },
  { name: '按统计口径', fill: lineSheet },
  { name: '形式×专项', fill: crossSheet },
  { name: SELF_EVAL_SHEET, fill: fillSelfEvalSheet },
  { name: AWARDS_SHEET_NAME, fill: fillAwardsSheet, when: (b) => (b.awards?.length ?? 0) > 0 },
  // The register lives on the server: there when the export read it (staff, online), even if empty.
  {
    name: FEEDBACK_SHEET_NAME,
    fill: (ws, { b }) => fillFeedbackSheet(ws, b.feedbackRows ?? [], `${b.year}年群众意见办理台账`),
    when: (b) => b.feedbackRows !== undefined,
  },
];

/** The names of the sheets every workbook has, in order (a conditional sheet is not among them). */
export const SHEET_NAMES: readonly string[] = SHEETS.filter((s) => !s.when).map((s) => s.name);

/**
 * A workbook class with the exceljs API. The report bench passes exceljs's own, from its own
 * install, to measure the same workbook against the library this one replaced.
 */
export type WorkbookClass = new () => Workbook;

/** Builds the workbook of a bundle. */
export async function buildReportWorkbook(b: ReportBundle, WorkbookOf?: WorkbookClass): Promise<Workbook> {
  const Book = WorkbookOf ?? (await import('@cj-tech-master/excelts')).Workbook;
  const wb = new Book();
  wb.creator = '科普台账';
  const scope = b.reviewedOnly ? '统计口径：仅计审核通过的活动' : '统计口径：全部活动（含未审核）';
  for (const sheet of SHEETS) if (!sheet.when || sheet.when(b)) await sheet.fill(wb.addWorksheet(sheet.name), { b, scope });
  return wb;
}

/** The workbook's bytes. */
export async function reportXlsxBytes(b: ReportBundle, WorkbookOf?: WorkbookClass): Promise<Uint8Array> {
  const wb = await buildReportWorkbook(b, WorkbookOf);
  const buf: ArrayBuffer | Uint8Array = await wb.xlsx.writeBuffer();
  return buf instanceof Uint8Array ? buf : new Uint8Array(buf);
}

/** The workbook as a file to download. */
export async function reportXlsx(b: ReportBundle): Promise<Blob> {
  const bytes = await reportXlsxBytes(b);
  return new Blob([bytes as BlobPart], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
}
