/**
 * 群众意见办理台账: the register of the public's feedback as the offices keep it (编号, 收到日期,
 * 渠道, 类别, 内容摘要, 承办人, 受理日期, 答复日期, 办理结果, 回访满意度), one row per item, oldest first.
 * Dates are real date cells (yyyy-mm-dd, the China calendar date), so a spreadsheet sorts and
 * filters them; text stays text (a value typed by the public that looks like a formula is written
 * as a string, never evaluated). Its own workbook from the inbox or the report, or one more sheet
 * of the year's workbook (xlsx.ts SHEETS, when the export could read the rows: feedback-register.ts).
 */
import type { Workbook, Worksheet } from '@cj-tech-master/excelts';
import { FEEDBACK_CATEGORY_ZH, FEEDBACK_CHANNEL_ZH, FEEDBACK_STATE_ZH, SATISFACTION_ZH, chinaDateOf } from '../../domain/feedback';
import type { FeedbackRow } from '../api/feedback-api';

export const FEEDBACK_SHEET_NAME = '群众意见办理台账';
export const FEEDBACK_HEADERS = ['编号', '收到日期', '渠道', '类别', '内容摘要', '承办人', '受理日期', '答复日期', '办理结果', '回访满意度'] as const;

/** The China calendar date of an instant as a Date at UTC midnight: the date a spreadsheet shows. */
export function sheetDateOf(iso: string | null): Date | null {
  if (!iso) return null;
  const [y, m, d] = chinaDateOf(iso).split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!));
}

/** 办理结果: the state, with the reply (or the reason it was not accepted) when the row has it. */
export function resultOf(r: FeedbackRow): string {
  const state = FEEDBACK_STATE_ZH[r.state];
  const detail = r.state === 'rejected' ? r.rejectReason : r.replyText;
  return detail ? `${state}：${detail}` : state;
}

/** One register row (cells in FEEDBACK_HEADERS order). */
export function feedbackRegisterRow(r: FeedbackRow): (string | Date | null)[] {
  return [
    r.ref,
    sheetDateOf(r.receivedAt),
    FEEDBACK_CHANNEL_ZH[r.channel],
    r.category ? FEEDBACK_CATEGORY_ZH[r.category] : '',
    r.text,
    r.assigneeName ?? '',
    sheetDateOf(r.acceptedAt),
    sheetDateOf(r.repliedAt),
    resultOf(r),
    r.followUpSatisfaction ? SATISFACTION_ZH[r.followUpSatisfaction] : '',
  ];
}

/** Adds the register sheet to a workbook. */
export function addFeedbackSheet(wb: Workbook, rows: readonly FeedbackRow[], title?: string): Worksheet {
  const ws = wb.addWorksheet(FEEDBACK_SHEET_NAME);
  fillFeedbackSheet(ws, rows, title);
  return ws;
}

/**
 * Fills a sheet with the register: the title (merged), the header, one row per item, oldest first.
 * Every text is a plain string cell (excelts writes a string as a string, whatever it starts with:
 * only a `{ formula }` value is a formula), so `=1+1` typed by the public stays text.
 */
export function fillFeedbackSheet(ws: Worksheet, rows: readonly FeedbackRow[], title?: string): void {
  [12, 12, 10, 10, 48, 10, 12, 12, 36, 12].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  if (title) {
    const t = ws.addRow([title]);
    t.font = { bold: true, size: 14 };
    ws.mergeCells(t.number, 1, t.number, FEEDBACK_HEADERS.length);
  }
  const head = ws.addRow([...FEEDBACK_HEADERS]);
  head.font = { bold: true };
  const sorted = [...rows].sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : a.ref < b.ref ? -1 : 1));
  for (const r of sorted) {
    const row = ws.addRow(feedbackRegisterRow(r));
    for (const c of [2, 7, 8]) row.getCell(c).numFmt = 'yyyy-mm-dd';
    row.getCell(5).alignment = { wrapText: true, vertical: 'top' };
    row.getCell(9).alignment = { wrapText: true, vertical: 'top' };
  }
}

/** The register alone, as XLSX bytes. */
export async function feedbackRegisterXlsxBytes(rows: readonly FeedbackRow[], title?: string): Promise<Uint8Array> {
  const { Workbook } = await import('@cj-tech-master/excelts');
  const wb = new Workbook();
  wb.creator = '科普台账';
  addFeedbackSheet(wb, rows, title);
  const buf: ArrayBuffer | Uint8Array = await wb.xlsx.writeBuffer();
  return buf instanceof Uint8Array ? buf : new Uint8Array(buf);
}

/**
 * Builds the year's register and hands it to the browser as `群众意见办理台账-<year>.xlsx`; answers
 * the file name. (Not through download.ts: sharing it with the volunteer's backup would split it
 * into a chunk of its own in the first visit.)
 */
export async function feedbackRegisterXlsx(rows: readonly FeedbackRow[], year: number): Promise<string> {
  const bytes = await feedbackRegisterXlsxBytes(rows, `${year}年群众意见办理台账`);
  const name = `群众意见办理台账-${year}.xlsx`;
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
