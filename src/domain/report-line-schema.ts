/**
 * The schema of a report line (统计口径) and of a clause edit, and the default lines: valibot only,
 * so that the taxonomy document (taxonomy.ts) and the settings store, which carry an org's lines,
 * can validate them without importing the counting code (they are on the logging route). The rules
 * that use a line live in report-lines.ts.
 */
import * as v from 'valibot';

const code = v.pipe(v.string(), v.trim(), v.minLength(1, 'required'), v.maxLength(40, 'tooLong'));
const codes = v.pipe(v.array(code, 'notList'), v.maxLength(50, 'tooMany'));

/** The fields of a line definition, as staff edit them. */
export const reportLineFieldEntries = {
  /** Stable key (targets and clause edits point at it): lowercase letters, digits and dashes. */
  code: v.pipe(v.string(), v.trim(), v.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'badCode')),
  /** The line's name in the report (统计口径名称). */
  name: v.pipe(v.string(), v.trim(), v.minLength(1, 'required'), v.maxLength(60, 'tooLong')),
  nameEn: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(80, 'tooLong'))),
  formats: codes,
  /** Campaign codes; `none` = events with no campaign. */
  campaigns: codes,
  /** Campaigns the line leaves out; `none` = leaves out events with no campaign. */
  notCampaigns: codes,
  venues: codes,
  /** The event has any of these themes. */
  themes: codes,
  /** The event's audience has any of these kinds. */
  audienceKinds: codes,
  /** The title contains any of these words. */
  titleKeywords: v.pipe(v.array(v.pipe(v.string(), v.trim(), v.minLength(1, 'required'), v.maxLength(40, 'tooLong')), 'notList'), v.maxLength(20, 'tooMany')),
  /**
   * The narrative clause the line is stated in: lines with the same clause key make one clause
   * ("七是…广场集中宣传活动2场次，开展…进社区、进校园活动3场次"); '' = a clause of its own.
   */
  clause: v.pipe(v.string(), v.trim(), v.maxLength(40, 'tooLong')),
  /** The words the narrative uses for the line's events; '' = their shared title or the format's words. */
  phrase: v.pipe(v.string(), v.trim(), v.maxLength(100, 'tooLong')),
} as const;

/** One line definition. */
export const reportLineSchema = v.pipe(
  v.strictObject(reportLineFieldEntries),
  v.check(
    (l) =>
      l.formats.length + l.campaigns.length + l.notCampaigns.length + l.venues.length + l.themes.length + l.audienceKinds.length + l.titleKeywords.length > 0,
    'lineMatchesEverything',
  ),
  v.check((l) => !l.campaigns.some((c) => l.notCampaigns.includes(c)), 'lineContradicts'),
);
export type ReportLine = v.InferOutput<typeof reportLineSchema>;

/** An ordered set of lines: codes unique. */
export const reportLinesSchema = v.pipe(
  v.array(reportLineSchema, 'notList'),
  v.maxLength(100, 'tooMany'),
  v.check((ls) => new Set(ls.map((l) => l.code)).size === ls.length, 'duplicateCode'),
);

/** A staff member's edit of one narrative clause of one year (report-text.ts applyClauseEdits). */
export const clauseEditSchema = v.strictObject({
  year: v.pipe(v.number('notNumber'), v.integer('notInteger'), v.minValue(2000, 'implausibleYear'), v.maxValue(2100, 'implausibleYear')),
  key: v.pipe(v.string(), v.minLength(1, 'required'), v.maxLength(100, 'tooLong')),
  text: v.pipe(v.string(), v.trim(), v.minLength(1, 'required'), v.maxLength(2000, 'tooLong')),
  generated: v.pipe(v.string(), v.maxLength(2000, 'tooLong')),
});

/** The clause edits of an org: one per year and clause. */
export const clauseEditsSchema = v.pipe(
  v.array(clauseEditSchema, 'notList'),
  v.maxLength(500, 'tooMany'),
  v.check((es) => new Set(es.map((e) => `${e.year}|${e.key}`)).size === es.length, 'duplicateEdit'),
);

/** The taxonomy lists a line's fields draw codes from. */
export const LINE_FIELD_LISTS = {
  formats: 'formats',
  campaigns: 'campaigns',
  notCampaigns: 'campaigns',
  venues: 'venues',
  themes: 'themes',
  audienceKinds: 'audienceKinds',
} as const;

/**
 * Codes the lines name that a taxonomy lacks, as problems `{field: 'reportLines.<i>.<field>', code:
 * 'unknownCode'}` (`none` is always a campaign: "no campaign").
 */
export function unknownLineCodes(
  lines: readonly ReportLine[],
  has: (list: (typeof LINE_FIELD_LISTS)[keyof typeof LINE_FIELD_LISTS], code: string) => boolean,
): { field: string; code: string }[] {
  const out: { field: string; code: string }[] = [];
  lines.forEach((l, i) => {
    for (const [field, list] of Object.entries(LINE_FIELD_LISTS) as [
      keyof typeof LINE_FIELD_LISTS,
      (typeof LINE_FIELD_LISTS)[keyof typeof LINE_FIELD_LISTS],
    ][]) {
      for (const c of l[field])
        if (!(list === 'campaigns' && c === 'none') && !has(list, c)) out.push({ field: `reportLines.${i}.${field}`, code: 'unknownCode' });
    }
  });
  return out;
}

/** A line with every optional part empty, to build on. */
export function blankLine(code: string, name: string): ReportLine {
  return { code, name, formats: [], campaigns: [], notCampaigns: [], venues: [], themes: [], audienceKinds: [], titleKeywords: [], clause: '', phrase: '' };
}

const line = (code: string, name: string, nameEn: string, parts: Partial<ReportLine>): ReportLine => ({ ...blankLine(code, name), nameEn, ...parts });

/**
 * The default lines: the eight the Huidong 2023 report states in its clause 二 (一是 … 七是), in
 * its order. 24 + 5 + 7 + 4 + 3 + 5 + 2 + 3 = 53, every 2023 activity once.
 */
export const DEFAULT_REPORT_LINES: readonly ReportLine[] = [
  line('volunteer-service', '进村、进社区志愿服务', 'Village / community volunteer service', {
    formats: ['volunteer-service'],
    notCampaigns: ['science-day'],
  }),
  line('caravan', '科普大篷车巡展', 'Science caravan tour', { formats: ['caravan'] }),
  line('open-class', '益智机械积木拼装公开课', 'Open classes', { formats: ['open-class'] }),
  line('first-aid', '急救技术科普活动', 'First-aid training', { formats: ['first-aid'] }),
  line('sci-tech-week', '全国科技活动周主题活动', 'Science and Technology Week', { campaigns: ['sci-tech-week'] }),
  line('experiment-class', '实验互动课堂课程', 'Hands-on experiment classes', { formats: ['experiment-class'] }),
  line('science-day-square', '全国科普日广场集中宣传活动', 'Science Day square campaign', {
    campaigns: ['science-day'],
    formats: ['square-campaign'],
    clause: 'science-day',
  }),
  line('science-day-community-school', '科普日进社区进校园', 'Science Day in communities and schools', {
    campaigns: ['science-day'],
    venues: ['community', 'school'],
    clause: 'science-day',
  }),
];

/** The pending key of a part of the org document merged whole (taxonomy-merge.ts TAXONOMY_DOCS). */
export const docKey = (part: 'reportLines' | 'clauseEdits') => `doc:${part}`;
