/**
 * Reads an import file (CSV, tab-separated text or XLSX) into rows of cell text, the shape
 * domain/event-import.ts checks. What a file is comes from its first bytes, not its name: a
 * zip is a workbook (@cj-tech-master/excelts, loaded only then), an OLE compound file is an old
 * .xls or an encrypted workbook (refused with a way out), anything else is text in whatever encoding
 * text-encoding.ts finds, its delimiter (comma, tab, semicolon) guessed by papaparse. A file
 * that cannot be read comes back as a code the UI translates, never as a thrown library message.
 * Dates in XLSX cells come back as the wall time they show ("2023-05-20 09:00"), which the import
 * reads in the region's zone.
 */
import Papa from 'papaparse';
import { decodeTableText, type TextEncodingName } from './text-encoding';

/** What a file was read as: a workbook, or text in an encoding with a delimiter. */
export type TableSource = { readonly kind: 'xlsx' } | { readonly kind: 'text'; readonly encoding: TextEncodingName; readonly delimiter: string };

/**
 * Why a file could not be read: badXlsx (not a readable workbook: truncated, damaged, or another
 * file renamed .xlsx), oldXls (an old .xls or a password-protected workbook), notText (binary
 * content that is no table), empty, unreadable (the browser could not read the file at all).
 */
export type ReadTableFailure = 'badXlsx' | 'oldXls' | 'notText' | 'empty' | 'unreadable';

/** The rows of a file and what it was read as, or why it could not be read. */
export type ReadTableResult =
  | { readonly ok: true; readonly rows: string[][]; readonly source: TableSource }
  | { readonly ok: false; readonly code: ReadTableFailure; readonly cause?: unknown };

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Parses CSV text into rows of cell text; a leading BOM is dropped; the delimiter is guessed. */
export function parseCsvText(text: string): string[][] {
  return parseDelimited(text).rows;
}

function parseDelimited(text: string): { rows: string[][]; delimiter: string } {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const parsed = Papa.parse<string[]>(clean, { skipEmptyLines: 'greedy', delimitersToGuess: [',', '\t', ';'] });
  return { rows: parsed.data.map((r) => r.map((c) => String(c ?? ''))), delimiter: parsed.meta.delimiter };
}

/** A cell value of excelts (the exceljs cell model) as text; dates as their displayed wall time. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    // excelts, like exceljs, gives a sheet's wall-clock date as the same numbers in UTC.
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

/** Reads the first sheet of an XLSX file into rows of cell text; throws what excelts throws. */
export async function parseXlsx(data: ArrayBuffer | Uint8Array): Promise<string[][]> {
  const { Workbook } = await import('@cj-tech-master/excelts');
  const wb = new Workbook();
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

const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((b, i) => bytes[i] === b);
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** Reads a chosen file (see the file comment); never throws. */
export async function readTableFile(file: Blob & { name?: string }): Promise<ReadTableResult> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (cause) {
    return { ok: false, code: 'unreadable', cause };
  }
  if (bytes.length === 0) return { ok: false, code: 'empty' };
  const namedXlsx = /\.xlsx$/i.test(file.name ?? '') || file.type === XLSX_TYPE;
  if (startsWith(bytes, OLE)) return { ok: false, code: 'oldXls' };
  if (startsWith(bytes, ZIP)) {
    try {
      return { ok: true, rows: await parseXlsx(bytes), source: { kind: 'xlsx' } };
    } catch (cause) {
      return { ok: false, code: 'badXlsx', cause };
    }
  }
  if (namedXlsx) return { ok: false, code: 'badXlsx' };
  const { text, encoding } = decodeTableText(bytes);
  if (text.includes('\u0000')) return { ok: false, code: 'notText' };
  const { rows, delimiter } = parseDelimited(text);
  return { ok: true, rows, source: { kind: 'text', encoding, delimiter } };
}
