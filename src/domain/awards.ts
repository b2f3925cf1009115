/**
 * Competition awards (竞赛获奖, issue 14 §4): one record per award batch — "第21届惠州市青少年科技
 * 创新大赛, 市级, 学生项目, 一等奖, 8项". Org-wide records made by staff, stored and synced like
 * targets (entity 'award'); volunteers' phones neither pull nor push them. The report counts
 * them by level and prize (awardCounts) and states them in the seed's words (report-text.ts,
 * awardsSentence).
 */
import * as v from 'valibot';

/** Where the competition was held: 县 / 市 / 省 / 国. */
export const AWARD_LEVELS = ['county', 'city', 'province', 'national'] as const;
export type AwardLevel = (typeof AWARD_LEVELS)[number];

/** What was awarded: a student's project, a counsellor's project, or an honour. */
export const AWARD_CATEGORIES = ['studentProject', 'counselorProject', 'organization', 'counselor'] as const;
export type AwardCategory = (typeof AWARD_CATEGORIES)[number];

/** The prize of a project award; honours (优秀组织奖, 优秀辅导员) have none. */
export const AWARD_PRIZES = ['first', 'second', 'third', 'merit'] as const;
export type AwardPrize = (typeof AWARD_PRIZES)[number];

/** Categories that are projects (they carry a prize); the others are honours. */
export const PROJECT_CATEGORIES: readonly AwardCategory[] = ['studentProject', 'counselorProject'];

/** The report's words for each code (the report's Chinese, not UI text). */
export const AWARD_LEVEL_WORDS: Readonly<Record<AwardLevel, string>> = { county: '县级', city: '市级', province: '省级', national: '国家级' };
export const AWARD_CATEGORY_WORDS: Readonly<Record<AwardCategory, string>> = {
  studentProject: '学生项目',
  counselorProject: '辅导员项目',
  organization: '优秀组织奖',
  counselor: '优秀辅导员',
};
export const AWARD_PRIZE_WORDS: Readonly<Record<AwardPrize, string>> = { first: '一等奖', second: '二等奖', third: '三等奖', merit: '优秀奖' };

/** Limits a stored award keeps to. */
export const AWARD_LIMITS = { competitionMax: 100, recipientsMax: 2000, noteMax: 500, countMax: 10_000, photosMax: 12 } as const;

const instant = v.pipe(v.string(), v.isoTimestamp('badTime'));
const text = (max: number) => v.pipe(v.string('notText'), v.trim(), v.maxLength(max, 'tooLong'));
const sha256 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'badPhotoHash'));

/** The fields staff edit on an award. */
export const awardFieldEntries = {
  year: v.pipe(v.number('notNumber'), v.integer('notInteger'), v.minValue(2000, 'implausibleYear'), v.maxValue(2100, 'implausibleYear')),
  /** The month the results came out (the report says "在2月份…"); null when unknown. */
  month: v.nullable(v.pipe(v.number('notNumber'), v.integer('notInteger'), v.minValue(1, 'badMonth'), v.maxValue(12, 'badMonth'))),
  /** The competition's full name, as the report names it: "第21届惠州市青少年科技创新大赛". */
  competition: v.pipe(text(AWARD_LIMITS.competitionMax), v.minLength(1, 'required')),
  level: v.picklist(AWARD_LEVELS, 'badAwardLevel'),
  category: v.picklist(AWARD_CATEGORIES, 'badAwardCategory'),
  /** Required for a project category, null for an honour. */
  prize: v.nullable(v.picklist(AWARD_PRIZES, 'badAwardPrize')),
  /** How many awards of this kind (项 / 名 / 个). */
  count: v.pipe(v.number('notNumber'), v.integer('notInteger'), v.minValue(1, 'notPositive'), v.maxValue(AWARD_LIMITS.countMax, 'tooLarge')),
  /** The schools or people awarded, free text (one a line, or separated by 、). */
  recipients: text(AWARD_LIMITS.recipientsMax),
  /** Evidence (佐证材料): photo hashes, through the same blob path as events' photos. */
  photos: v.pipe(v.array(sha256, 'notList'), v.maxLength(AWARD_LIMITS.photosMax, 'tooMany')),
  note: text(AWARD_LIMITS.noteMax),
} as const;

