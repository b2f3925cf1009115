/**
 * Import of historical events from a table (CSV or XLSX, already read into rows of text): the
 * documented template columns with Chinese headers, each row turned into EventContent and checked
 * with the same validation as the form (validateEventContent + checkEventReferences). Problems
 * come back with the sheet row number (the header is row 1), the column header, a code the UI
 * translates and, for a coded column, the values it accepts; values matched only closely (巽寮 for
 * 巺寮滨海旅游度假区, 科普小册子 for 小册子, see name-match.ts) are listed so the user sees how they
 * were read. Each good row carries its import key (import-key.ts). The caller decides between
 * all-or-nothing and good rows only.
 *
 * Pure: the taxonomy, region pack and time zone come in as arguments.
 */
import {
  checkEventReferences,
  validateEventContent,
  type AudienceLine,
  type EventContent,
  type GeoPoint,
  type MaterialLine,
  type VolunteerLine,
} from './event.js';
import { isUuid } from './ids.js';
import { importKeyOf } from './import-key.js';
import { taxonomyMatcher, townshipMatcher, villageMatcher, type CodeMatcher, type NameMatch } from './name-match.js';
import type { Problem } from './problems.js';
import { townshipCodesOf, villageTownshipMapOf, type RegionPack } from './region.js';
import { TAXONOMY_LISTS, type Taxonomy, type TaxonomyListName } from './taxonomy.js';
import { DEFAULT_TIME_ZONE, offsetMinutesAt, toZonedIso } from './year.js';

/** The template's columns, in order: the header people see, the field it fills, an example. */
export const IMPORT_COLUMNS = [
  { key: 'title', header: '活动名称', required: true, example: '科普大篷车进校园' },
  { key: 'startAt', header: '开始时间', required: true, example: '2023-05-20 09:00' },
  { key: 'endAt', header: '结束时间', required: false, example: '2023-05-20 11:30' },
  { key: 'format', header: '活动形式', required: true, example: '科普大篷车巡展' },
  { key: 'venue', header: '场所类型', required: true, example: '校园' },
  { key: 'campaign', header: '专项', required: false, example: '全国科技活动周' },
  { key: 'themes', header: '主题', required: false, example: '科技知识、前沿科技' },
  { key: 'township', header: '乡镇/街道', required: true, example: '吉隆镇' },
  { key: 'village', header: '村/社区', required: false, example: '吉隆社区' },
  { key: 'venueName', header: '场所名称', required: false, example: '吉隆中心小学' },
  { key: 'attendance', header: '惠及人次', required: true, example: '320' },
  { key: 'onlineAttendance', header: '线上人次', required: false, example: '' },
  { key: 'audience', header: '受众构成', required: false, example: '学生:300;教师:20' },
  { key: 'materials', header: '宣传资料', required: false, example: '小册子:300;折页:200' },
  { key: 'volunteers', header: '志愿者', required: false, example: '张三:3;李四:2.5' },
  { key: 'volunteerCount', header: '志愿者人数', required: false, example: '' },
  { key: 'partners', header: '协办单位', required: false, example: '吉隆中心小学' },
  { key: 'distanceKm', header: '里程(公里)', required: false, example: '35' },
  { key: 'lat', header: '纬度', required: false, example: '22.80' },
  { key: 'lon', header: '经度', required: false, example: '114.92' },
  { key: 'notes', header: '备注', required: false, example: '' },
] as const;
export type ImportColumnKey = (typeof IMPORT_COLUMNS)[number]['key'];

/**
 * The 编号 (event id) column of the app's own detail export, read when present: a row whose id is
 * an event of the ledger is that event, already there. Not part of the template.
 */
export const IMPORT_ID_HEADER = '编号';

/**
 * One thing wrong in the file: sheet row (header = 1), column header, code, the cell text and,
 * for a value of a coded column that matched nothing or several entries, the accepted values.
 */
export interface ImportProblem {
  readonly row: number;
  readonly column: string;
  readonly code: string;
  readonly value: string;
  readonly allowed?: readonly string[];
}

/** A row that passed every check, ready for the repository. */
export interface ImportItem {
  readonly row: number;
  readonly content: EventContent;
  /** The row's import key (import-key.ts). */
  readonly key: string;
  /** The event id in the 编号 column (the app's own export), if it holds one. */
  readonly sourceId: string | null;
}

/** A cell value read as a close match: column header, what the cell said, what it was read as. */
export interface ImportReading {
  readonly column: string;
  readonly value: string;
  readonly readAs: string;
}

