/**
 * Report lines (统计口径): the named, ordered definitions a report counts by. The seed report's
 * "进村、进社区志愿服务 24场次" is not a format but a combination — the volunteer-service events
 * that were NOT part of 全国科普日 — and "科普日进社区进校园 3场次" is the 科普日 events held in
 * communities and schools. A line says which events it takes, over the event's fields:
 *
 * - every non-empty field is a condition, and an event must meet all of them (AND);
 * - inside a field, any listed code will do (OR); `campaigns` may list `none` (no campaign);
 * - `notCampaigns` leaves out events of those campaigns (`none` there: events with no campaign);
 * - `titleKeywords`: the title contains any of them (for what no field records).
 *
 * Every number that names a line — the 按统计口径 table and sheet, a target pointing at the line,
 * the narrative clause — is counted here, from the one definition (countLines). An event may fall
 * in several lines; the table says how many of a line's events are also in another line.
 * Which events count at all (已审核 or every submitted event, the year) is the caller's
 * selection: countLines takes the events already selected, so the counting basis stays a
 * parameter of the report. Pure.
 */
import { addToTally, emptyTally, type CountableEvent, type Tally } from './counts.js';
import type { LedgerEvent } from './event.js';
import type { ReportLine } from './report-line-schema.js';

export * from './report-line-schema.js';

/** The fields a line reads: the counted ones plus the title and the audience groups. */
export type LineEvent = CountableEvent & Partial<Pick<LedgerEvent, 'title' | 'audience'>>;

/** Whether an event falls in a line. */
export function inLine(l: ReportLine, e: LineEvent): boolean {
  const campaign = e.campaign ?? 'none';
  if (l.formats.length > 0 && !l.formats.includes(e.format)) return false;
  if (l.campaigns.length > 0 && !l.campaigns.includes(campaign)) return false;
  if (l.notCampaigns.includes(campaign)) return false;
  if (l.venues.length > 0 && !l.venues.includes(e.venue)) return false;
  if (l.themes.length > 0 && !e.themes.some((t) => l.themes.includes(t))) return false;
  if (l.audienceKinds.length > 0 && !(e.audience ?? []).some((a) => a.count > 0 && l.audienceKinds.includes(a.kind))) return false;
  if (l.titleKeywords.length > 0) {
    const title = e.title ?? '';
    if (!l.titleKeywords.some((k) => title.includes(k))) return false;
  }
  return true;
}

/** One row of the 按统计口径 table. */
export interface LineCount {
  readonly line: ReportLine;
  readonly tally: Tally;
  /** How many of the line's events are also in another line (the table's note column). */
  readonly shared: number;
  /** The codes of the other lines those events are in, in line order. */
  readonly sharedWith: readonly string[];
}

/** The lines counted over some selected events. */
export interface LineCounts {
  readonly rows: readonly LineCount[];
  /** Per event id, the codes of the lines it falls in, in line order. */
  readonly linesOf: ReadonlyMap<string, readonly string[]>;
  /** Events in no line. */
  readonly outside: Tally;
}

/**
 * Counts each line over events already selected (the year and the counting basis chosen by the
 * caller), in one pass.
 */
export function countLines(selected: readonly LineEvent[], lines: readonly ReportLine[]): LineCounts {
  const tallies = lines.map(() => emptyTally());
  const shared = lines.map(() => 0);
  const sharedWith = lines.map(() => new Set<string>());
  const linesOf = new Map<string, readonly string[]>();
  const outside = emptyTally();
  for (const e of selected) {
    const hit: number[] = [];
    lines.forEach((l, i) => {
      if (inLine(l, e)) hit.push(i);
    });
    if (hit.length === 0) addToTally(outside, e);
    for (const i of hit) {
      addToTally(tallies[i]!, e);
      if (hit.length > 1) {
        shared[i]! += 1;
        for (const j of hit) if (j !== i) sharedWith[i]!.add(lines[j]!.code);
      }
    }
    linesOf.set(
      e.id,
      hit.map((i) => lines[i]!.code),
    );
  }
  const rows = lines.map((line, i) => ({
    line,
    tally: tallies[i]!,
    shared: shared[i]!,
    sharedWith: lines.map((l) => l.code).filter((c) => sharedWith[i]!.has(c)),
  }));
  return { rows, linesOf, outside };
}

/** The name of a line in a language. */
export function lineName(l: ReportLine, locale: 'zh-CN' | 'en' = 'zh-CN'): string {
  return locale === 'en' && l.nameEn ? l.nameEn : l.name;
}

