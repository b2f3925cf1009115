/**
 * Competition awards (issue 14 §4): the schema staff entries pass through, the counts by level and
 * prize, and the report's awards sentence — reproduced from the seed report's records.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { awardFieldsSchema, awardPatchSchema, type AwardFields } from '../../src/domain/awards';
import { awardCounts, awardsSentence } from '../../src/domain/award-report';
import { toProblems } from '../../src/domain/problems';
import { SEED_AWARDS_2023, SEED_AWARDS_SENTENCE } from '../fixtures/awards-2023';

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

  it('states the province competition with every figure of the seed; the wording differences are listed here', () => {
    const text = awardsSentence(SEED_AWARDS_2023.map(live), 2023);
    const province = text.split('；二是')[1]!;
    expect(province).toBe('在4月份第38届广东省青少年科技创新大赛中，获得辅导员项目一等奖1项、二等奖1项，学生项目二等奖1项、三等奖1项');
    // Differences from the seed, each deliberate:
    // - "今年4月份": the generator does not write relative time ("今年") — the year is the report's.
    // - "斩获" / "获省": the seed's varied verbs; the generator says "获得" for every competition.
    // - "（全省16项）" and "其中有一个项目推荐进入国赛": context, not counts; staff keep them in the
    //   records' notes (as the fixture does) and may edit the clause.
    // - "；学生项目" → "，学生项目": one competition is one clause; "；" separates competitions.
    const seedFigures = seedProvince.match(/[一二三]等奖\d+项/g);
    expect(province.match(/[一二三]等奖\d+项/g)).toEqual(seedFigures);
  });

  it('orders competitions by month, then level; one competition takes no ordinal; nothing for no awards', () => {
    const national = { ...SEED_AWARDS_2023[0]!, competition: '全国青少年科技创新大赛', level: 'national' as const, month: null, count: 1 };
    const county = { ...SEED_AWARDS_2023[0]!, competition: '惠东县青少年机器人竞赛', level: 'county' as const, month: 2, prize: 'merit' as const, count: 5 };
    const text = awardsSentence([national, ...SEED_AWARDS_2023, county].map(live), 2023);
    expect(text.split('；').map((c) => c.slice(0, 2))).toEqual(['一是', '二是', '三是', '四是']);
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
