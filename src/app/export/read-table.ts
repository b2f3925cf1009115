/**
 * Reads an import file (CSV or XLSX) into rows of cell text, the shape domain/event-import.ts
 * checks. CSV goes through papaparse (a UTF-8 BOM, as Excel and WPS write it, is dropped);
 * XLSX through exceljs, loaded only when such a file is chosen. Dates in XLSX cells come back
 * as the wall time they show ("2023-05-20 09:00"), which the import reads in the region's zone.
 */
import Papa from 'papaparse';

/** Parses CSV text into rows of trimmed-as-is cell text; a leading BOM is dropped. */
export function parseCsvText(text: string): string[][] {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const parsed = Papa.parse<string[]>(clean, { skipEmptyLines: 'greedy' });
  return parsed.data.map((r) => r.map((c) => String(c ?? '')));
}

/** A cell value of exceljs as text; dates as their displayed wall time. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    // exceljs gives a sheet's wall-clock date as the same numbers in UTC.
    const p = (n: number) => String(n).padStart(2, '0');
    const hm = value.getUTCHours() || value.getUTCMinutes() ? ` ${p(value.getUTCHours())}:${p(value.getUTCMinutes())}` : '';
    return `${value.getUTCFullYear()}-${p(value.getUTCMonth() + 1)}-${p(value.getUTCDate())}${hm}`;
  }
  if (typeof value === 'object') {
    const o = value as { text?: unknown; result?: unknown; richText?: { text: string }[] };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
    if (o.text !== undefined) return cellText(o.text);
    if (o.result !== undefined) return cellText(o.result);
    return '';
  }
  return String(value);
}

/** Reads the first sheet of an XLSX file into rows of cell text. */
export async function parseXlsx(data: ArrayBuffer): Promise<string[][]> {
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data);
  const ws = wb.worksheets[0];
  if (!ws) return [];
  const rows: string[][] = [];
  const width = ws.columnCount;
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c).value));
    rows[n - 1] = cells;
  });
  return Array.from(rows, (r) => r ?? []);
}

/** Reads a chosen file: XLSX by name or type, else CSV as UTF-8 text. */
export async function readTableFile(file: Blob & { name?: string }): Promise<string[][]> {
  const name = file.name ?? '';
  const isXlsx = /\.xlsx$/i.test(name) || file.type === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  if (isXlsx) return parseXlsx(await file.arrayBuffer());
  return parseCsvText(await file.text());
}
