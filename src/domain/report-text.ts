/**
 * The narrative of the 绩效自评报告, generated from the data in the report's own style:
 * "一是在平山街道、九龙峰、吉隆…等镇街开展了以传统文化、科技知识…为主题的各类进村、进社区科学普及
 * 志愿服务活动24场次；二是…", a series' totals ("活动共派发各类科普宣传资料20000多份，惠及群众3500多
 * 人次") and the coverage sentence naming the townships not reached.
 *
 * How clauses are cut: events of a campaign (专项) make one clause, split by format inside it;
 * the other events make one clause per format (clauseKeyOf). Clauses follow the date of their
 * first event. Every figure is read off the year's counts (report-counts.ts), so the text never
 * disagrees with the tables; the events themselves give only words (titles, places, venues).
 * Pure; the Chinese here is the report's wording, not UI text.
 */
import { countEventsBy, isLaterInstant, type CountableEvent, type EventFilter } from './counts.js';
import type { CoverageResult } from './coverage.js';
import type { LedgerEvent } from './event.js';
import { townshipReportName, villageShortName, type RegionPack } from './region.js';
import { clauseKeyOf, selectEvents, type ReportCounts } from './report-counts.js';
import { labelOf, type Taxonomy } from './taxonomy.js';

/** The fields the narrative reads: the counted ones plus title, place words and village. */
export type NarratableEvent = CountableEvent & Pick<LedgerEvent, 'title' | 'venueName' | 'villageCode'>;

/** What the narrative needs besides the events. */
export interface NarrativeContext {
  readonly taxonomy: Taxonomy;
  readonly pack: RegionPack;
  readonly timeZone?: string;
  /** Write "20000多份" rather than "20345份". */
  readonly round?: boolean;
}

/** One numbered clause ("一是…"), with the counts it states. */
export interface NarrativeClause {
  /** `campaign:<code>` or `format:<code>`. */
  readonly key: string;
  readonly text: string;
  readonly events: number;
  readonly attendance: number;
  readonly materials: number;
}

/** The generated text of a year. */
export interface Narrative {
  /** "2023年共开展各类科普活动53场次，惠及群众…人次，派发科普宣传资料…份。" */
  readonly summary: string;
  readonly clauses: readonly NarrativeClause[];
  /** The clauses joined: "一是…；二是…。" */
  readonly activities: string;
  /** Which townships the year reached and which it missed. */
  readonly coverage: string;
  /** Everything, paragraph by paragraph. */
  readonly text: string;
}

