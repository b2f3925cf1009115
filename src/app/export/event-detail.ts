/**
 * The 活动明细 table: every field of every counted event, one row per event, labels in Chinese
 * as staff read them. Shared by the CSV and the XLSX sheet so both files carry the same columns.
 * Volunteers appear by name and hours only: the ledger never holds ID numbers.
 */
import { materialsTotal, type LedgerEvent } from '../../domain/event';
import { villageShortName, type RegionPack } from '../../domain/region';
import { labelOf, type Taxonomy } from '../../domain/taxonomy';
import { offsetMinutesAt, zonedParts } from '../../domain/year';

export type DetailCell = string | number;

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

/** "2023-05-20 09:00" in the region's zone (a detail sheet formats tens of thousands of these). */
export function wallTime(iso: string | null, timeZone: string): string {
  if (iso === null || iso === '') return '';
  const ms = Date.parse(iso);
  const d = (n: number) => String(n).padStart(2, '0');
  const off = fixedOffsetOf(timeZone, new Date(ms).getUTCFullYear());
  if (off !== null) {
    const w = new Date(ms + off * 60_000);
    return `${w.getUTCFullYear()}-${d(w.getUTCMonth() + 1)}-${d(w.getUTCDate())} ${d(w.getUTCHours())}:${d(w.getUTCMinutes())}`;
  }
  const p = zonedParts(ms, timeZone);
  return `${p.year}-${d(p.month)}-${d(p.day)} ${d(p.hour)}:${d(p.minute)}`;
}

/** One event as a detail row, in DETAIL_HEADERS order. */
export function eventDetailRow(e: LedgerEvent, taxonomy: Taxonomy, pack: RegionPack): DetailCell[] {
  const tz = pack.meta.timeZone;
  const township = pack.townships.find((t) => t.code === e.townshipCode)?.name ?? e.townshipCode;
  const village = e.villageCode === null ? '' : villageNameOf(pack, e.villageCode);
  const hours = Math.round(e.volunteers.reduce((s, v) => s + v.hours, 0) * 100) / 100;
  return [
    e.id,
    e.title,
    wallTime(e.startAt, tz),
    wallTime(e.endAt, tz),
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
    e.reviewedBy ?? '',
    wallTime(e.reviewedAt, tz),
    e.reviewNote ?? '',
    e.notes,
    e.createdBy,
    wallTime(e.createdAt, tz),
    wallTime(e.updatedAt, tz),
  ];
}

function villageNameOf(pack: RegionPack, code: string): string {
  const v = pack.villages.find((x) => x.code === code);
  return v ? villageShortName(v) : code;
}
