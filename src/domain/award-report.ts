/**
 * What the report makes of competition awards (issue 14 §4): counts by level and prize, and the
 * awards clause of the narrative in the seed report's words. A module apart from the award schema
 * (awards.ts, which every phone's sync and backup code carries) and from report-text.ts (which a
 * volunteer's reports route loads), so this staff-only code stays out of a volunteer's first
 * visit (its budget: tests/build). Pure; the Chinese here is the report's wording, not UI text.
 */
import { AWARD_LEVELS, AWARD_PRIZES, type Award, type AwardCategory, type AwardLevel, type AwardPrize } from './awards.js';
import { chineseOrdinal } from './report-text.js';

/** The report's words for each code (the report's Chinese, not UI text). */
export const AWARD_LEVEL_WORDS: Readonly<Record<AwardLevel, string>> = { county: '县级', city: '市级', province: '省级', national: '国家级' };
export const AWARD_CATEGORY_WORDS: Readonly<Record<AwardCategory, string>> = {
  studentProject: '学生项目',
  counselorProject: '辅导员项目',
  organization: '优秀组织奖',
  counselor: '优秀辅导员',
};
export const AWARD_PRIZE_WORDS: Readonly<Record<AwardPrize, string>> = { first: '一等奖', second: '二等奖', third: '三等奖', merit: '优秀奖' };

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

/** The fields the awards sentence reads. */
export type NarratableAward = Pick<Award, 'year' | 'month' | 'competition' | 'level' | 'category' | 'prize' | 'count' | 'deleted' | 'note' | 'remark'>;

/** The distinct non-empty values, in record order. */
function distinctTexts(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.map((s) => (s ?? '').trim()).filter((s) => s !== ''))];
}

/** "（全省16项）" from the records' notes, or '' without any. */
function notesPhrase(awards: readonly NarratableAward[]): string {
  const notes = distinctTexts(awards.map((a) => a.note));
  return notes.length ? `（${notes.join('；')}）` : '';
}

/** "，其中有一个项目推荐进入国赛" from the records' remarks, or '' without any. */
function remarksPhrase(awards: readonly NarratableAward[]): string {
  return distinctTexts(awards.map((a) => a.remark))
    .map((r) => `，${r}`)
    .join('');
}

/**
 * "一等奖1项（全省16项）、二等奖1项": a category's prizes, in prize order, zeros left out; a record's
 * note goes in parentheses after the count it qualifies.
 */
function prizesPhrase(awards: readonly NarratableAward[]): string {
  return AWARD_PRIZES.flatMap((p) => {
    const of = awards.filter((a) => a.prize === p);
    const n = of.reduce((sum, a) => sum + a.count, 0);
    return n > 0 ? [`${AWARD_PRIZE_WORDS[p]}${n}项${notesPhrase(of)}`] : [];
  }).join('、');
}

/**
 * The awards of a year in the seed report's words, one clause per competition:
 * "一是在2月份第21届惠州市青少年科技创新大赛中，获得各类项目一等奖8项、二等奖29项、三等奖18项，同时评选出了
 * 2名优秀科技辅导员、2个优秀组织奖单位；二是…". A competition's projects of one category read "各类项目";
 * of both, each category is named (辅导员项目…，学生项目…). What the records hold besides counts is
 * said where it belongs: a note in parentheses after its count ("一等奖1项（全省16项）"), a remark after
 * its category ("…二等奖1项，其中有一个项目推荐进入国赛"). A competition whose parts then contain a
 * comma separates them with "；", as Chinese does for clauses that hold commas. Competitions follow
 * their month (unknown last), then level (county first), then name; one competition takes no
 * "一是". Empty when none.
 */
export function awardsSentence(awards: Iterable<NarratableAward>, year: number): string {
  const groups = new Map<string, NarratableAward[]>();
  for (const a of awards) {
    if (a.deleted || a.year !== year) continue;
    const g = groups.get(a.competition);
    if (g) g.push(a);
    else groups.set(a.competition, [a]);
  }
  const monthOf = (g: readonly NarratableAward[]): number => Math.min(...g.map((a) => a.month ?? 13));
  const levelOf = (g: readonly NarratableAward[]): number => Math.min(...g.map((a) => AWARD_LEVELS.indexOf(a.level)));
  const sorted = [...groups.entries()].sort(([na, a], [nb, b]) => monthOf(a) - monthOf(b) || levelOf(a) - levelOf(b) || (na < nb ? -1 : na > nb ? 1 : 0));
  const clauses = sorted.map(([name, g]) => {
    const month = monthOf(g);
    const counselorProjects = g.filter((a) => a.category === 'counselorProject');
    const studentProjects = g.filter((a) => a.category === 'studentProject');
    const projects =
      counselorProjects.length && studentProjects.length
        ? [
            `${AWARD_CATEGORY_WORDS.counselorProject}${prizesPhrase(counselorProjects)}${remarksPhrase(counselorProjects)}`,
            `${AWARD_CATEGORY_WORDS.studentProject}${prizesPhrase(studentProjects)}${remarksPhrase(studentProjects)}`,
          ]
        : counselorProjects.length || studentProjects.length
          ? [`各类项目${prizesPhrase([...counselorProjects, ...studentProjects])}${remarksPhrase([...counselorProjects, ...studentProjects])}`]
          : [];
    const honour = (category: 'counselor' | 'organization', words: (n: number) => string): string => {
      const of = g.filter((a) => a.category === category);
      const n = of.reduce((sum, a) => sum + a.count, 0);
      return n > 0 ? `${words(n)}${notesPhrase(of)}` : '';
    };
    const honours = [honour('counselor', (n) => `${n}名优秀科技辅导员`), honour('organization', (n) => `${n}个优秀组织奖单位`)].filter((s) => s !== '');
    const honourRemarks = remarksPhrase(g.filter((a) => a.category === 'counselor' || a.category === 'organization'));
    const parts = projects.map((p, i) => (i === 0 ? `获得${p}` : p));
    if (honours.length) parts.push(`${parts.length ? '同时' : ''}评选出了${honours.join('、')}${honourRemarks}`);
    const separator = parts.some((p) => p.includes('，')) ? '；' : '，';
    return `在${month <= 12 ? `${month}月份` : ''}${name}中，${parts.join(separator)}`;
  });
  if (clauses.length === 1) return clauses[0]!;
  return clauses.map((c, i) => `${chineseOrdinal(i + 1)}是${c}`).join('；');
}