const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** 1 → 一, 12 → 十二, 20 → 二十 (clause numbers never reach 100). */
export function chineseOrdinal(n: number): string {
  if (n <= 10) return ORDINALS[n - 1]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : ORDINALS[tens - 1]}十${ones === 0 ? '' : ORDINALS[ones - 1]}`;
}

/**
 * A number in the report's manner: two leading digits kept, the rest zeroed, and 多 when
 * something was cut (20345 → "20000多", 3530 → "3500多", 20000 → "20000"); below 100 exact.
 */
export function roundInReportManner(n: number): string {
  if (n < 100) return String(n);
  const unit = 10 ** (String(Math.floor(n)).length - 2);
  const floored = Math.floor(n / unit) * unit;
  return floored === n ? String(n) : `${floored}多`;
}

/** How each format reads in a sentence; `{venues}` becomes "进乡村、进社区、进校园". */
const FORMAT_PHRASES: Readonly<Record<string, string>> = {
  'volunteer-service': '各类进村、进社区科学普及志愿服务活动',
  caravan: '科普大篷车{venues}巡展活动',
  'open-class': '公开课',
  'experiment-class': '实验互动课堂课程',
  'square-campaign': '广场集中宣传活动',
  'first-aid': '急救技术科普活动',
  lecture: '科普讲座（报告会）',
  exhibition: '科普展览',
  'youth-contest': '青少年科技竞赛活动',
  'coach-training': '科技辅导员、教练员培训',
  media: '媒体科普宣传',
};

const VENUE_GOING: Readonly<Record<string, string>> = {
  village: '进乡村',
  community: '进社区',
  school: '进校园',
  'public-space': '进广场',
  government: '进机关',
  'elderly-care': '进养老机构',
  enterprise: '进企业',
};

/** Most places a clause names before 等. */
const MAX_PLACES = 6;
/** Most venue names a clause lists; more than this and it names townships instead. */
const MAX_UNITS = 5;
/** Most themes named before 等. */
const MAX_THEMES = 7;

/** Distinct values in order of first appearance. */
function distinct<T>(xs: Iterable<T>): T[] {
  return [...new Set(xs)];
}

/** Whether events are already in start-time (then id) order; a linear check, no parsing in the usual case. */
function isByStart(events: readonly CountableEvent[]): boolean {
  for (let i = 1; i < events.length; i++) {
    const a = events[i - 1]!;
    const b = events[i]!;
    if (isLaterInstant(a.startAt, b.startAt)) return false;
    if (a.startAt === b.startAt && a.id > b.id) return false;
    if (a.startAt !== b.startAt && !isLaterInstant(b.startAt, a.startAt)) return false;
  }
  return true;
}

/** Events by start time (then id), parsing each time once: a year can hold 100,000 events. */
export function byStart<E extends CountableEvent>(events: readonly E[]): E[] {
  if (isByStart(events)) return [...events];
  return events
    .map((e) => ({ e, t: Date.parse(e.startAt) }))
    .sort((a, b) => a.t - b.t || (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0))
    .map((x) => x.e);
}

/**
 * The place an event is named by in a list of 镇街: the township as the report names it, or a
 * locality the venue name puts before the village ("九龙峰平江村" in 平山街道 → 九龙峰).
 */
export function placeLabelOf(e: NarratableEvent, pack: RegionPack): string {
  const t = pack.townships.find((x) => x.code === e.townshipCode);
  const townLabel = t ? townshipReportName(t) : e.townshipCode;
  if (!t || e.villageCode === null || e.venueName === '') return townLabel;
  const v = pack.villages.find((x) => x.code === e.villageCode);
  if (!v) return townLabel;
  const at = e.venueName.indexOf(villageShortName(v));
  if (at <= 0) return townLabel;
  const prefix = e.venueName.slice(0, at).trim();
  if (prefix === t.name || prefix === t.shortName || prefix.startsWith(t.shortName)) return townLabel;
  return prefix;
}

/** "在A、B、C等单位" or "在A、B等镇街" for events by start, or '' when a clause has nothing worth naming. */
function placesOfSorted(sorted: readonly NarratableEvent[], pack: RegionPack): string {
  const units = distinct(sorted.map((e) => e.venueName.trim()));
  if (units.length > 0 && units.length <= MAX_UNITS && !units.includes('')) {
    return `在${units.join('、')}${units.length > 1 ? '等单位' : ''}`;
  }
  const counts = new Map<string, number>();
  for (const e of sorted) {
    const p = placeLabelOf(e, pack);
    counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  if (counts.size < 2) return '';
  const order = [...counts.keys()];
  const places = order.sort((a, b) => counts.get(b)! - counts.get(a)! || order.indexOf(a) - order.indexOf(b)).slice(0, MAX_PLACES);
  return `在${places.join('、')}等镇街`;
}

/** "以传统文化、科技知识…等为主题的" when a clause's events (by theme) span three themes or more, else ''. */
function themesPhrase(themes: ReadonlyMap<string, number> | undefined, taxonomy: Taxonomy): string {
  if (!themes || themes.size < 3) return '';
  const order = taxonomy.themes.map((t) => t.code);
  const rank = (k: string) => (order.indexOf(k) === -1 ? order.length : order.indexOf(k));
  const codes = [...themes.keys()].sort((a, b) => themes.get(b)! - themes.get(a)! || rank(a) - rank(b));
  return `以${codes
    .slice(0, MAX_THEMES)
    .map((c) => labelOf(taxonomy, 'themes', c))
    .join('、')}等为主题的`;
}

/** The words for what a group of events was: a shared title, else the format's phrase. */
function subjectOf(sorted: readonly NarratableEvent[], format: string, taxonomy: Taxonomy, withTitles: boolean): string {
  const events = sorted;
  const titles = distinct(sorted.map((e) => e.title.trim()));
  if (titles.length === 1 && events.length > 1) return titles[0]!;
  const template = FORMAT_PHRASES[format] ?? `${labelOf(taxonomy, 'formats', format)}活动`;
  const venues = distinct(sorted.map((e) => VENUE_GOING[e.venue]).filter((x): x is string => x !== undefined));
  if (template.includes('{venues}')) return template.replace('{venues}', venues.join('、'));
  if (withTitles && titles.length > 1) return `${titles.slice(0, 3).join('、')}等${template}`;
  return template;
}

/** Copies by material kind of some events. */
function materialKindsOf(events: readonly CountableEvent[]): Map<string, number> {
  const kinds = new Map<string, number>();
  for (const e of events) for (const m of e.materials) kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + m.count);
  return kinds;
}

/** "活动共派发各类科普宣传小册子、折页、环保袋等资料20000多份，惠及群众3500多人次" of a tally and its material kinds. */
function totalsPhrase(
  total: Pick<CountableEvent, 'attendance'> & { materials: number },
  kinds: ReadonlyMap<string, number>,
  taxonomy: Taxonomy,
  round: boolean,
): string {
  const top = [...kinds.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k]) => labelOf(taxonomy, 'materialKinds', k));
  const n = (x: number) => (round ? roundInReportManner(x) : String(x));
  const what = top.length > 0 ? `${top.join('、')}等资料` : '资料';
  return `活动共派发各类科普宣传${what}${n(total.materials)}份，惠及群众${n(total.attendance)}人次`;
}

function clauseOfFormat(
  events: readonly NarratableEvent[],
  format: string,
  themeCounts: ReadonlyMap<string, number> | undefined,
  ctx: NarrativeContext,
): string {
  const places = placesOfSorted(events, ctx.pack);
  const themes = themesPhrase(themeCounts, ctx.taxonomy);
  const subject = subjectOf(events, format, ctx.taxonomy, themes === '');
  const verb = themes === '' ? '开展' : '开展了';
  return `${places}${verb}${themes}${subject}${events.length}场次`;
}

function clauseOfCampaign(
  events: readonly NarratableEvent[],
  campaign: string,
  year: number,
  total: { attendance: number; materials: number },
  kinds: ReadonlyMap<string, number> | undefined,
  ctx: NarrativeContext,
): string {
  const label = labelOf(ctx.taxonomy, 'campaigns', campaign);
  const parts = groupBy(events, (e) => e.format).map(([format, group]) => {
    const titles = distinct(group.map((e) => e.title.trim()));
    const subject = titles.length === 1 && group.length > 1 ? titles[0]! : `${year}年“${label}”${subjectOf(group, format, ctx.taxonomy, false)}`;
    return `开展${subject}${group.length}场次`;
  });
  const totals = total.materials > 0 ? `，${totalsPhrase(total, kinds ?? new Map(), ctx.taxonomy, ctx.round ?? false)}` : '';
  return `${parts.join('，')}${totals}`;
}

/** Groups in order of each key's first element. */
function groupBy<T>(xs: readonly T[], key: (x: T) => string): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = m.get(k);
    if (g) g.push(x);
    else m.set(k, [x]);
  }
  return [...m.entries()];
}

/** The numbered clauses of the counted events (by start), in order of their first event. */
function activityClauses(sorted: readonly NarratableEvent[], counts: ReportCounts, year: number, ctx: NarrativeContext): NarrativeClause[] {
  const groups = groupBy(sorted, clauseKeyOf);
  return groups.map(([key, group], i) => {
    const [kind, code] = key.split(':') as ['campaign' | 'format', string];
    const total = counts.clauses.get(key)!;
    const body =
      kind === 'campaign'
        ? clauseOfCampaign(group, code, year, total, counts.clauseMaterials.get(key), ctx)
        : clauseOfFormat(group, code, counts.clauseThemes.get(key), ctx);
    return {
      key,
      text: `${chineseOrdinal(i + 1)}是${body}`,
      events: total.events,
      attendance: total.attendance,
      materials: total.materials,
    };
  });
}

/** The coverage sentence: how many townships (special zones counted for their town) had an event, and which had none. */
export function coverageSentence(year: number, c: Pick<CoverageResult, 'areaCount' | 'gaps'>): string {
  const missed = c.gaps.map((g) => g.name);
  const covered = c.areaCount - missed.length;
  const head = `${year}年活动覆盖全县${c.areaCount}个镇街中的${covered}个`;
  if (missed.length === 0) return `${head}，实现镇街全覆盖。`;
  return `${head}，${missed.join('、')}${missed.length > 1 ? `等${missed.length}个镇街` : ''}尚未开展活动，活动地域覆盖范围有待扩大。`;
}

/** A series' totals in one sentence: "2023年“全国科普日”系列活动共5场次，活动共派发…". */
export function seriesSentence(events: Iterable<NarratableEvent>, filter: EventFilter, seriesName: string, ctx: NarrativeContext): string {
  const selected = selectEvents(events, filter, ctx.timeZone);
  const { total } = countEventsBy(selected, 'format', {}, ctx.timeZone);
  return `${seriesName}共${selected.length}场次，${totalsPhrase(total, materialKindsOf(selected), ctx.taxonomy, ctx.round ?? false)}。`;
}

/**
 * The narrative of a year from its counted events (by start), their counts and the coverage
 * (report.ts buildReport makes all three once).
 */
export function narrativeOf(
  sorted: readonly NarratableEvent[],
  counts: ReportCounts,
  coverage: Pick<CoverageResult, 'areaCount' | 'gaps'>,
  year: number,
  ctx: NarrativeContext,
): Narrative {
  const { total } = counts;
  const n = (x: number) => (ctx.round ? roundInReportManner(x) : String(x));
  const summary = `${year}年共开展各类科普活动${total.events}场次，惠及群众${n(total.attendance)}人次，派发科普宣传资料${n(total.materials)}份。`;
  const clauses = activityClauses(sorted, counts, year, ctx);
  const activities = clauses.length > 0 ? `${clauses.map((c) => c.text).join('；')}。` : '';
  const cover = coverageSentence(year, coverage);
  return { summary, clauses, activities, coverage: cover, text: [summary, activities, cover].filter((s) => s !== '').join('\n') };
}
