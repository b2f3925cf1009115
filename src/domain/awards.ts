/**
 * Competition awards (竞赛获奖, issue 14 §4): one record per award batch — "第21届惠州市青少年科技
 * 创新大赛, 市级, 学生项目, 一等奖, 8项". Org-wide records made by staff, stored and synced like
 * targets (entity 'award'); volunteers' phones neither pull nor push them. The report counts
 * them by level and prize and states them in the seed's words (award-report.ts).
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

/** Limits a stored award keeps to. */
export const AWARD_LIMITS = { competitionMax: 100, recipientsMax: 2000, noteMax: 500, remarkMax: 200, countMax: 10_000, photosMax: 12 } as const;

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
  /**
   * A short qualifier of the count, which the report prints in parentheses right after it:
   * 一等奖1项（全省16项）. Keep it to a few words; a sentence belongs in `remark`.
   */
  note: text(AWARD_LIMITS.noteMax),
  /**
   * A sentence the report adds after this record's category, once ("…二等奖1项，其中有一个项目推荐进入国赛"):
   * what happened to the projects besides their prizes. A field of its own rather than a convention
   * inside `note`, so the generator never guesses which is which. Optional: awards written before
   * it read and sync unchanged (the server keeps award rows as JSON).
   */
  remark: v.optional(text(AWARD_LIMITS.remarkMax)),
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