/** The outcome of reading a table: the good rows, every problem, how many data rows there were. */
export interface ImportResult {
  readonly items: readonly ImportItem[];
  readonly problems: readonly ImportProblem[];
  readonly rowCount: number;
  /** Each distinct close match once, in the order first met. */
  readonly readings: readonly ImportReading[];
}

/** What reading a table needs. */
export interface ImportContext {
  readonly taxonomy: Taxonomy;
  readonly pack: RegionPack;
  readonly timeZone?: string;
  /** The clock (ms): a row starting more than a day after it is refused, as in the form. Absent: not checked. */
  readonly now?: number;
}

const HEADER_OF: Readonly<Record<string, string>> = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c.key, c.header]));

/** Which column a validation problem's field belongs to. */
const COLUMN_OF_FIELD: Readonly<Record<string, ImportColumnKey>> = {
  title: 'title',
  notes: 'notes',
  startAt: 'startAt',
  endAt: 'endAt',
  format: 'format',
  venue: 'venue',
  campaign: 'campaign',
  themes: 'themes',
  townshipCode: 'township',
  villageCode: 'village',
  venueName: 'venueName',
  point: 'lat',
  attendance: 'attendance',
  onlineAttendance: 'onlineAttendance',
  audience: 'audience',
  materials: 'materials',
  volunteers: 'volunteers',
  volunteerCount: 'volunteerCount',
  partners: 'partners',
  distanceKm: 'distanceKm',
};

/** The template as a table: the header row and one example row. */
export function importTemplateRows(): string[][] {
  return [IMPORT_COLUMNS.map((c) => c.header), IMPORT_COLUMNS.map((c) => c.example)];
}

/** A 18-digit (or 15-digit) resident ID number: never stored, even by mistake in a name. */
const ID_NUMBER = /\d{15}(\d{2}[\dXx])?/;
const LIST_SEPARATORS = /[;；,，、\n]+/;

/** Reads a table (first row the headers) into events and problems. */
export function readImportTable(table: readonly (readonly string[])[], ctx: ImportContext): ImportResult {
  const problems: ImportProblem[] = [];
  const header = (table[0] ?? []).map((h) => h.trim());
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    const col = IMPORT_COLUMNS.find((c) => c.header === h);
    if (!col) return;
    if (index.has(col.key)) problems.push({ row: 1, column: h, code: 'duplicateColumn', value: h });
    else index.set(col.key, i);
  });
  for (const c of IMPORT_COLUMNS) {
    if (c.required && !index.has(c.key)) problems.push({ row: 1, column: c.header, code: 'missingColumn', value: '' });
  }
  const idColumn = header.indexOf(IMPORT_ID_HEADER);
  const dataRows = table
    .slice(1)
    .map((cells, i) => ({ row: i + 2, cells }))
    .filter((r) => r.cells.some((c) => c.trim() !== ''));
  if (dataRows.length === 0) problems.push({ row: 1, column: '', code: 'noRows', value: '' });
  if (problems.length > 0) return { items: [], problems, rowCount: dataRows.length, readings: [] };

  const refs = {
    taxonomy: ctx.taxonomy,
    townshipCodes: townshipCodesOf(ctx.pack),
    villageTownship: villageTownshipMapOf(ctx.pack),
  };
  const matchers = matchersOf(ctx);
  const readings = new Map<string, ImportReading>();
  const items: ImportItem[] = [];
  const seen = new Map<string, number>();
  for (const { row, cells } of dataRows) {
    const cell = (key: ImportColumnKey): string => {
      const i = index.get(key);
      return i === undefined ? '' : (cells[i] ?? '').trim();
    };
    const rowProblems: ImportProblem[] = [];
    const report: Report = (key, code, extra) => {
      rowProblems.push({ row, column: HEADER_OF[key]!, code, value: extra?.value ?? cell(key), ...(extra?.allowed ? { allowed: extra.allowed } : {}) });
    };
    const readAs = (key: ImportColumnKey, value: string, as: string) => {
      const column = HEADER_OF[key]!;
      const id = `${column}\u0000${value}`;
      if (!readings.has(id)) readings.set(id, { column, value, readAs: as });
    };
    const content = rowContent(cell, report, readAs, matchers, ctx);
    if (rowProblems.length === 0 && content) {
      const checked = validateEventContent(content, ctx.now === undefined ? {} : { now: ctx.now });
      const found: Problem[] = checked.ok ? checkEventReferences(checked.value, refs) : checked.problems;
      for (const p of found) report(COLUMN_OF_FIELD[p.field.split('.')[0]!] ?? 'notes', p.code);
      if (checked.ok && found.length === 0) {
        const key = `${checked.value.title}\u0000${checked.value.startAt}\u0000${checked.value.townshipCode}`;
        const first = seen.get(key);
        if (first !== undefined) report('title', 'duplicateRow');
        else {
          seen.set(key, row);
          const id = idColumn >= 0 ? (cells[idColumn] ?? '').trim().toLowerCase() : '';
          items.push({ row, content: checked.value, key: importKeyOf(checked.value), sourceId: isUuid(id) ? id : null });
        }
      }
    }
    problems.push(...rowProblems);
  }
  return { items, problems, rowCount: dataRows.length, readings: [...readings.values()] };
}

