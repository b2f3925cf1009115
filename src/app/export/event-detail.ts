/**
 * The 活动明细 table: every field of every counted event, one row per event, labels in Chinese
 * as staff read them. Shared by the CSV and the XLSX sheet so both files carry the same columns.
 * Volunteers appear by name and hours only: the ledger never holds ID numbers.
 */
import { materialsTotal, type LedgerEvent } from '../../domain/event';
import { villageShortName, type RegionPack } from '../../domain/region';
import { labelOf, type Taxonomy } from '../../domain/taxonomy';
import { offsetMinutesAt, zonedParts, type ZonedParts } from '../../domain/year';

/** A cell of an exported table; a Date is a wall time (its UTC fields are the region's clock: see wallDate). */
export type DetailCell = string | number | Date;

/** Status words of the review. */
export const STATUS_LABELS: Readonly<Record<LedgerEvent['status'], string>> = {
  draft: '草稿',
  submitted: '待审核',
  reviewed: '审核通过',
  returned: '退回',
};

/** The header row of 活动明细. */
export const DETAIL_HEADERS = [
  '编号',
  '活动名称',
  '开始时间',
  '结束时间',
  '活动形式',
  '场所类型',
  '专项',
  '主题',
  '乡镇/街道',
  '村/社区',
  '场所名称',
  '纬度',
  '经度',
  '惠及人次',
  '线上人次',
  '受众构成',
  '宣传资料',
  '资料份数',
  '志愿者',
  '志愿者人数',
  '志愿服务时长',
  '协办单位',
  '里程(公里)',
  '照片数',
  '状态',
  '审核人',
  '审核时间',
  '审核意见',
  '备注',
  '填报人',
  '填报时间',
  '更新时间',
] as const;

const fixedOffsets = new Map<string, number | null>();

/** The zone's offset (minutes) if the same all year round (no DST, e.g. Asia/Shanghai), else null. */
function fixedOffsetOf(timeZone: string, year: number): number | null {
  const key = `${timeZone}|${year}`;
  let off = fixedOffsets.get(key);
  if (off === undefined) {
    const jan = offsetMinutesAt(Date.UTC(year, 0, 1), timeZone);
    const jul = offsetMinutesAt(Date.UTC(year, 6, 1), timeZone);
    off = jan === jul ? jan : null;
    fixedOffsets.set(key, off);
  }
  return off;
}

/** Wall-clock parts of an instant in the region's zone (a detail sheet splits tens of thousands of these). */
function wallParts(ms: number, timeZone: string): ZonedParts {
  const off = fixedOffsetOf(timeZone, new Date(ms).getUTCFullYear());
  if (off === null) return zonedParts(ms, timeZone);
  const w = new Date(ms + off * 60_000);
  return { year: w.getUTCFullYear(), month: w.getUTCMonth() + 1, day: w.getUTCDate(), hour: w.getUTCHours(), minute: w.getUTCMinutes() };
}

/** "2023-05-20 09:00" in the region's zone. */
export function wallTime(iso: string | null, timeZone: string): string {
  if (iso === null || iso === '') return '';
  const p = wallParts(Date.parse(iso), timeZone);
  const d = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${d(p.month)}-${d(p.day)} ${d(p.hour)}:${d(p.minute)}`;
}

/**
 * The region's wall time of an instant as a Date for a spreadsheet date cell: a spreadsheet date
 * has no zone, and the writer turns a Date into a serial number from its UTC fields, so the UTC
 * fields carry the wall clock (2023-05-20T01:00Z in Asia/Shanghai → a cell showing 2023-05-20 09:00).
 */
export function wallDate(iso: string | null, timeZone: string): Date | '' {
  if (iso === null || iso === '') return '';
  const p = wallParts(Date.parse(iso), timeZone);
  return new Date(Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute));
}

/** "2024年1月15日": a date as an official document writes it (落款), in the region's zone. */
export function chineseDate(ms: number, timeZone: string): string {
  const p = wallParts(ms, timeZone);
  return `${p.year}年${p.month}月${p.day}日`;
}

/** The detail columns that hold a time: date-time cells in XLSX, "2023-05-20 09:00" in CSV. */
export const DETAIL_TIME_COLUMNS: ReadonlySet<(typeof DETAIL_HEADERS)[number]> = new Set(['开始时间', '结束时间', '审核时间', '填报时间', '更新时间']);

/** Who a row names: 填报人 and 审核人 of an event, by name (people.ts peopleOf). */
export interface RowPeople {
  submitter(e: LedgerEvent): string;
  reviewer(e: LedgerEvent): string;
}

/** How a detail row writes times: text for CSV, wall-time Dates for XLSX date cells. */
export type TimeCells = 'text' | 'date';

/**
 * One event as a detail row, in DETAIL_HEADERS order; 填报人 and 审核人 by name (`people`). An
 * approved imported row without a recorded reviewer was approved by its import: its batch gives
 * the name and the time.
 */
export function eventDetailRow(e: LedgerEvent, taxonomy: Taxonomy, pack: RegionPack, people: RowPeople, times: TimeCells = 'text'): DetailCell[] {
  const tz = pack.meta.timeZone;
  const time = times === 'date' ? wallDate : wallTime;
  const reviewedAt = e.reviewedAt ?? (e.status === 'reviewed' && e.reviewedBy === null ? (e.importBatch?.at ?? null) : null);
  const township = pack.townships.find((t) => t.code === e.townshipCode)?.name ?? e.townshipCode;
  const village = e.villageCode === null ? '' : villageNameOf(pack, e.villageCode);
  const hours = Math.round(e.volunteers.reduce((s, v) => s + v.hours, 0) * 100) / 100;
  return [
    e.id,
    e.title,
    time(e.startAt, tz),
    time(e.endAt, tz),
    labelOf(taxonomy, 'formats', e.format),
    labelOf(taxonomy, 'venues', e.venue),
    e.campaign === null ? '' : labelOf(taxonomy, 'campaigns', e.campaign),
    e.themes.map((t) => labelOf(taxonomy, 'themes', t)).join('、'),
    township,
    village,
    e.venueName,
    e.point?.lat ?? '',
    e.point?.lon ?? '',
    e.attendance,
    e.onlineAttendance ?? '',
    e.audience.map((a) => `${labelOf(taxonomy, 'audienceKinds', a.kind)}:${a.count}`).join(';'),
    e.materials.map((m) => `${labelOf(taxonomy, 'materialKinds', m.kind)}:${m.count}`).join(';'),
    materialsTotal(e),
    e.volunteers.map((v) => `${v.name}:${v.hours}`).join(';'),
    e.volunteers.length > 0 ? e.volunteers.length : (e.volunteerCount ?? ''),
    hours,
    e.partners.join('、'),
    e.distanceKm ?? '',
    e.photos.length,
    STATUS_LABELS[e.status],
    people.reviewer(e),
    time(reviewedAt, tz),
    e.reviewNote ?? '',
    e.notes,
    people.submitter(e),
    time(e.createdAt, tz),
    time(e.updatedAt, tz),
  ];
}

function villageNameOf(pack: RegionPack, code: string): string {
  const v = pack.villages.find((x) => x.code === code);
  return v ? villageShortName(v) : code;
}
