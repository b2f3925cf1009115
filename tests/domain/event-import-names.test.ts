import { describe, expect, test } from 'vitest';
import { IMPORT_COLUMNS, readImportTable } from '../../src/domain/event-import';
import { normalizeName, taxonomyMatcher, townshipMatcher, villageMatcher } from '../../src/domain/name-match';
import { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
import { loadHuidongPack } from '../fixtures/region-pack';

const pack = loadHuidongPack();
const ctx = { taxonomy: DEFAULT_TAXONOMY, pack };
const HEADERS = IMPORT_COLUMNS.map((c) => c.header);
const GOOD: Record<string, string> = {
  活动名称: '科普讲座',
  开始时间: '2023-05-20 09:00',
  活动形式: '科普讲座/报告会',
  场所类型: '校园',
  '乡镇/街道': '平山街道',
  惠及人次: '100',
};
const read = (over: Record<string, string>) => readImportTable([HEADERS, HEADERS.map((h) => over[h] ?? GOOD[h] ?? '')], ctx);

const XUNLIAO = '441323570000';
const PINGSHAN = '441323001000';
const TOWNSHIP_NAMES = [
  '平山街道',
  '大岭街道',
  '白花镇',
  '梁化镇',
  '稔山镇',
  '铁涌镇',
  '平海镇',
  '吉隆镇',
  '黄埠镇',
  '多祝镇',
  '安墩镇',
  '高潭镇',
  '宝口镇',
  '白盆珠镇',
  '巽寮滨海旅游度假区',
  '惠东县港口海龟湾自然保护区',
];

describe('the township column', () => {
  test.each([
    ['巽寮', XUNLIAO],
    ['巽寮度假区', XUNLIAO],
    ['巺寮', XUNLIAO],
    ['巺寮滨海旅游度假区', XUNLIAO],
    ['巽寮滨海旅游度假区', XUNLIAO],
    ['巽寮旅游度假区', XUNLIAO],
    ['平山', PINGSHAN],
    ['平山街道', PINGSHAN],
    ['平山街道办事处', PINGSHAN],
    ['惠东县平山街道', PINGSHAN],
    ['广东省惠州市惠东县平山街道', PINGSHAN],
    ['平山　街道', PINGSHAN],
    ['441323001000', PINGSHAN],
    ['港口海龟湾保护区', '441323452000'],
    ['吉隆镇人民政府', '441323109000'],
  ])('accepts %s', (typed, code) => {
    const r = read({ '乡镇/街道': typed });
    expect([r.problems, r.items.map((i) => i.content.townshipCode)]).toEqual([[], [code]]);
  });

  test('says how it read a close name, once per distinct value', () => {
    const rowOf = (t: string, i: number): string[] =>
      HEADERS.map((h) => (({ ...GOOD, 活动名称: `讲座${i}`, '乡镇/街道': t }) as Record<string, string>)[h] ?? '');
    const r = readImportTable([HEADERS, ...['巽寮', '巽寮', '巽寮度假区', '平山'].map(rowOf)], ctx);
    expect(r.problems).toEqual([]);
    expect(r.readings).toEqual([
      { column: '乡镇/街道', value: '巽寮', readAs: '巽寮滨海旅游度假区' },
      { column: '乡镇/街道', value: '巽寮度假区', readAs: '巽寮滨海旅游度假区' },
    ]);
  });

  test.each([['梁化林场'], ['平山镇'], ['深圳市南山区'], ['巽']])('refuses %s and lists the allowed names', (typed) => {
    expect(read({ '乡镇/街道': typed }).problems).toEqual([{ row: 2, column: '乡镇/街道', code: 'unknownTownship', value: typed, allowed: TOWNSHIP_NAMES }]);
  });
});

describe('the village column', () => {
  test.each([['南湖社区'], ['南湖'], ['南湖社区居民委员会']])('accepts %s in 平山街道', (typed) => {
    const r = read({ '村/社区': typed });
    expect(r.problems).toEqual([]);
    expect(r.items[0]!.content.villageCode).toBe(pack.villages.find((v) => v.name === '南湖社区居民委员会')!.code);
  });

  test("refuses a village of another township and lists the township's own", () => {
    const [p] = read({ '乡镇/街道': '吉隆镇', '村/社区': '南湖社区' }).problems;
    expect(p).toMatchObject({ row: 2, column: '村/社区', code: 'villageNotInTownship', value: '南湖社区' });
    expect(p!.allowed).toEqual(
      pack.villages
        .filter((v) => v.townshipCode === '441323109000')
        .map((v) => v.name.replace(/(居民委员会|居委会)$/, '').replace(/(村民委员会|村委会)$/, '村')),
    );
    expect(p!.allowed).toContain('吉隆社区');
  });
});

describe('the coded columns', () => {
  test('accept labels written a little differently and say how they were read', () => {
    const r = read({
      活动形式: '讲座',
      场所类型: '校园',
      专项: '科普日',
      主题: '科技知识、环保',
      宣传资料: '科普小册子:300;宣传折页：20',
      受众构成: '中小学生:60;居民:20;村民:10',
    });
    expect(r.problems).toEqual([]);
    const c = r.items[0]!.content;
    expect([c.format, c.campaign, c.themes, c.materials, c.audience]).toEqual([
      'lecture',
      'science-day',
      ['sci-tech', 'ecology'],
      [
        { kind: 'booklet', count: 300 },
        { kind: 'leaflet', count: 20 },
      ],
      [
        { kind: 'students', count: 60 },
        { kind: 'residents', count: 20 },
        { kind: 'residents', count: 10 },
      ],
    ]);
    expect(r.readings.map((x) => [x.column, x.value, x.readAs])).toEqual([
      ['活动形式', '讲座', '科普讲座/报告会'],
      ['专项', '科普日', '全国科普日'],
      ['主题', '环保', '生态环保'],
      ['宣传资料', '科普小册子', '小册子'],
      ['宣传资料', '宣传折页', '折页'],
      ['受众构成', '中小学生', '学生'],
    ]);
  });

  test('refuses an unknown material kind and lists the kinds there are', () => {
    expect(read({ 宣传资料: '传单:100' }).problems).toEqual([
      { row: 2, column: '宣传资料', code: 'unknownCode', value: '传单', allowed: ['小册子', '折页', '环保袋', '宣传伞', '海报', '其他资料'] },
    ]);
  });

  test('refuses an unknown venue and lists the venues there are', () => {
    expect(read({ 场所类型: '学校' }).problems).toEqual([
      {
        row: 2,
        column: '场所类型',
        code: 'unknownCode',
        value: '学校',
        allowed: ['校园', '社区', '乡村', '广场/公共场所', '机关单位', '养老机构', '企业/园区', '其他'],
      },
    ]);
  });

  test('never guesses between several close entries: it names them', () => {
    expect(read({ 活动形式: '科普' }).problems).toEqual([
      {
        row: 2,
        column: '活动形式',
        code: 'ambiguousName',
        value: '科普',
        allowed: ['科普大篷车巡展', '科普讲座/报告会', '急救技术科普', '科普展览/宣传栏', '媒体科普'],
      },
    ]);
  });

  test('match a retired entry exactly but never closely, and list only entries in use', () => {
    const taxonomy = { ...DEFAULT_TAXONOMY, materialKinds: [...DEFAULT_TAXONOMY.materialKinds, { code: 'old-flyer', zh: '旧传单', retired: true }] };
    const m = taxonomyMatcher(taxonomy, 'materialKinds');
    expect([m.match('旧传单'), m.match('彩色旧传单'), m.allowed.includes('旧传单')]).toEqual([
      { kind: 'exact', value: 'old-flyer', label: '旧传单' },
      { kind: 'none' },
      false,
    ]);
  });
});

describe('name matching', () => {
  test('normalises width, spaces, case and variant characters', () => {
    expect(normalizeName(' 巺寮（度假区）ＡＢ ')).toBe('巽寮(度假区)ab');
  });

  test('matches townships by kind of suffix only', () => {
    const m = townshipMatcher(pack);
    expect([m.match('巽寮度假区'), m.match('巽寮保护区'), m.match('白盆珠'), m.match('')]).toEqual([
      { kind: 'close', value: XUNLIAO, label: '巽寮滨海旅游度假区' },
      { kind: 'none' },
      { kind: 'exact', value: '441323121000', label: '白盆珠镇' },
      { kind: 'none' },
    ]);
  });

  test('tells a village of another township apart from an unknown one', () => {
    const m = villageMatcher(pack);
    expect([m.match('441323109000', '平江村').kind, m.match('441323109000', '火星村').kind]).toEqual(['elsewhere', 'none']);
  });
});