type Cell = (key: ImportColumnKey) => string;
type Report = (key: ImportColumnKey, code: string, extra?: { value?: string; allowed?: readonly string[] }) => void;
type ReadAs = (key: ImportColumnKey, value: string, as: string) => void;

interface Matchers {
  readonly lists: Readonly<Record<TaxonomyListName, CodeMatcher>>;
  readonly township: ReturnType<typeof townshipMatcher>;
  readonly village: ReturnType<typeof villageMatcher>;
}

function matchersOf(ctx: ImportContext): Matchers {
  const lists = Object.fromEntries(TAXONOMY_LISTS.map((l) => [l, taxonomyMatcher(ctx.taxonomy, l)])) as Record<TaxonomyListName, CodeMatcher>;
  return { lists, township: townshipMatcher(ctx.pack), village: villageMatcher(ctx.pack) };
}

/** Turns one row's cells into content; reports what cannot even be parsed. */
function rowContent(cell: Cell, report: Report, readAs: ReadAs, matchers: Matchers, ctx: ImportContext): EventContent | null {
  const tz = ctx.timeZone ?? DEFAULT_TIME_ZONE;
  const required = (key: ImportColumnKey): boolean => {
    if (cell(key) !== '') return true;
    report(key, 'required');
    return false;
  };
  const time = (key: ImportColumnKey): string | null => {
    const t = parseTime(cell(key), tz);
    if (t === null) report(key, 'badTime');
    return t;
  };
  /** The code of one typed value of a coded column; null (and a problem) when none or several fit. */
  const coded = (
    key: ImportColumnKey,
    m: { match(t: string): NameMatch<string>; allowed: readonly string[] },
    text: string,
    unknown: string,
  ): string | null => {
    const hit = m.match(text);
    if (hit.kind === 'exact') return hit.value;
    if (hit.kind === 'close') {
      readAs(key, text, hit.label);
      return hit.value;
    }
    if (hit.kind === 'ambiguous') report(key, 'ambiguousName', { value: text, allowed: hit.labels });
    else report(key, unknown, { value: text, allowed: m.allowed });
    return null;
  };
  const code = (key: ImportColumnKey, list: TaxonomyListName): string | null => coded(key, matchers.lists[list], cell(key), 'unknownCode');
  const num = (key: ImportColumnKey): number | null => {
    const n = parseNumber(cell(key));
    if (n === null) report(key, 'notNumber');
    return n;
  };
  const optNum = (key: ImportColumnKey): number | null => (cell(key) === '' ? null : num(key));

  const okTitle = required('title');
  const startAt = required('startAt') ? time('startAt') : null;
  const endAt = cell('endAt') === '' ? startAt : time('endAt');
  const format = required('format') ? code('format', 'formats') : null;
  const venue = required('venue') ? code('venue', 'venues') : null;
  const campaign = /^(无|没有|否|-|—|\/)?$/.test(cell('campaign')) ? null : code('campaign', 'campaigns');
  const themes = splitList(cell('themes')).map((t) => coded('themes', matchers.lists.themes, t, 'unknownCode') ?? '');
  const townshipCode = required('township') ? coded('township', matchers.township, cell('township'), 'unknownTownship') : null;
  let villageCode: string | null = null;
  if (cell('village') !== '' && townshipCode !== null) {
    const v = matchers.village.match(townshipCode, cell('village'));
    if (v.kind === 'elsewhere') report('village', 'villageNotInTownship', { allowed: matchers.village.allowed(townshipCode) });
    else if (v.kind === 'exact') villageCode = v.value;
    else if (v.kind === 'close') {
      readAs('village', cell('village'), v.label);
      villageCode = v.value;
    } else if (v.kind === 'ambiguous') report('village', 'ambiguousName', { allowed: v.labels });
    else report('village', 'unknownVillage', { allowed: matchers.village.allowed(townshipCode) });
  }
  const attendance = required('attendance') ? num('attendance') : null;
  const onlineAttendance = optNum('onlineAttendance');
  const volunteerCount = optNum('volunteerCount');
  const distanceKm = optNum('distanceKm');
  const materials = pairs(cell('materials'), 'materials', report).map(([label, n]): MaterialLine => ({
    kind: coded('materials', matchers.lists.materialKinds, label, 'unknownCode') ?? '',
    count: n,
  }));
  const audience = pairs(cell('audience'), 'audience', report).map(([label, n]): AudienceLine => ({
    kind: coded('audience', matchers.lists.audienceKinds, label, 'unknownCode') ?? '',
    count: n,
  }));
  if (ID_NUMBER.test(cell('volunteers'))) report('volunteers', 'idNumberNotAllowed');
  const volunteers = pairs(cell('volunteers'), 'volunteers', report, true).map(([name, hours]): VolunteerLine => ({ name, userId: null, hours }));
  let point: GeoPoint | null = null;
  if (cell('lat') !== '' || cell('lon') !== '') {
    const lat = parseNumber(cell('lat'));
    const lon = parseNumber(cell('lon'));
    if (lat === null || lon === null) report(cell('lat') === '' || lat === null ? 'lat' : 'lon', 'pointIncomplete');
    else point = { lat, lon, accuracyM: null, source: 'map' };
  }
  if (!okTitle || startAt === null || endAt === null || format === null || venue === null || townshipCode === null || attendance === null) {
    return null;
  }
  return {
    title: cell('title'),
    notes: cell('notes'),
    startAt,
    endAt,
    format,
    venue,
    campaign,
    themes,
    townshipCode,
    villageCode,
    venueName: cell('venueName'),
    point,
    attendance,
    onlineAttendance,
    audience,
    materials,
    volunteers,
    volunteerCount,
    partners: splitList(cell('partners')),
    distanceKm,
    photos: [],
  };
}

