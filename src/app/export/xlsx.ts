/**
 * The year's workbook (@cj-tech-master/excelts, loaded only when asked): 汇总, 目标完成情况 (the
 * 绩效自评表 layout), 按乡镇, 按月, 活动明细 (every field, one row per event) and 志愿者名册 (names and
 * hours per event, for entry into i志愿/志愿汇), 按统计口径 (each report line from its one definition)
 * and 形式×专项 (场次 by format and campaign). Every number comes from the report bundle the
 * screen shows. Detail rows go in chunks with a yield between them so the page stays responsive.
 */
import type { Workbook, Worksheet } from '@cj-tech-master/excelts';
import { DETAIL_HEADERS, eventDetailRow } from './event-detail';
import type { ReportBundle } from './report-bundle';
import { addAwardsSheet } from './awards-sheet';
import {
  BREAKDOWN_HEADERS,
  LINE_HEADERS,
  MONTH_HEADERS,
  ROSTER_HEADERS,
  TARGET_HEADERS,
  TOWNSHIP_HEADERS,
  breakdowns,
  crossRows,
  lineNotes,
  lineRows,
  monthRows,
  rosterRows,
  summaryRows,
  targetRows,
  townshipRows,
  type Cell,
} from './report-sheets';
import { addSelfEvalSheet, SELF_EVAL_SHEET } from './self-eval-sheet';

/** The sheet names, in order. */
export const SHEET_NAMES = ['汇总', '目标完成情况', '按乡镇', '按月', '活动明细', '志愿者名册', '按统计口径', '形式×专项', SELF_EVAL_SHEET] as const;
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

async function addRowsChunked(ws: Worksheet, rows: Iterable<Cell[]>): Promise<void> {
  let n = 0;
  for (const r of rows) {
    ws.addRow(r);
    if (++n % CHUNK === 0) await yieldToPage();
  }
}

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

  const sum = wb.addWorksheet('汇总');
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

  const tg = wb.addWorksheet('目标完成情况');
  widths(tg, [12, 12, 30, 8, 12, 12, 10, 10, 40]);
  title(tg, `${b.regionName}${b.year}年绩效目标完成情况`, TARGET_HEADERS.length);
  tg.addRow([scope]);
  header(tg, TARGET_HEADERS);
  for (const r of targetRows(b.targets)) {
    const row = tg.addRow(r);
    if (typeof r[6] === 'number') row.getCell(7).numFmt = '0.0%';
  }

  const tw = wb.addWorksheet('按乡镇');
  widths(tw, [26, 10, 12, 12, 10, 14, 12]);
  header(tw, TOWNSHIP_HEADERS);
  for (const r of townshipRows(b)) tw.addRow(r);
  const t = b.report.total;
  tw.addRow(['合计', t.events, t.attendance, t.materials, t.volunteers, t.volunteerHours, `${b.coverage.coveredCount}/${b.coverage.areaCount}`]).font = {
    bold: true,
  };

  const mo = wb.addWorksheet('按月');
  widths(mo, [10, 10, 12, 12, 14]);
  header(mo, MONTH_HEADERS);
  for (const r of monthRows(b)) mo.addRow(r);
  mo.addRow(['合计', t.events, t.attendance, t.materials, t.volunteerHours]).font = { bold: true };

  const de = wb.addWorksheet('活动明细');
  header(de, DETAIL_HEADERS);
  de.views = [{ state: 'frozen', ySplit: 1 }];
  widths(
    de,
    DETAIL_HEADERS.map((h) => (h === '编号' ? 38 : h === '活动名称' || h === '场所名称' ? 30 : 14)),
  );
  await addRowsChunked(
    de,
    (function* () {
      for (const e of b.events) yield eventDetailRow(e, b.taxonomy, b.pack);
    })(),
  );

  const ro = wb.addWorksheet('志愿者名册');
  widths(ro, [12, 36, 12, 16, 16, 30]);
  header(ro, ROSTER_HEADERS);
  ro.views = [{ state: 'frozen', ySplit: 1 }];
  await addRowsChunked(ro, rosterRows(b));

  const li = wb.addWorksheet('按统计口径');
  widths(li, [28, 48, 10, 12, 12, 40]);
  title(li, `${b.regionName}${b.year}年科普活动按统计口径统计`, LINE_HEADERS.length);
  li.addRow([scope]);
  header(li, LINE_HEADERS);
  for (const r of lineRows(b)) li.addRow(r);
  for (const note of lineNotes(b)) li.addRow([note]);

  const cross = crossRows(b);
  const cx = wb.addWorksheet('形式×专项');
  widths(cx, [26, ...cross.headers.slice(1).map(() => 14)]);
  title(cx, `${b.regionName}${b.year}年科普活动场次（活动形式×专项）`, cross.headers.length);
  cx.addRow([scope]);
  header(cx, cross.headers);
  for (const r of cross.rows) cx.addRow(r);
  cx.addRow(cross.total).font = { bold: true };
  addSelfEvalSheet(wb, b, scope);
  if (b.awards) addAwardsSheet(wb, b, b.awards);
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
