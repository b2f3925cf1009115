import { describe, expect, test } from 'vitest';
import { buildReport, type ReportOptions } from '../../src/domain/report';
import { chineseOrdinal, placeLabelOf, roundInReportManner, seriesSentence } from '../../src/domain/report-text';

/** The year's narrative (buildReport without targets). */
const buildNarrative = (events: Parameters<typeof buildReport>[0], year: number, reviewedOnly: boolean, ctx: Omit<ReportOptions, 'year' | 'reviewedOnly'>) =>
  buildReport(events, [], { ...ctx, year, reviewedOnly }).narrative;
import { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
import { loadHuidongPack } from '../fixtures/region-pack';
import { seed2023Events } from '../fixtures/seed-2023';

const pack = loadHuidongPack();
const events = seed2023Events('reviewed');
const ctx = { taxonomy: DEFAULT_TAXONOMY, pack, round: true };

describe('the narrative of the 2023 seed activities', () => {
  const n = buildNarrative(events, 2023, true, ctx);

  test("reproduces the seed report's seven clauses with their counts and places", () => {
    expect(n.clauses.map((c) => c.text)).toEqual([
      '一是在平山街道、九龙峰、吉隆、黄埠、稔山、梁化等镇街开展了以传统文化、科技知识、防灾减灾、应急救护、养生保健、雷锋精神、食品安全等为主题的各类进村、进社区科学普及志愿服务活动24场次',
      '二是在九龙峰平江村、县新时代文明实践中心、宝口镇马山学校、吉隆实验学校、平山第三小学等单位开展科普大篷车进乡村、进社区、进校园巡展活动5场次',
      '三是在黄埠镇王公社区、吉隆镇吉隆中心小学、宝口马山学校、巽寮金融街正泽学校等单位开展2023年益智机械积木拼装公开课7场次',
      '四是在惠东县人民政府大院、广东省惠东绿康西枝家园（惠东县长者服务中心）、平山街道南湖公园、县新时代文明实践中心等单位开展“终身学急救 救护伴我行”急救技术科普活动4场次',
      '五是开展“热爱科学 崇尚科学”2023年全国科技活动周主题活动3场次',
      '六是开展干冰实验、磁悬浮实验、伯努利现象实验等实验互动课堂课程5场次',
      '七是开展2023年惠东县全国科普日广场集中宣传活动2场次，开展“全国科普日”系列活动——科普进社区、进校园活动3场次，活动共派发各类科普宣传小册子、折页、环保袋等资料20000多份，惠及群众3500多人次',
    ]);
    expect(n.activities.endsWith('3500多人次。')).toBe(true);
  });

  test('states the exact figures when rounding is off', () => {
    const exact = buildNarrative(events, 2023, true, { ...ctx, round: false });
    expect(exact.clauses[6]!.text.endsWith('资料20400份，惠及群众3530人次')).toBe(true);
    expect(exact.summary).toBe('2023年共开展各类科普活动53场次，惠及群众11617人次，派发科普宣传资料28680份。');
  });

  test('names the townships the year did not reach', () => {
    expect(n.coverage).toBe(
      '2023年活动覆盖全县14个镇街中的8个，白花镇、铁涌镇、多祝镇、安墩镇、高潭镇、白盆珠镇等6个镇街尚未开展活动，活动地域覆盖范围有待扩大。',
    );
  });

  test('says so when every township was reached', () => {
    const all = pack.townships
      .filter((t) => t.geometry.type !== 'Point')
      .map((t, i) => ({ ...events[0]!, id: `${events[0]!.id.slice(0, -2)}${String(i).padStart(2, '0')}`, townshipCode: t.code, villageCode: null }));
    expect(buildNarrative(all, 2023, true, ctx).coverage).toBe('2023年活动覆盖全县14个镇街中的14个，实现镇街全覆盖。');
  });

  test('totals a chosen series such as 全国科普日', () => {
    expect(seriesSentence(events, { year: 2023, campaigns: ['science-day'], reviewedOnly: true }, '2023年“全国科普日”系列活动', ctx)).toBe(
      '2023年“全国科普日”系列活动共5场次，活动共派发各类科普宣传小册子、折页、环保袋等资料20000多份，惠及群众3500多人次。',
    );
  });

  test('leaves out events not yet reviewed unless asked', () => {
    const mixed = events.map((e) => (e.campaign === 'science-day' ? { ...e, status: 'submitted' as const } : e));
    expect(buildNarrative(mixed, 2023, true, ctx).clauses).toHaveLength(6);
    expect(buildNarrative(mixed, 2023, false, ctx).clauses).toHaveLength(7);
  });
});

describe("the report's manner with numbers and places", () => {
  test('rounds to two leading digits and adds 多 only when something was cut', () => {
    expect([20400, 3530, 20000, 99, 125, 11617].map(roundInReportManner)).toEqual(['20000多', '3500多', '20000', '99', '120多', '11000多']);
  });

  test('numbers clauses in Chinese', () => {
    expect([1, 7, 10, 11, 20, 23].map(chineseOrdinal)).toEqual(['一', '七', '十', '十一', '二十', '二十三']);
  });

  test('names 九龙峰 for 平江村 of 平山街道 when the venue name puts it before the village', () => {
    const e = events.find((x) => x.venueName === '九龙峰平江村')!;
    expect(placeLabelOf(e, pack)).toBe('九龙峰');
    expect(placeLabelOf({ ...e, venueName: '平山街道平江村' }, pack)).toBe('平山街道');
    expect(placeLabelOf({ ...e, villageCode: null }, pack)).toBe('平山街道');
  });
});
