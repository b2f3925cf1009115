import { describe, expect, test } from 'vitest';
import { IMPORT_COLUMNS, importTemplateRows, parseNumber, parseTime, readImportTable } from '../../src/domain/event-import';
import { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
import { importKeyOf } from '../../src/domain/import-key';
import { loadHuidongPack } from '../fixtures/region-pack';
import { seed2023Import } from '../fixtures/seed-2023';

const ctx = { taxonomy: DEFAULT_TAXONOMY, pack: loadHuidongPack() };
const HEADERS = IMPORT_COLUMNS.map((c) => c.header);
const GOOD: Record<string, string> = {
  活动名称: '科普大篷车进校园',
  开始时间: '2023-05-20 09:00',
  结束时间: '2023-05-20 11:30',
  活动形式: '科普大篷车巡展',
  场所类型: '校园',
  专项: '全国科技活动周',
  主题: '科技知识、前沿科技',
  '乡镇/街道': '吉隆镇',
  '村/社区': '吉隆社区',
  场所名称: '吉隆中心小学',
  惠及人次: '320',
  线上人次: '',
  受众构成: '学生:300;教师:20',
  宣传资料: '小册子:300;折页:200',
  志愿者: '张三:3;李四:2.5',
  志愿者人数: '',
  协办单位: '吉隆中心小学',
  '里程(公里)': '35',
  纬度: '22.80',
  经度: '114.92',
  备注: '',
};
const rowOf = (over: Record<string, string>) => HEADERS.map((h) => over[h] ?? GOOD[h]!);
const read = (rows: Record<string, string>[]) => readImportTable([HEADERS, ...rows.map(rowOf)], ctx);

describe('reading the import template', () => {
  test('turns a good row into the event content the form would save', () => {
    const r = read([{}]);
    expect(r.problems).toEqual([]);
    expect(r.items).toEqual([
      {
        row: 2,
        key: importKeyOf(r.items[0]!.content),
        sourceId: null,
        content: {
          title: '科普大篷车进校园',
          notes: '',
          startAt: '2023-05-20T09:00:00+08:00',
          endAt: '2023-05-20T11:30:00+08:00',
          format: 'caravan',
          venue: 'school',
          campaign: 'sci-tech-week',
          themes: ['sci-tech', 'frontier-tech'],
          townshipCode: '441323109000',
          villageCode: '441323109001',
          venueName: '吉隆中心小学',
          point: { lat: 22.8, lon: 114.92, accuracyM: null, source: 'map' },
          attendance: 320,
          onlineAttendance: null,
          audience: [
            { kind: 'students', count: 300 },
            { kind: 'teachers', count: 20 },
          ],
          materials: [
            { kind: 'booklet', count: 300 },
            { kind: 'leaflet', count: 200 },
          ],
          volunteers: [
            { name: '张三', userId: null, hours: 3 },
            { name: '李四', userId: null, hours: 2.5 },
          ],
          volunteerCount: null,
          partners: ['吉隆中心小学'],
          distanceKm: 35,
          photos: [],
        },
      },
    ]);
  });

  test('offers a template whose header row is the documented columns and whose example row imports', () => {
    const [header, example] = importTemplateRows();
    expect(header).toEqual([
      '活动名称',
      '开始时间',
      '结束时间',
      '活动形式',
      '场所类型',
      '专项',
      '主题',
      '乡镇/街道',
      '村/社区',
      '场所名称',
      '惠及人次',
      '线上人次',
      '受众构成',
      '宣传资料',
      '志愿者',
      '志愿者人数',
      '协办单位',
      '里程(公里)',
      '纬度',
      '经度',
      '备注',
    ]);
    expect(readImportTable([header!, example!], ctx).problems).toEqual([]);
  });

  test('reads all 53 rows of the 2023 seed fixture without a problem', () => {
    const r = seed2023Import();
    expect([r.rowCount, r.items.length, r.problems]).toEqual([53, 53, []]);
  });

  test('accepts codes, short township names and typed dates in several shapes', () => {
    const r = read([{ 活动形式: 'caravan', '乡镇/街道': '吉隆', 开始时间: '2023/5/20 9:00', 结束时间: '2023年5月20日', '村/社区': '' }]);
    expect(r.problems).toEqual([{ row: 2, column: '结束时间', code: 'endBeforeStart', value: '2023年5月20日' }]);
    expect(parseTime('2023-12-31 23:30')).toBe('2023-12-31T23:30:00+08:00');
    expect(parseTime('2023-02-30')).toBeNull();
    expect(parseNumber('1,200')).toBe(1200);
    expect(parseNumber('３００')).toBe(300);
  });
});

describe('rejecting bad rows with row, column and reason', () => {
  const bad: [Record<string, string>, string, string][] = [
    [{ 活动名称: '' }, '活动名称', 'required'],
    [{ 开始时间: '2023-13-45' }, '开始时间', 'badTime'],
    [{ 结束时间: '2023-05-19 09:00' }, '结束时间', 'endBeforeStart'],
    [{ 活动形式: '舞蹈表演' }, '活动形式', 'unknownCode'],
    [{ 主题: '科技知识、占星术' }, '主题', 'unknownCode'],
    [{ '乡镇/街道': '深圳市南山区' }, '乡镇/街道', 'unknownTownship'],
    [{ '村/社区': '平江村' }, '村/社区', 'villageNotInTownship'],
    [{ '村/社区': '火星村' }, '村/社区', 'unknownVillage'],
    [{ 惠及人次: '很多' }, '惠及人次', 'notNumber'],
    [{ 惠及人次: '-5', 受众构成: '' }, '惠及人次', 'negative'],
    [{ 惠及人次: '320.5' }, '惠及人次', 'notInteger'],
    [{ 宣传资料: '小册子300' }, '宣传资料', 'badListItem'],
    [{ 宣传资料: '传单:100' }, '宣传资料', 'unknownCode'],
    [{ 志愿者: '张三 440102199001011234:3' }, '志愿者', 'idNumberNotAllowed'],
    [{ 经度: '' }, '经度', 'pointIncomplete'],
    [{ 纬度: '200' }, '纬度', 'badLatitude'],
    [{ 活动名称: '科'.repeat(101) }, '活动名称', 'tooLong'],
    [{ 受众构成: '学生:400' }, '受众构成', 'audienceExceedsAttendance'],
  ];

  test.each(bad)('rejects %o at its column with its reason', (over, column, code) => {
    const r = read([{}, over]);
    expect(r.items.map((i) => i.row)).toEqual([2]);
    expect(r.problems.map((p) => [p.row, p.column, p.code])).toEqual([[3, column, code]]);
  });

  test('reports a second row identical in title, time and township as a duplicate', () => {
    const r = read([{}, {}]);
    expect(r.problems).toEqual([{ row: 3, column: '活动名称', code: 'duplicateRow', value: '科普大篷车进校园' }]);
  });

  test('refuses a file that lacks a required column, naming it', () => {
    const r = readImportTable([HEADERS.filter((h) => h !== '惠及人次'), rowOf({}).filter((_, i) => HEADERS[i] !== '惠及人次')], ctx);
    expect([r.items, r.problems]).toEqual([[], [{ row: 1, column: '惠及人次', code: 'missingColumn', value: '' }]]);
  });

  test('refuses a file with no data rows', () => {
    expect(readImportTable([HEADERS, HEADERS.map(() => '')], ctx).problems).toEqual([{ row: 1, column: '', code: 'noRows', value: '' }]);
  });
});

describe('import of a row that starts in the future', () => {
  test('refuses it on its row, as the form does, when the clock is given', async () => {
    const header = IMPORT_COLUMNS.map((c) => c.header);
    const row = IMPORT_COLUMNS.map((c) => (c.key === 'startAt' ? '2024-05-25 09:00' : c.key === 'endAt' ? '2024-05-25 11:00' : c.example));
    const ctx = { taxonomy: DEFAULT_TAXONOMY, pack: loadHuidongPack() };
    expect(readImportTable([header, row], ctx).items.length).toBe(1);
    const future = readImportTable([header, row], { ...ctx, now: Date.parse('2024-05-20T09:00:00+08:00') });
    expect([future.items.length, future.problems.map((p) => [p.row, p.column, p.code])]).toEqual([0, [[2, '开始时间', 'startInFuture']]]);
  });
});
