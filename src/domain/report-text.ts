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
import { materialsTotal, type LedgerEvent } from './event.js';
import { townshipReportName, villageShortName, type RegionPack } from './region.js';
import { clauseKeyOf, selectEvents, type ReportCounts } from './report-counts.js';
import { countLines, type LineCounts, type ReportLine } from './report-lines.js';
import { labelOf, type Taxonomy } from './taxonomy.js';
import { DEFAULT_TIME_ZONE, zonedParts } from './year.js';

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

/** A generated passage staff may edit for a year (applyClauseEdit): an activity clause or the awards sentence. */
export interface EditableClause {
  /**
   * Activity clauses: `line:<code>` (a report line of its own), `clause:<key>` (the lines sharing a
   * clause key), or for events in no line `campaign:<code>` / `format:<code>`; the awards sentence:
   * AWARDS_CLAUSE_KEY.
   */
  readonly key: string;
  /** The text as the report prints it: the staff's edit when there is one, else the generated text. */
  readonly text: string;
  /** The generated text (equal to `text` unless edited). */
  readonly generated: string;
  /** Staff edited this clause for the year (applyClauseEdits). */
  readonly edited: boolean;
  /** Edited, and the generated text has changed since the edit was made: compare the numbers. */
  readonly stale: boolean;
}

/**
 * The clause key of the year's awards sentence (award-report.ts awardsSentence): staff edit it as
 * they edit an activity clause, and the edit is kept in the same clause edits of the org document.
 */
export const AWARDS_CLAUSE_KEY = 'awards';