/** The format × campaign table. */
export interface CrossTable {
  /** Format codes (rows), in the order given. */
  readonly rows: readonly string[];
  /** Campaign codes (columns), `none` last. */
  readonly columns: readonly string[];
  /** cells[row][column]: the tally of the events of that format and campaign. */
  readonly cells: readonly (readonly Tally[])[];
  readonly rowTotals: readonly Tally[];
  readonly columnTotals: readonly Tally[];
  readonly total: Tally;
}

/**
 * The cross table format × campaign of some selected events: rows and columns in the given
 * orders (taxonomy order), only those with events, `none` (no campaign) as the last column.
 */
export function crossTableOf(selected: readonly CountableEvent[], formatOrder: readonly string[], campaignOrder: readonly string[]): CrossTable {
  const seenF = new Set<string>();
  const seenC = new Set<string>();
  for (const e of selected) {
    seenF.add(e.format);
    seenC.add(e.campaign ?? 'none');
  }
  const ordered = (seen: Set<string>, order: readonly string[], last?: string) => {
    const known = order.filter((c) => seen.has(c) && c !== last);
    const unknown = [...seen].filter((c) => !order.includes(c) && c !== last).sort();
    return [...known, ...unknown, ...(last !== undefined && seen.has(last) ? [last] : [])];
  };
  const rows = ordered(seenF, formatOrder);
  const columns = ordered(seenC, campaignOrder, 'none');
  const cells = rows.map(() => columns.map(() => emptyTally()));
  const rowTotals = rows.map(() => emptyTally());
  const columnTotals = columns.map(() => emptyTally());
  const total = emptyTally();
  for (const e of selected) {
    const r = rows.indexOf(e.format);
    const c = columns.indexOf(e.campaign ?? 'none');
    addToTally(cells[r]![c]!, e);
    addToTally(rowTotals[r]!, e);
    addToTally(columnTotals[c]!, e);
    addToTally(total, e);
  }
  return { rows, columns, cells, rowTotals, columnTotals, total };
}

/** The words of a definition's parts, for the table's 定义 column and the editor's summary. */
const DESCRIBE = {
  'zh-CN': {
    formats: '活动形式',
    campaigns: '专项',
    notCampaigns: '不含专项',
    venues: '场所类型',
    themes: '主题',
    audienceKinds: '受众',
    titleKeywords: '名称含',
    none: '无专项',
    sep: '：',
    join: '、',
    and: '；',
  },
  en: {
    formats: 'Format',
    campaigns: 'Campaign',
    notCampaigns: 'Not campaign',
    venues: 'Venue',
    themes: 'Theme',
    audienceKinds: 'Audience',
    titleKeywords: 'Title contains',
    none: 'no campaign',
    sep: ': ',
    join: ', ',
    and: '; ',
  },
} as const;

/**
 * A line's definition in words: "活动形式：进村/进社区志愿服务；不含专项：全国科普日". `label(list, code)`
 * names a code (the taxonomy's labelOf).
 */
export function describeLine(
  l: ReportLine,
  label: (list: 'formats' | 'campaigns' | 'venues' | 'themes' | 'audienceKinds', code: string) => string,
  locale: 'zh-CN' | 'en' = 'zh-CN',
): string {
  const w = DESCRIBE[locale];
  const named = (list: 'formats' | 'campaigns' | 'venues' | 'themes' | 'audienceKinds', codes: readonly string[]) =>
    codes.map((c) => (list === 'campaigns' && c === 'none' ? w.none : label(list, c))).join(w.join);
  const parts: string[] = [];
  if (l.formats.length > 0) parts.push(`${w.formats}${w.sep}${named('formats', l.formats)}`);
  if (l.campaigns.length > 0) parts.push(`${w.campaigns}${w.sep}${named('campaigns', l.campaigns)}`);
  if (l.notCampaigns.length > 0) parts.push(`${w.notCampaigns}${w.sep}${named('campaigns', l.notCampaigns)}`);
  if (l.venues.length > 0) parts.push(`${w.venues}${w.sep}${named('venues', l.venues)}`);
  if (l.themes.length > 0) parts.push(`${w.themes}${w.sep}${named('themes', l.themes)}`);
  if (l.audienceKinds.length > 0) parts.push(`${w.audienceKinds}${w.sep}${named('audienceKinds', l.audienceKinds)}`);
  if (l.titleKeywords.length > 0) parts.push(`${w.titleKeywords}${w.sep}${l.titleKeywords.join(w.join)}`);
  return parts.join(w.and);
}
