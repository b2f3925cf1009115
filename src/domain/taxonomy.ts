import * as v from 'valibot';
import { clauseEditsSchema, reportLinesSchema, unknownLineCodes } from './report-line-schema.js';

/**
 * The classification lists an event draws from. They are data, seeded from the Huidong 2023
 * report and editable by staff: an entry is never deleted once used, only `retired`, so old
 * events keep a label and old reports keep their rows.
 */

/** One entry of a taxonomy list: a stable code stored on events, and its labels. */
export const taxonomyEntrySchema = v.strictObject({
  code: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'badCode')),
  zh: v.pipe(v.string(), v.trim(), v.minLength(1, 'required'), v.maxLength(40, 'tooLong')),
  en: v.optional(v.pipe(v.string(), v.maxLength(60, 'tooLong'))),
  retired: v.optional(v.boolean()),
});
export type TaxonomyEntry = v.InferOutput<typeof taxonomyEntrySchema>;

/** The names of the taxonomy lists. */
export const TAXONOMY_LISTS = ['formats', 'venues', 'campaigns', 'themes', 'materialKinds', 'audienceKinds'] as const;
export type TaxonomyListName = (typeof TAXONOMY_LISTS)[number];

const listSchema = v.pipe(
  v.array(taxonomyEntrySchema),
  v.check((list) => new Set(list.map((e) => e.code)).size === list.length, 'duplicateCode'),
);

/**
 * The whole taxonomy: one list per axis. The org's document also carries, when staff set them, its
 * report lines (统计口径, report-lines.ts; absent: DEFAULT_REPORT_LINES) and the narrative clauses
 * staff edited per year: org-level data that syncs with the taxonomy (GET/PUT /api/org/taxonomy).
 * A line may only name codes the lists have.
 */
export const taxonomySchema = v.pipe(
  v.strictObject({
    formats: listSchema,
    venues: listSchema,
    campaigns: listSchema,
    themes: listSchema,
    materialKinds: listSchema,
    audienceKinds: listSchema,
    reportLines: v.optional(reportLinesSchema),
    clauseEdits: v.optional(clauseEditsSchema),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed || !dataset.value.reportLines) return;
    const t = dataset.value;
    for (const p of unknownLineCodes(t.reportLines!, (list, code) => t[list].some((e) => e.code === code))) {
      addIssue({ message: p.code, path: [{ type: 'object', origin: 'value', input: t, key: p.field, value: p.field }] });
    }
  }),
);
export type Taxonomy = v.InferOutput<typeof taxonomySchema>;

const e = (code: string, zh: string, en: string): TaxonomyEntry => ({ code, zh, en });

/** The default taxonomy, worded as the Huidong 2023 绩效自评报告 words its activities. */
export const DEFAULT_TAXONOMY: Taxonomy = {
  formats: [
    e('caravan', '科普大篷车巡展', 'Science caravan tour'),
    e('lecture', '科普讲座/报告会', 'Lecture / talk'),
    e('open-class', '公开课', 'Open class'),
    e('experiment-class', '实验互动课堂', 'Hands-on experiment class'),
    e('square-campaign', '广场集中宣传', 'Public-square campaign'),
    e('volunteer-service', '进村/进社区志愿服务', 'Village / community volunteer service'),
    e('first-aid', '急救技术科普', 'First-aid training'),
    e('exhibition', '科普展览/宣传栏', 'Exhibition / notice board'),
    e('youth-contest', '青少年科技竞赛', 'Youth science contest'),
    e('coach-training', '科技辅导员/教练员培训', 'Teacher / coach training'),
    e('media', '媒体科普', 'Media outreach'),
    e('other', '其他', 'Other'),
  ],
  venues: [
    e('school', '校园', 'School'),
    e('community', '社区', 'Community'),
    e('village', '乡村', 'Village'),
    e('public-space', '广场/公共场所', 'Square / public space'),
    e('government', '机关单位', 'Government office'),
    e('elderly-care', '养老机构', 'Elderly care'),
    e('enterprise', '企业/园区', 'Enterprise / park'),
    e('other', '其他', 'Other'),
  ],
  campaigns: [
    e('science-day', '全国科普日', 'National Science Popularization Day'),
    e('sci-tech-week', '全国科技活动周', 'National Science and Technology Week'),
    e('sci-workers-day', '全国科技工作者日', 'National Science Workers Day'),
    e('progress-month', '科技进步活动月', 'Science Progress Month'),
  ],
  themes: [
    e('traditional-culture', '传统文化', 'Traditional culture'),
    e('sci-tech', '科技知识', 'Science knowledge'),
    e('disaster-prevention', '防灾减灾', 'Disaster prevention'),
    e('emergency-rescue', '应急救护', 'Emergency rescue'),
    e('health', '养生保健', 'Health care'),
    e('lei-feng', '雷锋精神', 'Lei Feng spirit'),
    e('food-safety', '食品安全', 'Food safety'),
    e('anti-drug', '禁毒', 'Anti-drug'),
    e('ecology', '生态环保', 'Ecology'),
    e('frontier-tech', '前沿科技', 'Frontier technology'),
  ],
  materialKinds: [
    e('booklet', '小册子', 'Booklet'),
    e('leaflet', '折页', 'Leaflet'),
    e('eco-bag', '环保袋', 'Eco bag'),
    e('umbrella', '宣传伞', 'Umbrella'),
    e('poster', '海报', 'Poster'),
    e('other', '其他资料', 'Other material'),
  ],
  audienceKinds: [
    e('students', '学生', 'Students'),
    e('teachers', '教师', 'Teachers'),
    e('elderly', '老年人', 'Elderly'),
    e('residents', '村(居)民', 'Residents'),
    e('officials', '机关干部', 'Officials'),
    e('workers', '企业职工', 'Workers'),
    e('other', '其他', 'Other'),
  ],
};

/** The label of a code in a list, in the wanted language; the code itself when unknown. */
export function labelOf(taxonomy: Taxonomy, list: TaxonomyListName, code: string, locale: 'zh-CN' | 'en' = 'zh-CN'): string {
  const entry = taxonomy[list].find((x) => x.code === code);
  if (!entry) return code;
  return locale === 'en' ? (entry.en ?? entry.zh) : entry.zh;
}

/** Whether a code names an entry of a list (retired entries included: old events stay valid). */
export function hasCode(taxonomy: Taxonomy, list: TaxonomyListName, code: string): boolean {
  return taxonomy[list].some((x) => x.code === code);
}