/** One numbered clause ("一是…"), with the counts it states. */
export interface NarrativeClause extends EditableClause {
  /** The codes of the report lines the clause states, in line order. */
  readonly lines: readonly string[];
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
  /**
   * The publicity section ("三、…完善阵地建设。一是依托电台、电视台媒体…"): media-format events in no
   * report line and no campaign (broadcasts, web columns, 宣传品 made); '' without them.
   */
  readonly publicity: string;
  /** The training section ("四、组织开展、参加专业素质提升培训活动。…"): coach-training events in no line; '' without them. */
  readonly training: string;
  /**
   * The competition awards sentence (withAwardsClause), edited by staff or as generated; null when
   * the report was given none (no awards, or a phone that does not hold them).
   */
  readonly awards: EditableClause | null;
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

/**
 * How each format reads in a sentence; `{venues}` becomes "进乡村、进社区、进校园" and `{venuesShort}`
 * "进村、进社区、进校园", from the venues the events actually had.
 */
const FORMAT_PHRASES: Readonly<Record<string, string>> = {
  'volunteer-service': '各类{venuesShort}科学普及志愿服务活动',
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

/** The same, in the short form the volunteer clause uses ("进村"). */
const VENUE_GOING_SHORT: Readonly<Record<string, string>> = { ...VENUE_GOING, village: '进村' };

/** The order venue words are listed in (the report's: 进乡村、进社区、进校园 …). */
const VENUE_ORDER = ['village', 'community', 'school', 'public-space', 'government', 'elderly-care', 'enterprise'];

/** The venue words of some events, in the report's order: "进社区、进校园". */
function venueWords(events: readonly NarratableEvent[], words: Readonly<Record<string, string>>): string {
  const had = new Set(events.map((e) => e.venue));
  return VENUE_ORDER.filter((v) => had.has(v) && words[v] !== undefined)
    .map((v) => words[v]!)
    .join('、');
}

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

/**
 * The name a venue is listed by: its own name, or — when venues of the same name lie in different
 * townships (five schools called 中心小学) — qualified by the township ("多祝镇中心小学"), so that
 * different places are never merged into one.
 */
function unitNamesOf(sorted: readonly NarratableEvent[], pack: RegionPack): string[] {
  const townsOf = new Map<string, Set<string>>();
  for (const e of sorted) {
    const name = e.venueName.trim();
    let s = townsOf.get(name);
    if (!s) townsOf.set(name, (s = new Set()));
    s.add(e.townshipCode);
  }
  return distinct(
    sorted.map((e) => {
      const name = e.venueName.trim();
      if (name === '' || townsOf.get(name)!.size < 2) return name;
      const t = pack.townships.find((x) => x.code === e.townshipCode);
      if (!t || name.startsWith(t.name) || name.startsWith(t.shortName)) return name;
      return `${t.name}${name}`;
    }),
  );
}

/** "在A、B、C等单位" or "在A、B等镇街" for events by start, or '' when a clause has nothing worth naming. */
function placesOfSorted(sorted: readonly NarratableEvent[], pack: RegionPack): string {
  const units = unitNamesOf(sorted, pack);
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
  if (template.includes('{venues}')) return template.replace('{venues}', venueWords(sorted, VENUE_GOING));
  if (template.includes('{venuesShort}')) return template.replace('{venuesShort}', venueWords(sorted, VENUE_GOING_SHORT));
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
  const parts = [
    total.materials > 0 ? `派发各类科普宣传${what}${n(total.materials)}份` : '',
    total.attendance > 0 ? `惠及群众${n(total.attendance)}人次` : '',
  ].filter((p) => p !== '');
  return parts.length === 0 ? '' : `活动共${parts.join('，')}`;
}

/** The one value all events share, or null. */
function shared<T>(events: readonly NarratableEvent[], f: (e: NarratableEvent) => T): T | null {
  const vs = distinct(events.map(f));
  return vs.length === 1 ? vs[0]! : null;
}

/** Events by theme (an event counts under each of its themes). */
function themeCountsOf(events: readonly NarratableEvent[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of events) for (const t of e.themes) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

/** The words for a line's events: the line's own phrase, their shared title, or their format's words. */
function lineSubject(events: readonly NarratableEvent[], line: ReportLine | null, ctx: NarrativeContext, withTitles: boolean): string {
  if (line && line.phrase !== '') return line.phrase;
  const format = shared(events, (e) => e.format);
  const titles = distinct(events.map((e) => e.title.trim()));
  if (titles.length === 1 && events.length > 1) return titles[0]!;
  if (format !== null) return subjectOf(events, format, ctx.taxonomy, withTitles);
  return line ? line.name : '科普活动';
}

/** A clause of its own (one line, or the events of one format in no line): places, themes, words, count. */
function ownClause(events: readonly NarratableEvent[], line: ReportLine | null, ctx: NarrativeContext): string {
  const places = placesOfSorted(events, ctx.pack);
  const themes = themesPhrase(themeCountsOf(events), ctx.taxonomy);
  const subject = lineSubject(events, line, ctx, themes === '');
  const verb = themes === '' ? '开展' : '开展了';
  return `${places}${verb}${themes}${subject}${events.length}场次`;
}

/** "电视台、电台" from the media events' venue names (the report names the kind of outlet). */
function mediaOutlets(events: readonly NarratableEvent[]): string {
  const names = distinct(
    events.map((e) => {
      const n = e.venueName.trim();
      if (n.includes('电视')) return '电视台';
      if (n.includes('电台') || n.includes('广播')) return '电台';
      return n;
    }),
  ).filter((n) => n !== '');
  const order = ['电视台', '电台'];
  names.sort((a, b) => (order.indexOf(a) === -1 ? 9 : order.indexOf(a)) - (order.indexOf(b) === -1 ? 9 : order.indexOf(b)));
  return names.length > 0 ? names.join('、') : '电视台、电台';
}

/** The media sentence of a clause: "营造浓厚2023年“全国科普日”氛围，期间在电视台、电台等媒体播放公益宣传口号". */
function mediaSentence(media: readonly NarratableEvent[], campaign: string | null, year: number, ctx: NarrativeContext): string {
  const where = `在${mediaOutlets(media)}等媒体播放公益宣传口号`;
  if (campaign === null) return where;
  return `营造浓厚${year}年“${labelOf(ctx.taxonomy, 'campaigns', campaign)}”氛围，期间${where}`;
}

/** A clause of several lines (one clause key) or of a campaign's events in no line. */
function groupClause(
  parts: readonly { line: ReportLine | null; events: readonly NarratableEvent[] }[],
  media: readonly NarratableEvent[],
  campaign: string | null,
  year: number,
  ctx: NarrativeContext,
): string {
  const label = campaign !== null ? labelOf(ctx.taxonomy, 'campaigns', campaign) : '';
  const texts = parts
    .filter((p) => p.events.length > 0)
    .map(({ line, events }) => {
      const titles = distinct(events.map((e) => e.title.trim()));
      let subject: string;
      if (line && line.phrase !== '') subject = line.phrase;
      else if (titles.length === 1 && events.length > 1) subject = titles[0]!;
      else {
        const words = lineSubject(events, line, ctx, false);
        subject = campaign !== null ? `${year}年“${label}”${words}` : words;
      }
      return `开展${subject}${events.length}场次`;
    });
  const all = [...parts.flatMap((p) => p.events), ...media];
  const tally = all.reduce((t, e) => ({ attendance: t.attendance + e.attendance, materials: t.materials + materialsTotal(e) }), {
    attendance: 0,
    materials: 0,
  });
  const totals = tally.materials > 0 ? totalsPhrase(tally, materialKindsOf(all), ctx.taxonomy, ctx.round ?? false) : '';
  return [media.length > 0 ? mediaSentence(media, campaign, year, ctx) : '', ...texts, totals].filter((x) => x !== '').join('，');
}

/** Section numbers after the activity section (二): 三, 四 … */
const SECTION_START = 3;

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

/** "晚20：40分" — the part of day and the time as the report writes it. */
function clockWords(hour: number, minute: number): string {
  const part = hour < 6 ? '凌晨' : hour < 12 ? '上午' : hour < 13 ? '中午' : hour < 18 ? '下午' : '晚';
  return `${part}${hour}：${String(minute).padStart(2, '0')}分`;
}

/**
 * A weekly broadcast schedule from the broadcasts' start times: "每周六晚20：40分和周日下午17：15分";
 * days sharing a time are joined ("周六、日上午8：15分"), Monday first, Sunday last.
 */
function weeklySchedule(events: readonly NarratableEvent[], timeZone: string): string {
  const byTime = new Map<string, { hour: number; minute: number; days: Set<number> }>();
  for (const e of events) {
    const p = zonedParts(e.startAt, timeZone);
    const day = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
    const key = `${p.hour}:${p.minute}`;
    const slot = byTime.get(key) ?? { hour: p.hour, minute: p.minute, days: new Set<number>() };
    slot.days.add(day);
    byTime.set(key, slot);
  }
  const order = (d: number) => (d === 0 ? 7 : d);
  const slots = [...byTime.values()]
    .map((s) => ({ ...s, days: [...s.days].sort((a, b) => order(a) - order(b)) }))
    .sort((a, b) => order(a.days[0]!) - order(b.days[0]!) || a.hour * 60 + a.minute - (b.hour * 60 + b.minute));
  return `每${slots.map((s) => `周${s.days.map((d) => WEEKDAYS[d]).join('、')}${clockWords(s.hour, s.minute)}`).join('和')}`;
}

/** A programme or column name from an event title: the quoted part, else the title ("科普园地"). */
function programName(title: string): string {
  const q = /[“"]([^”"]+)[”"]/.exec(title);
  return (q ? q[1]! : title).trim();
}

const isBroadcast = (e: NarratableEvent) => /电视|电台|广播/.test(e.venueName);
const isWeb = (e: NarratableEvent) => !isBroadcast(e) && /网|公众号|微信|微博|抖音|视频号/.test(e.venueName);

/**
 * The publicity section from media-format events in no line and no campaign, in the seed's words:
 * 一是 broadcasts (依托电台、电视台媒体，完善了“科普大篷车”“科普园地”等电视、电台节目，每周六晚20：40分…
 * 在惠东电视台播出), 二是 web columns (依托县人民政府门户网站设立了“科普园地”专栏，定期更新…等科普内容),
 * 三是 宣传品 made (制作一批科普宣传环保袋、科普宣传伞等群众喜爱的科普宣传品); a part without events is left out.
 */
function publicitySection(events: readonly NarratableEvent[], number: number, ctx: NarrativeContext): string {
  const zone = ctx.timeZone ?? DEFAULT_TIME_ZONE;
  const broadcasts = events.filter(isBroadcast);
  const web = events.filter(isWeb);
  const made = events.filter((e) => !isBroadcast(e) && !isWeb(e));
  const parts: string[] = [];
  if (broadcasts.length > 0) {
    const tv = broadcasts.filter((e) => e.venueName.includes('电视'));
    const radio = broadcasts.filter((e) => !e.venueName.includes('电视'));
    const media = [radio.length > 0 ? '电台' : '', tv.length > 0 ? '电视台' : ''].filter((x) => x !== '').join('、');
    const kinds = [tv.length > 0 ? '电视' : '', radio.length > 0 ? '电台' : ''].filter((x) => x !== '').join('、');
    const programs = distinct(broadcasts.map((e) => programName(e.title))).map((n) => `“${n}”`);
    const outlets = groupBy([...tv, ...radio], (e) => e.venueName.trim());
    const schedules = outlets.map(([outlet, es]) => `${weeklySchedule(es, zone)}在${outlet}播出`).join('，');
    parts.push(`依托${media}媒体，完善了${programs.join('')}${programs.length > 1 ? '等' : ''}${kinds}节目，${schedules}`);
  }
  if (web.length > 0) {
    const sites = distinct(web.map((e) => e.venueName.trim())).join('、');
    const columns = distinct(web.map((e) => programName(e.title))).map((n) => `“${n}”`);
    const themes = themeCountsOf(web);
    const order = ctx.taxonomy.themes.map((t) => t.code);
    const topics = [...themes.keys()].sort((a, b) => themes.get(b)! - themes.get(a)! || order.indexOf(a) - order.indexOf(b)).slice(0, MAX_THEMES);
    const content = topics.length > 0 ? `${topics.map((c) => labelOf(ctx.taxonomy, 'themes', c)).join('、')}等科普内容` : '科普内容';
    parts.push(`依托${sites}设立了${columns.join('')}专栏，定期更新${content}`);
  }
  if (made.length > 0) {
    const kinds = [...materialKindsOf(made).entries()].sort((a, b) => b[1] - a[1]).map(([k]) => labelOf(ctx.taxonomy, 'materialKinds', k));
    const things =
      kinds.length > 0
        ? kinds.map((k) => (k.startsWith('宣传') ? `科普${k}` : `科普宣传${k}`))
        : distinct(
            made.flatMap((e) =>
              e.title
                .trim()
                .replace(/^制作(一批)?/, '')
                .split('、'),
            ),
          ).filter((x) => x !== '');
    parts.push(`制作一批${things.slice(0, 4).join('、')}等群众喜爱的科普宣传品`);
  }
  if (parts.length === 0) return '';
  const body = parts.map((p, i) => `${chineseOrdinal(i + 1)}是${p}`).join('；');
  return `${chineseOrdinal(number)}、开展科普宣传，完善阵地建设。${body}。`;
}

/**
 * Whether a training was held elsewhere (staff went to it): its title names a 市 or 省 first
 * ("2023年惠州市青少年机器人竞赛专项培训…"), not the region itself.
 */
function heldElsewhere(e: NarratableEvent, regionName: string): boolean {
  const title = e.title.trim().replace(/^\d{4}年/, '');
  if (regionName !== '' && title.startsWith(regionName)) return false;
  return /^[\u4e00-\u9fa5]{2,7}?[省市]/.test(title);
}

/**
 * The training section from coach-training events in no line, in the seed's words: the trainings
 * staff went to (前往参加“…”，“…”), those the county held (召开4期我县的…、…等), then the number of
 * 期 and participants; a part without events is left out, and so is a participant count of 0.
 */
function trainingSection(events: readonly NarratableEvent[], number: number, ctx: NarrativeContext): string {
  const region = ctx.pack.meta.name;
  const away = events.filter((e) => heldElsewhere(e, region));
  const home = events.filter((e) => !heldElsewhere(e, region));
  const parts: string[] = [];
  if (away.length > 0) parts.push(`组织各中小学科技辅导员、教练员前往参加${distinct(away.map((e) => `“${e.title.trim()}”`)).join('，')}`);
  if (home.length > 0) parts.push(`召开${home.length}期我县的${distinct(home.map((e) => e.title.trim())).join('、')}等`);
  const attendance = events.reduce((n, e) => n + e.attendance, 0);
  const n = (x: number) => ((ctx.round ?? false) ? roundInReportManner(x) : String(x));
  const tally = `全年共组织、参加培训${events.length}期${attendance > 0 ? `，参训${n(attendance)}人次` : ''}`;
  return (
    `${chineseOrdinal(number)}、组织开展、参加专业素质提升培训活动。为促进我县教师队伍中的科技人才队伍建设，进一步提高科技辅导员和机器人教练员的业务水平，` +
    `县科协${parts.join('，')}，${tally}，提高学校内的科技工作者的科普能力和专业技术水平。`
  );
}

/** Media-format events in no line and no campaign (the publicity section's), and coach-training events in no line (the training section's). */
function sectionEvents(sorted: readonly NarratableEvent[], counted: LineCounts): { publicity: NarratableEvent[]; training: NarratableEvent[] } {
  const inNoLine = (e: NarratableEvent) => (counted.linesOf.get(e.id) ?? []).length === 0;
  return {
    publicity: sorted.filter((e) => isMedia(e) && e.campaign === null && inNoLine(e)),
    training: sorted.filter((e) => e.format === 'coach-training' && inNoLine(e)),
  };
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

/** The campaign every line of a group requires (each lists exactly that one), or null. */
function campaignOfLines(lines: readonly ReportLine[]): string | null {
  const cs = distinct(lines.map((l) => (l.campaigns.length === 1 && l.campaigns[0] !== 'none' ? l.campaigns[0]! : null)));
  return cs.length === 1 ? cs[0]! : null;
}

/** A clause before it is numbered. */
interface ClauseDraft {
  readonly key: string;
  readonly body: string;
  readonly lines: readonly string[];
  readonly events: readonly NarratableEvent[];
}

const isMedia = (e: NarratableEvent) => e.format === 'media';

/**
 * The clauses of the counted events (by start): one per report line, or per clause key for lines
 * that share one, in line order; each states its lines' counts off the line definitions, and an
 * event in two lines of one clause is stated once (under the first). Media-format events of a
 * clause (or, in no line, of its campaign) make its media sentence. Events in no line follow,
 * one clause per campaign or format, in order of their first event.
 */
function activityClauses(
  sorted: readonly NarratableEvent[],
  lines: readonly ReportLine[],
  counted: LineCounts,
  year: number,
  ctx: NarrativeContext,
): ClauseDraft[] {
  const ofLine = new Map<string, NarratableEvent[]>(lines.map((l) => [l.code, []]));
  const outside: NarratableEvent[] = [];
  for (const e of sorted) {
    const codes = counted.linesOf.get(e.id) ?? [];
    if (codes.length === 0) outside.push(e);
    for (const c of codes) ofLine.get(c)?.push(e);
  }
  const groups = groupBy(lines, (l) => (l.clause !== '' ? `clause:${l.clause}` : `line:${l.code}`));
  const usedOutside = new Set<string>();
  const drafts: ClauseDraft[] = [];
  for (const [key, group] of groups) {
    const stated = new Set<string>();
    const parts = group.map((line) => {
      const events = ofLine.get(line.code)!.filter((e) => !stated.has(e.id));
      for (const e of events) stated.add(e.id);
      return { line, events };
    });
    const campaign = campaignOfLines(group);
    const strayMedia = campaign === null ? [] : outside.filter((e) => isMedia(e) && e.campaign === campaign && !usedOutside.has(e.id));
    for (const e of strayMedia) usedOutside.add(e.id);
    const media = [...parts.flatMap((p) => p.events.filter(isMedia)), ...strayMedia];
    const spoken = parts.map((p) => ({ line: p.line, events: p.events.filter((e) => !isMedia(e)) }));
    const events = [...parts.flatMap((p) => p.events), ...strayMedia];
    if (events.length === 0) continue;
    const own = key.startsWith('line:');
    const body =
      own && media.length === 0
        ? ownClause(spoken[0]!.events, group[0]!, ctx)
        : own && spoken[0]!.events.length === 0
          ? mediaSentence(media, campaign, year, ctx)
          : groupClause(spoken, media, campaign, year, ctx);
    drafts.push({ key, body, lines: group.map((l) => l.code), events });
  }
  const rest = outside.filter((e) => !usedOutside.has(e.id));
  for (const [key, group] of groupBy(rest, clauseKeyOf)) {
    const [kind, code] = key.split(':') as ['campaign' | 'format', string];
    const media = group.filter(isMedia);
    const spoken = group.filter((e) => !isMedia(e));
    const body =
      kind === 'campaign'
        ? groupClause(
            groupBy(spoken, (e) => e.format).map(([, events]) => ({ line: null, events })),
            media,
            code,
            year,
            ctx,
          )
        : code === 'media'
          ? mediaSentence(media, null, year, ctx)
          : ownClause(group, null, ctx);
    drafts.push({ key, body, lines: [], events: group });
  }
  return drafts;
}

/** The coverage sentence: how many townships (special zones counted for their town) had an event, and which had none. */
export function coverageSentence(year: number, c: Pick<CoverageResult, 'areaCount' | 'gaps'>): string {
  const missed = c.gaps.map((g) => g.name);
  const covered = c.areaCount - missed.length;
  const head = `${year}年活动覆盖全县${c.areaCount}个镇街中的${covered}个`;
  if (missed.length === 0) return `${head}，实现镇街全覆盖。`;
  return `${head}，${missed.join('、')}${missed.length > 1 ? `等${missed.length}个镇街` : ''}尚未开展活动，活动地域覆盖范围有待扩大。`;
}

/** A series' totals in one sentence: "2023年“全国科普日”系列活动共5场次，活动共派发…"; zero totals left out. */
export function seriesSentence(events: Iterable<NarratableEvent>, filter: EventFilter, seriesName: string, ctx: NarrativeContext): string {
  const selected = selectEvents(events, filter, ctx.timeZone);
  const { total } = countEventsBy(selected, 'format', {}, ctx.timeZone);
  const totals = totalsPhrase(total, materialKindsOf(selected), ctx.taxonomy, ctx.round ?? false);
  return `${seriesName}共${selected.length}场次${totals === '' ? '' : `，${totals}`}。`;
}

/** The year's summary sentence, leaving out what is zero. */
function summaryOf(year: number, total: { events: number; attendance: number; materials: number }, round: boolean): string {
  const n = (x: number) => (round ? roundInReportManner(x) : String(x));
  const parts = [
    `${year}年共开展各类科普活动${total.events}场次`,
    total.attendance > 0 ? `惠及群众${n(total.attendance)}人次` : '',
    total.materials > 0 ? `派发科普宣传资料${n(total.materials)}份` : '',
  ];
  return `${parts.filter((p) => p !== '').join('，')}。`;
}

/** A staff member's edit of one clause of one year, kept with the generated text it replaced. */
export interface ClauseEdit {
  readonly year: number;
  /** The clause's key (NarrativeClause.key, or AWARDS_CLAUSE_KEY for the awards sentence). */
  readonly key: string;
  readonly text: string;
  /** The generated text when the edit was made. */
  readonly generated: string;
}

/**
 * A clause with the staff's edit of `year` applied: it prints the edit, keeps the generated text
 * beside it, and is `stale` when the generated text has since changed (the numbers moved).
 */
export function applyClauseEdit<C extends EditableClause>(c: C, year: number, edits: readonly ClauseEdit[]): C {
  const e = edits.find((x) => x.year === year && x.key === c.key);
  if (!e || e.text.trim() === '') return c;
  return { ...c, text: e.text.trim(), edited: true, stale: e.generated !== c.generated };
}

/**
 * The narrative with the staff's edits of its year applied (applyClauseEdit), the awards sentence
 * included. Edits of other years or of clauses no longer generated are ignored.
 */
export function applyClauseEdits(n: Narrative, year: number, edits: readonly ClauseEdit[]): Narrative {
  const mine = edits.filter((e) => e.year === year);
  if (mine.length === 0) return n;
  const clauses = n.clauses.map((c) => applyClauseEdit(c, year, mine));
  return assemble(n.summary, clauses, n.coverage, { ...n, awards: n.awards && applyClauseEdit(n.awards, year, mine) });
}

/**
 * The narrative with the year's awards sentence (generated by award-report.ts, which stays out of a
 * volunteer's code: the caller passes its text) as the clause AWARDS_CLAUSE_KEY, the staff's edit
 * of it applied; '' leaves the narrative without one.
 */
export function withAwardsClause(n: Narrative, year: number, generated: string, edits: readonly ClauseEdit[] = []): Narrative {
  const clause: EditableClause | null =
    generated === '' ? null : applyClauseEdit({ key: AWARDS_CLAUSE_KEY, text: generated, generated, edited: false, stale: false }, year, edits);
  return assemble(n.summary, n.clauses, n.coverage, { ...n, awards: clause });
}

function assemble(
  summary: string,
  clauses: readonly NarrativeClause[],
  coverage: string,
  sections: Pick<Narrative, 'publicity' | 'training' | 'awards'>,
): Narrative {
  const activities = clauses.length > 0 ? `${clauses.map((c) => c.text).join('；')}。` : '';
  const { publicity, training, awards } = sections;
  const awardsText = awards ? `${awards.text.replace(/[。；，]$/, '')}。` : '';
  return {
    summary,
    clauses,
    activities,
    coverage,
    publicity,
    training,
    awards,
    text: [summary, activities, coverage, publicity, training, awardsText].filter((s) => s !== '').join('\n'),
  };
}

/**
 * The narrative of a year from its counted events (by start), their counts, the report lines
 * (counted over the same events by countLines) and the coverage; report.ts buildReport makes
 * them all once.
 */
export function narrativeOf(
  sorted: readonly NarratableEvent[],
  counts: ReportCounts,
  coverage: Pick<CoverageResult, 'areaCount' | 'gaps'>,
  year: number,
  ctx: NarrativeContext,
  lines: readonly ReportLine[] = [],
  lineCounts: LineCounts = countLines(sorted, lines),
): Narrative {
  const summary = summaryOf(year, counts.total, ctx.round ?? false);
  const own = sectionEvents(sorted, lineCounts);
  const apart = new Set([...own.publicity, ...own.training].map((e) => e.id));
  const spoken = apart.size === 0 ? sorted : sorted.filter((e) => !apart.has(e.id));
  const clauses = activityClauses(spoken, lines, lineCounts, year, ctx).map((d, i): NarrativeClause => {
    const text = `${chineseOrdinal(i + 1)}是${d.body}`;
    const tally = d.events.reduce((t, e) => ({ attendance: t.attendance + e.attendance, materials: t.materials + materialsTotal(e) }), {
      attendance: 0,
      materials: 0,
    });
    return { key: d.key, text, generated: text, lines: d.lines, edited: false, stale: false, events: d.events.length, ...tally };
  });
  const publicity = own.publicity.length > 0 ? publicitySection(own.publicity, SECTION_START, ctx) : '';
  const training = own.training.length > 0 ? trainingSection(own.training, SECTION_START + (publicity === '' ? 0 : 1), ctx) : '';
  return assemble(summary, clauses, coverageSentence(year, coverage), { publicity, training, awards: null });
}