/** Bookkeeping on an award, kept by app and server. */
export const awardBookkeepingEntries = {
  id: v.pipe(v.string(), v.uuid('badId')),
  orgId: v.pipe(v.string(), v.maxLength(64)),
  createdBy: v.pipe(v.string(), v.maxLength(64)),
  createdAt: instant,
  updatedBy: v.pipe(v.string(), v.maxLength(64)),
  updatedAt: instant,
  deleted: v.boolean(),
  rev: v.pipe(v.number(), v.integer(), v.minValue(0)),
} as const;

/** A project needs a prize; an honour has none. */
function prizeFits(a: { category: AwardCategory; prize: AwardPrize | null }): boolean {
  return PROJECT_CATEGORIES.includes(a.category) ? a.prize !== null : a.prize === null;
}

/** The fields of an award, checked together (a project's prize). */
export const awardFieldsSchema = v.pipe(
  v.strictObject(awardFieldEntries),
  v.forward(
    v.check((a) => prizeFits(a), 'prizeMismatch'),
    ['prize'],
  ),
);

/** A stored award. */
export const awardSchema = v.pipe(
  v.strictObject({ ...awardFieldEntries, ...awardBookkeepingEntries }),
  v.forward(
    v.check((a) => prizeFits(a), 'prizeMismatch'),
    ['prize'],
  ),
);
export type Award = v.InferOutput<typeof awardSchema>;
export type AwardFields = Pick<Award, keyof typeof awardFieldEntries>;

/** A partial set of award fields, as a mutation carries it. */
export const awardPatchSchema = v.partial(v.strictObject(awardFieldEntries));
export type AwardPatch = v.InferOutput<typeof awardPatchSchema>;

/** Field names an award mutation may set. */
export const AWARD_MUTABLE_FIELDS = Object.keys(awardFieldEntries) as (keyof AwardFields)[];

/** The counted fields of an award. */
export type CountableAward = Pick<Award, 'year' | 'level' | 'category' | 'prize' | 'count' | 'deleted'>;

/** Columns of the counts table: the four prizes, then the two honours. */
export const AWARD_COUNT_COLUMNS = ['first', 'second', 'third', 'merit', 'organization', 'counselor'] as const;
export type AwardCountColumn = (typeof AWARD_COUNT_COLUMNS)[number];

/** One row of the counts table: a level, its count per column and in all. */
export interface AwardCountRow {
  readonly level: AwardLevel;
  readonly cells: Readonly<Record<AwardCountColumn, number>>;
  readonly total: number;
}

/** Counts by level and prize of one year. */
export interface AwardCounts {
  /** Only the levels that have awards, county → national. */
  readonly rows: readonly AwardCountRow[];
  /** Column sums over every level. */
  readonly totals: Readonly<Record<AwardCountColumn, number>>;
  readonly total: number;
}

function columnOf(a: CountableAward): AwardCountColumn | null {
  if (a.category === 'organization' || a.category === 'counselor') return a.category;
  return a.prize;
}

const zeroCells = (): Record<AwardCountColumn, number> => ({ first: 0, second: 0, third: 0, merit: 0, organization: 0, counselor: 0 });

/** Counts the year's live awards by level (rows) and prize or honour (columns). */
export function awardCounts(awards: Iterable<CountableAward>, year: number): AwardCounts {
  const byLevel = new Map<AwardLevel, Record<AwardCountColumn, number>>();
  const totals = zeroCells();
  let total = 0;
  for (const a of awards) {
    if (a.deleted || a.year !== year) continue;
    const col = columnOf(a);
    if (col === null) continue;
    let cells = byLevel.get(a.level);
    if (!cells) byLevel.set(a.level, (cells = zeroCells()));
    cells[col] += a.count;
    totals[col] += a.count;
    total += a.count;
  }
  const rows = AWARD_LEVELS.filter((l) => byLevel.has(l)).map((level) => {
    const cells = byLevel.get(level)!;
    return { level, cells, total: AWARD_COUNT_COLUMNS.reduce((n, c) => n + cells[c], 0) };
  });
  return { rows, totals, total };
}
