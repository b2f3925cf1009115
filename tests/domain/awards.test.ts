/**
 * Competition awards (issue 14 §4): the schema staff entries pass through, the counts by level and
 * prize, and the report's awards sentence — reproduced from the seed report's records.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { awardFieldsSchema, awardPatchSchema, type AwardFields } from '../../src/domain/awards';
import { awardCounts, awardsSentence } from '../../src/domain/award-report';
import { toProblems } from '../../src/domain/problems';
import { buildReport } from '../../src/domain/report';
import { applyClauseEdit, AWARDS_CLAUSE_KEY, type ClauseEdit } from '../../src/domain/report-text';
import { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
import { SEED_AWARDS_2023, SEED_AWARDS_SENTENCE } from '../fixtures/awards-2023';
import { loadHuidongPack } from '../fixtures/region-pack';
import { seed2023Events } from '../fixtures/seed-2023';

const live = (a: AwardFields) => ({ ...a, deleted: false });
const problems = (x: unknown) => {
  const r = v.safeParse(awardFieldsSchema, x, { abortPipeEarly: true });
  return r.success ? [] : toProblems(r.issues);
};

describe('award schema', () => {
  const ok: AwardFields = SEED_AWARDS_2023[0]!;

  it('takes every seed record as staff enter it, trimming text', () => {
    for (const a of SEED_AWARDS_2023) expect(problems(a)).toEqual([]);
    const r = v.parse(awardFieldsSchema, { ...ok, competition: '  第21届惠州市青少年科技创新大赛 ', recipients: ' 平山第三小学 ' });
    expect([r.competition, r.recipients]).toEqual(['第21届惠州市青少年科技创新大赛', '平山第三小学']);
  });

  it('refuses a project without a prize and an honour with one', () => {
    expect(problems({ ...ok, prize: null })).toEqual([{ field: 'prize', code: 'prizeMismatch' }]);
    expect(problems({ ...ok, category: 'counselor' })).toEqual([{ field: 'prize', code: 'prizeMismatch' }]);
    expect(problems({ ...ok, category: 'organization', prize: null })).toEqual([]);
  });

  it('says what is wrong with each bad field', () => {
    expect(problems({ ...ok, competition: '   ' })).toEqual([{ field: 'competition', code: 'required' }]);
    expect(problems({ ...ok, count: 0 })).toEqual([{ field: 'count', code: 'notPositive' }]);
    expect(problems({ ...ok, count: 2.5 })).toEqual([{ field: 'count', code: 'notInteger' }]);
    expect(problems({ ...ok, month: 13 })).toEqual([{ field: 'month', code: 'badMonth' }]);
    expect(problems({ ...ok, level: 'village' })).toEqual([{ field: 'level', code: 'badAwardLevel' }]);
    expect(problems({ ...ok, year: 1999 })).toEqual([{ field: 'year', code: 'implausibleYear' }]);
    expect(problems({ ...ok, photos: ['not-a-hash'] })).toEqual([{ field: 'photos.0', code: 'badPhotoHash' }]);
    expect(problems({ ...ok, extra: 1 })).toEqual([{ field: 'extra', code: 'unknownField' }]);
  });

  it('lets a patch carry any subset of the fields, and nothing else', () => {
    expect(v.safeParse(awardPatchSchema, { note: '全省16项' }).success).toBe(true);
    expect(v.safeParse(awardPatchSchema, { remark: '其中有一个项目推荐进入国赛' }).success).toBe(true);
    expect(v.safeParse(awardPatchSchema, { rev: 3 }).success).toBe(false);
  });
});

describe('awardCounts', () => {
  it('counts the seed year by level and prize, honours in their own columns', () => {
    const c = awardCounts(SEED_AWARDS_2023.map(live), 2023);
    expect(c.rows.map((r) => [r.level, r.cells, r.total])).toEqual([
      ['city', { first: 8, second: 29, third: 18, merit: 0, counselor: 2, organization: 2 }, 59],
      ['province', { first: 1, second: 2, third: 1, merit: 0, counselor: 0, organization: 0 }, 4],
    ]);
    expect(c.totals).toEqual({ first: 9, second: 31, third: 19, merit: 0, counselor: 2, organization: 2 });
    expect(c.total).toBe(63);
  });

  it('leaves out deleted awards and other years', () => {
    const rows = [{ ...live(SEED_AWARDS_2023[0]!), deleted: true }, { ...live(SEED_AWARDS_2023[1]!), year: 2022 }, live(SEED_AWARDS_2023[2]!)];
    const c = awardCounts(rows, 2023);
    expect(c.total).toBe(18);
    expect(c.rows).toHaveLength(1);
    expect(awardCounts([], 2023)).toEqual({ rows: [], totals: { first: 0, second: 0, third: 0, merit: 0, counselor: 0, organization: 0 }, total: 0 });
  });
});

describe('awardsSentence', () => {
  const [seedCity, seedProvince] = SEED_AWARDS_SENTENCE.split('；二是') as [string, string];

  it('reproduces the seed report’s awards clause for the city competition word for word', () => {
    const text = awardsSentence(SEED_AWARDS_2023.map(live), 2023);
    const [city] = text.split('；二是');
    expect(city).toBe(seedCity);
    expect(city).toBe(
      '一是在2月份第21届惠州市青少年科技创新大赛中，获得各类项目一等奖8项、二等奖29项、三等奖18项，同时评选出了2名优秀科技辅导员、2个优秀组织奖单位',
    );
  });

  it('states the province competition with every figure, note and remark of the seed; the wording differences left are listed here', () => {
    const text = awardsSentence(SEED_AWARDS_2023.map(live), 2023);
    const province = text.split('；二是')[1]!;
    expect(province).toBe(
      '在4月份第38届广东省青少年科技创新大赛中，获得辅导员项目一等奖1项（全省16项）、二等奖1项，其中有一个项目推荐进入国赛；学生项目二等奖1项、三等奖1项',
    );
    // Differences from the seed, each deliberate (staff who want the seed's words edit the clause):
    // - "今年4月份": the generator does not write relative time ("今年") — the year is the report's.
    // - "斩获" / "获省": the seed's varied verbs; the generator says "获得" for every competition.
    // - "（全省16项），二等奖": the generator lists one category's prizes with "、" whether or not a count
    //   carries a note.
    // Before the note and the remark were carried, the clause also lacked "（全省16项）" and "，其中有一个
    // 项目推荐进入国赛", and separated the categories with "，" where the seed has "；".
    const differences = (a: string, b: string) => {
      let i = 0;
      while (i < a.length && a[i] === b[i]) i++;
      let j = 0;
      while (j < a.length - i && j < b.length - i && a[a.length - 1 - j] === b[b.length - 1 - j]) j++;
      return [a.slice(i, a.length - j), b.slice(i, b.length - j)];
    };
    expect(differences(province, seedProvince)).toEqual([
      '4月份第38届广东省青少年科技创新大赛中，获得辅导员项目一等奖1项（全省16项）、二等奖1项，其中有一个项目推荐进入国赛；学生项目',
      '今年4月份第38届广东省青少年科技创新大赛中斩获辅导员项目一等奖1项（全省16项），二等奖1项，其中有一个项目推荐进入国赛；学生项目获省',
    ]);
    // Word by word, only the three listed differences remain.
    expect(
      province
        .replace('，获得', '斩获')
        .replace('、二等奖1项，其中', '，二等奖1项，其中')
        .replace('；学生项目', '；学生项目获省')
        .replace('在4月份', '在今年4月份'),
    ).toBe(seedProvince);
    const seedFigures = seedProvince.match(/[一二三]等奖\d+项/g);
    expect(province.match(/[一二三]等奖\d+项/g)).toEqual(seedFigures);
  });

  it('puts a note in parentheses after its count and a remark after its category, and separates categories with "；" then', () => {
    const base = { ...SEED_AWARDS_2023[0]!, competition: '惠东县青少年机器人竞赛', level: 'county' as const, month: 5 };
    const rows = [
      { ...base, category: 'studentProject' as const, prize: 'first' as const, count: 2, note: '全县3项' },
      { ...base, category: 'studentProject' as const, prize: 'first' as const, count: 1, note: '全县3项' },
      { ...base, category: 'studentProject' as const, prize: 'second' as const, count: 4, remark: '两个项目推荐参加市赛' },
      { ...base, category: 'organization' as const, prize: null, count: 1, note: '平山街道' },
    ].map(live);
    expect(awardsSentence(rows, 2023)).toBe(
      '在5月份惠东县青少年机器人竞赛中，获得各类项目一等奖3项（全县3项）、二等奖4项，两个项目推荐参加市赛；同时评选出了1个优秀组织奖单位（平山街道）',
    );
    // Without a remark the parts stay joined by "，"; a note alone brings no "；".
    expect(awardsSentence(rows.slice(0, 2).concat(rows[3]!), 2023)).toBe(
      '在5月份惠东县青少年机器人竞赛中，获得各类项目一等奖3项（全县3项），同时评选出了1个优秀组织奖单位（平山街道）',
    );
    // A blank note or remark says nothing.
    expect(awardsSentence([live({ ...base, note: '  ', remark: '' })], 2023)).toBe('在5月份惠东县青少年机器人竞赛中，获得各类项目一等奖8项');
  });

  it('orders competitions by month, then level; one competition takes no ordinal; nothing for no awards', () => {
    const national = { ...SEED_AWARDS_2023[0]!, competition: '全国青少年科技创新大赛', level: 'national' as const, month: null, count: 1 };
    const county = { ...SEED_AWARDS_2023[0]!, competition: '惠东县青少年机器人竞赛', level: 'county' as const, month: 2, prize: 'merit' as const, count: 5 };
    const text = awardsSentence([national, ...SEED_AWARDS_2023, county].map(live), 2023);
    expect(text.split(/；(?=[一二三四五六七八九十]是)/).map((c) => c.slice(0, 2))).toEqual(['一是', '二是', '三是', '四是']);
    expect(text).toContain('一是在2月份惠东县青少年机器人竞赛中，获得各类项目优秀奖5项');
    expect(text).toContain('四是在全国青少年科技创新大赛中，获得各类项目一等奖1项');
    expect(awardsSentence([live(county)], 2023)).toBe('在2月份惠东县青少年机器人竞赛中，获得各类项目优秀奖5项');
    const honoursOnly = SEED_AWARDS_2023.filter((a) => a.prize === null).map(live);
    expect(awardsSentence(honoursOnly, 2023)).toBe('在2月份第21届惠州市青少年科技创新大赛中，评选出了2名优秀科技辅导员、2个优秀组织奖单位');
    expect(awardsSentence(SEED_AWARDS_2023.map(live), 2024)).toBe('');
    expect(
      awardsSentence(
        SEED_AWARDS_2023.map((a) => ({ ...a, deleted: true })),
        2023,
      ),
    ).toBe('');
  });
});

describe('the awards sentence as a clause staff edit', () => {
  const pack = loadHuidongPack();
  const generated = awardsSentence(SEED_AWARDS_2023.map(live), 2023);
  const edit = { year: 2023, key: AWARDS_CLAUSE_KEY, text: SEED_AWARDS_SENTENCE, generated };
  const report = (sentence: string, clauseEdits: ClauseEdit[] = []) =>
    buildReport([], [], { year: 2023, reviewedOnly: true, taxonomy: DEFAULT_TAXONOMY, pack, awardsSentence: sentence, clauseEdits }).narrative;

  it('prints the seed’s sentence word for word with the staff’s edit, marked, the generated text beside it', () => {
    const n = report(generated, [edit]);
    expect(n.awards).toEqual({ key: 'awards', text: SEED_AWARDS_SENTENCE, generated, edited: true, stale: false });
    expect(n.text.split('\n').at(-1)).toBe(`${SEED_AWARDS_SENTENCE}。`);
    // Without the edit it prints the generated sentence; an edit of another year changes nothing.
    expect(report(generated).awards).toEqual({ key: 'awards', text: generated, generated, edited: false, stale: false });
    expect(report(generated, [{ ...edit, year: 2022 }]).awards!.edited).toBe(false);
  });

  it('is stale when the numbers change after the edit, and restoring brings the generated text back', () => {
    const more = SEED_AWARDS_2023.map((a, i) => live(i === 0 ? { ...a, count: 9 } : a));
    const moved = awardsSentence(more, 2023);
    expect(moved).toContain('一等奖9项');
    const n = report(moved, [edit]);
    expect([n.awards!.text, n.awards!.generated, n.awards!.edited, n.awards!.stale]).toEqual([SEED_AWARDS_SENTENCE, moved, true, true]);
    // 恢复 saves an empty text (settings store saveClauseEdit drops the edit); an empty edit never prints.
    expect(report(moved, [{ ...edit, text: '  ' }]).awards).toEqual({ key: 'awards', text: moved, generated: moved, edited: false, stale: false });
    expect(applyClauseEdit({ key: 'awards', text: moved, generated: moved, edited: false, stale: false }, 2023, [])).toEqual({
      key: 'awards',
      text: moved,
      generated: moved,
      edited: false,
      stale: false,
    });
  });

  it('is absent without awards, and leaves the activity clauses and their edits as they were', () => {
    const events = seed2023Events('reviewed');
    const lineEdit = { year: 2023, key: 'line:caravan', text: '二是开展大篷车巡展5场次', generated: 'x' };
    const base = buildReport(events, [], { year: 2023, reviewedOnly: true, taxonomy: DEFAULT_TAXONOMY, pack, clauseEdits: [lineEdit] }).narrative;
    expect(base.awards).toBeNull();
    const withAwards = buildReport(events, [], {
      year: 2023,
      reviewedOnly: true,
      taxonomy: DEFAULT_TAXONOMY,
      pack,
      clauseEdits: [lineEdit, edit],
      awardsSentence: generated,
    }).narrative;
    expect(withAwards.clauses).toEqual(base.clauses);
    expect(withAwards.clauses.find((c) => c.key === 'line:caravan')!.text).toBe('二是开展大篷车巡展5场次');
    expect(withAwards.text).toBe(`${base.text}\n${SEED_AWARDS_SENTENCE}。`);
  });
});
