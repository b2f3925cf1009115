/**
 * CSV of the event detail. It starts with a UTF-8 BOM (EF BB BF) because Excel and WPS on
 * Windows read a CSV without one in the system code page (GBK) and show 乱码 for Chinese. Rows
 * are written in chunks with a yield between them, so a big ledger never freezes the page.
 */
import type { ReportBundle } from './report-bundle';
import { DETAIL_HEADERS, eventDetailRow, type DetailCell } from './event-detail';

/** The byte-order mark that makes Excel read the file as UTF-8. */
export const UTF8_BOM = '\uFEFF';
const CHUNK = 2000;

/** A wall-time Date (event-detail.ts wallDate) as "2023-05-20 09:00". */
function wallText(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

/** Quotes a cell when it holds a comma, quote or line break (RFC 4180); a leading =+-@ is defused. */
export function csvCell(v: DetailCell): string {
  let s = typeof v === 'number' ? String(v) : v instanceof Date ? wallText(v) : v;
  // A cell starting with = + - @ would run as a formula in Excel (CSV injection).
  if (typeof v === 'string' && /^[=+\-@]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (CRLF-terminated). */
export function csvLine(cells: readonly DetailCell[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

/** Any table as CSV text with the BOM. */
export function tableToCsv(rows: readonly (readonly DetailCell[])[]): string {
  return UTF8_BOM + rows.map(csvLine).join('');
}

/** The event detail of a bundle as a CSV Blob, built in chunks. */
export async function eventDetailCsv(b: ReportBundle): Promise<Blob> {
  const parts: string[] = [UTF8_BOM + csvLine(DETAIL_HEADERS)];
  // Loaded here, not imported: the reports screen's own chunk holds this module (tableToCsv).
  const people = (await import('./people')).peopleOf(b);
  for (let i = 0; i < b.events.length; i += CHUNK) {
    let chunk = '';
    for (const e of b.events.slice(i, i + CHUNK)) chunk += csvLine(eventDetailRow(e, b.taxonomy, b.pack, people));
    parts.push(chunk);
    if (i + CHUNK < b.events.length) await new Promise((r) => setTimeout(r, 0));
  }
  return new Blob(parts, { type: 'text/csv;charset=utf-8' });
}