function splitList(s: string): string[] {
  return s
    .split(LIST_SEPARATORS)
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

/** "小册子:300;折页:200" → [[小册子, 300], [折页, 200]]; a bare name has 0 when `zeroIfBare`. */
function pairs(s: string, key: ImportColumnKey, report: Report, zeroIfBare = false): [string, number][] {
  const out: [string, number][] = [];
  for (const item of s
    .split(/[;；\n]+/)
    .map((x) => x.trim())
    .filter((x) => x !== '')) {
    const m = /^(.+?)\s*[:：]\s*(.+)$/.exec(item);
    if (!m) {
      if (zeroIfBare) out.push([item, 0]);
      else report(key, 'badListItem');
      continue;
    }
    const n = parseNumber(m[2]!);
    if (n === null) report(key, 'badListItem');
    else out.push([m[1]!.trim(), n]);
  }
  return out;
}

/** A number as people type it: "1,200", "３００" (full-width), " 35 "; null when not one. */
export function parseNumber(s: string): number | null {
  const t = s
    .trim()
    .replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/,/g, '');
  if (t === '' || !/^-?\d+(\.\d+)?$/.test(t)) return null;
  return Number(t);
}

/**
 * A time as people type it, as ISO 8601 with the zone's offset: "2023-05-20 09:00",
 * "2023/5/20 9:00", "2023年5月20日", or ISO with an offset kept as is. Null when not a time.
 */
export function parseTime(s: string, timeZone = DEFAULT_TIME_ZONE): string | null {
  const t = s.trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(t)) {
    return Number.isNaN(Date.parse(t)) ? null : t;
  }
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?$/.exec(t);
  if (!m) return null;
  const [y, mo, d, h = 0, mi = 0, sec = 0] = m.slice(1).map((x) => (x === undefined ? undefined : Number(x))) as number[];
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h > 23 || mi > 59 || sec > 59) return null;
  const wall = Date.UTC(y!, mo! - 1, d!, h, mi, sec);
  if (new Date(wall).getUTCDate() !== d) return null;
  // Two passes settle the offset on either side of a zone change.
  let ms = wall - offsetMinutesAt(wall, timeZone) * 60000;
  ms = wall - offsetMinutesAt(ms, timeZone) * 60000;
  return toZonedIso(ms, timeZone);
}
