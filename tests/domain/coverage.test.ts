import { describe, expect, test } from 'vitest';
import {
  classBreaks,
  classOf,
  computeCoverage,
  daysBetween,
  eventsOfUnit,
  fillColourOf,
  legendRows,
  locatedEvents,
  COVERAGE_RAMPS,
} from '../../src/domain/coverage';
import { townshipAt } from '../../src/domain/region';
import { loadHuidongPack } from '../fixtures/region-pack';
import { coverage2023Events, fixtureId, PINGJIANG_VILLAGE, T } from '../fixtures/coverage-2023';

const pack = loadHuidongPack();
const events = coverage2023Events();
const NOW = Date.parse('2024-01-10T12:00:00+08:00');
const Y2023 = { year: 2023 };

const byCode = (r: ReturnType<typeof computeCoverage>, code: string) => r.units.find((u) => u.code === code)!;
const gapNames = (r: ReturnType<typeof computeCoverage>) => r.gaps.map((g) => g.shortName);

describe('coverage of the 2023 seed pattern', () => {
  const r = computeCoverage(pack, events, Y2023, 'events', { now: NOW });

  test('lists exactly 大岭, 白花, 铁涌, 多祝, 安墩, 高潭, 白盆珠 as gaps (平海 is covered through 巽寮)', () => {
    expect(gapNames(r)).toEqual(['大岭', '白花', '铁涌', '多祝', '安墩', '高潭', '白盆珠']);
    expect(r.coveredCount).toBe(7);
    expect(r.areaCount).toBe(14);
  });

  test('counts 场次, 人次 and 份数 per township, 平江村 under 平山街道', () => {
    const rows = r.units
      .filter((u) => u.tally.events > 0)
      .map((u) => [u.shortName, u.tally.events, u.tally.attendance, u.tally.materials, u.tally.lastStartAt]);
    expect(rows).toEqual([
      ['平山', 23, 4640, 17500, '2023-12-31T23:30:00+08:00'],
      ['梁化', 5, 595, 2000, '2023-12-16T09:30:00+08:00'],
      ['稔山', 5, 230, 0, '2023-12-02T09:30:00+08:00'],
      ['平海', 2, 345, 1900, '2023-12-13T09:30:00+08:00'],
      ['吉隆', 8, 490, 0, '2023-11-11T09:30:00+08:00'],
      ['黄埠', 7, 290, 0, '2023-10-14T09:30:00+08:00'],
      ['宝口', 3, 270, 0, '2023-11-08T09:30:00+08:00'],
      ['巽寮滨海旅游度假区', 2, 345, 1900, '2023-12-13T09:30:00+08:00'],
    ]);
    expect(events.filter((e) => e.villageCode === PINGJIANG_VILLAGE).every((e) => e.townshipCode === T.pingshan)).toBe(true);
    expect(r.total).toMatchObject({ events: 53, attendance: 6860, materials: 21400 });
  });

  test("gives 平海镇 no events of its own but 巽寮's two through the roll-up", () => {
    const pinghai = byCode(r, T.pinghai);
    expect(pinghai.own.events).toBe(0);
    expect(pinghai.tally.events).toBe(2);
    expect(pinghai.codes).toEqual([T.pinghai, T.xunliao, '441323452000']);
    expect(pinghai.gap).toBe(false);
  });

  test('gives the 巽寮 marker its own numbers and no class or rank, since it has no area', () => {
    const xunliao = byCode(r, T.xunliao);
    expect(xunliao).toMatchObject({ hasArea: false, gap: false, rank: null, classIndex: null, parentCode: T.pinghai });
    expect(xunliao.own.events).toBe(2);
    expect(xunliao.share).toBeCloseTo(2 / 53, 10);
  });

  test('ranks covered townships by 场次 and gives each its share of the county', () => {
    const ranks = r.units.filter((u) => u.rank !== null).map((u) => [u.shortName, u.rank]);
    expect(ranks).toEqual([
      ['平山', 1],
      ['梁化', 4],
      ['稔山', 4],
      ['平海', 7],
      ['吉隆', 2],
      ['黄埠', 3],
      ['宝口', 6],
    ]);
    expect(byCode(r, T.pingshan).share).toBeCloseTo(23 / 53, 10);
    expect(byCode(r, T.daling)).toMatchObject({ rank: null, classIndex: null, share: 0, gap: true, value: 0 });
  });

  test('never counts a deleted event or one on the other side of the year in Asia/Shanghai', () => {
    expect(byCode(r, T.duozhu).tally.events).toBe(0);
    expect(byCode(r, T.andun).tally.events).toBe(0);
    expect(byCode(r, T.gaotan).tally.events).toBe(0);
    const r2024 = computeCoverage(pack, events, { year: 2024 }, 'events', { now: NOW });
    expect(r2024.units.filter((u) => !u.gap && u.hasArea).map((u) => u.shortName)).toEqual(['高潭']);
    const r2022 = computeCoverage(pack, events, { year: 2022 }, 'events', { now: NOW });
    expect(r2022.units.filter((u) => !u.gap && u.hasArea).map((u) => u.shortName)).toEqual(['安墩']);
  });

  test('classes 场次 with natural breaks and colours the county seat darkest', () => {
    expect(r.breaks).toEqual([2, 3, 5, 8, 23]);
    expect(r.colours).toEqual(COVERAGE_RAMPS[5]);
    expect(fillColourOf(byCode(r, T.pingshan), r)).toBe('#08306b');
    expect(fillColourOf(byCode(r, T.pinghai), r)).toBe('#deebf7');
    expect(fillColourOf(byCode(r, T.daling), r)).toBeNull();
    expect(legendRows(r)).toEqual([
      { from: 1, to: 2, colour: '#deebf7' },
      { from: 3, to: 3, colour: '#9ecae1' },
      { from: 4, to: 5, colour: '#4292c6' },
      { from: 6, to: 8, colour: '#2171b5' },
      { from: 9, to: 23, colour: '#08306b' },
    ]);
  });
});

describe('days since the last event', () => {
  const r = computeCoverage(pack, events, Y2023, 'daysSince', { now: NOW });

  test('counts whole calendar days in Asia/Shanghai up to now', () => {
    const rows = r.units.filter((u) => u.hasArea && !u.gap).map((u) => [u.shortName, u.value]);
    expect(rows).toEqual([
      ['平山', 10],
      ['梁化', 25],
      ['稔山', 39],
      ['平海', 28],
      ['吉隆', 60],
      ['黄埠', 88],
      ['宝口', 63],
    ]);
    expect(byCode(r, T.daling).value).toBeNull();
  });

  test('ranks the most recently visited first and colours it darkest', () => {
    expect(byCode(r, T.pingshan).rank).toBe(1);
    expect(byCode(r, T.huangbu).rank).toBe(7);
    expect(fillColourOf(byCode(r, T.pingshan), r)).toBe(r.colours[r.colours.length - 1]);
    expect(fillColourOf(byCode(r, T.huangbu), r)).toBe(r.colours[0]);
  });

  test('cuts days at local midnight, not at 24 hours', () => {
    expect(daysBetween('2023-12-31T23:30:00+08:00', Date.parse('2024-01-01T00:10:00+08:00'))).toBe(1);
    expect(daysBetween('2023-12-31T00:10:00+08:00', Date.parse('2023-12-31T23:50:00+08:00'))).toBe(0);
    expect(daysBetween('2024-02-01T10:00:00+08:00', Date.parse('2024-01-01T10:00:00+08:00'))).toBe(0);
  });
});

describe('coverage under filters', () => {
  test("only reviewed events leaves 平海 uncovered once 巽寮's submitted events drop out", () => {
    const r = computeCoverage(pack, events, { year: 2023, reviewedOnly: true }, 'events', { now: NOW });
    expect(gapNames(r)).toEqual(['大岭', '白花', '铁涌', '平海', '多祝', '安墩', '高潭', '白盆珠']);
    expect(byCode(r, T.pingshan).tally.events).toBe(22);
    expect(r.total.events).toBe(50);
  });

  test('a month range of September keeps only the 科普日 month', () => {
    const r = computeCoverage(pack, events, { year: 2023, monthFrom: 9, monthTo: 9 }, 'attendance', { now: NOW });
    const rows = r.units.filter((u) => u.hasArea && !u.gap).map((u) => [u.shortName, u.tally.events, u.value]);
    expect(rows).toEqual([
      ['平山', 3, 2900],
      ['梁化', 1, 360],
      ['稔山', 1, 50],
      ['平海', 1, 300],
      ['吉隆', 2, 100],
    ]);
    expect(r.gaps.length).toBe(9);
  });

  test('the science-day campaign reaches 平山, 梁化 and 巽寮 only', () => {
    const r = computeCoverage(pack, events, { year: 2023, campaigns: ['science-day'] }, 'materials', { now: NOW });
    expect(r.units.filter((u) => u.tally.events > 0).map((u) => [u.shortName, u.value])).toEqual([
      ['平山', 17500],
      ['梁化', 2000],
      ['平海', 1900],
      ['巽寮滨海旅游度假区', 1900],
    ]);
    expect(r.breaks).toEqual([1900, 2000, 17500]);
    expect(byCode(r, T.lianghua).share).toBeCloseTo(2000 / 21400, 10);
  });

  test('format, venue and theme filters combine', () => {
    const r = computeCoverage(pack, events, { year: 2023, formats: ['open-class'], venues: ['school'] }, 'events', { now: NOW });
    expect(r.units.filter((u) => u.hasArea && !u.gap).map((u) => [u.shortName, u.value])).toEqual([
      ['平海', 1],
      ['吉隆', 2],
      ['宝口', 2],
    ]);
    const rescue = computeCoverage(pack, events, { year: 2023, themes: ['emergency-rescue'] }, 'events', { now: NOW });
    expect(rescue.total.events).toBe(8);
  });

  test('counts events whose township is not in the pack as unassigned, not as coverage', () => {
    const stray = { ...events[0]!, id: fixtureId(99), townshipCode: '440100000000' };
    const r = computeCoverage(pack, [...events, stray], Y2023, 'events', { now: NOW });
    expect(r.unassigned.events).toBe(1);
    expect(r.total.events).toBe(54);
    expect(r.coveredCount).toBe(7);
  });

  test('with no events at all, every township is a gap and there are no classes', () => {
    const r = computeCoverage(pack, [], Y2023, 'events', { now: NOW });
    expect(r.gaps.length).toBe(14);
    expect(r.breaks).toEqual([]);
    expect(r.colours).toEqual([]);
    expect(legendRows(r)).toEqual([]);
  });
});

describe('the events behind a township and the point layer', () => {
  test("lists 平海's events (巽寮's) newest first", () => {
    const r = computeCoverage(pack, events, Y2023, 'events', { now: NOW });
    const list = eventsOfUnit(byCode(r, T.pinghai), events, Y2023);
    expect(list.map((e) => e.id)).toEqual([fixtureId(36), fixtureId(53)]);
  });

  test('keeps only located events that match the filter, each inside its own township', () => {
    const located = locatedEvents(events, Y2023);
    expect(located.map((e) => e.id)).toEqual([fixtureId(27), fixtureId(36), fixtureId(49), fixtureId(50)]);
    const where = located.map((e) => townshipAt(pack, e.point!.lon, e.point!.lat)?.shortName);
    expect(where).toEqual(['宝口', '平海', '平山', '平山']);
    expect(locatedEvents(events, { year: 2023, reviewedOnly: true }).length).toBe(3);
  });
});

describe('class breaks', () => {
  test('give each distinct value its own class when there are few', () => {
    expect(classBreaks([4, 1, 4, 9], 5)).toEqual([1, 4, 9]);
  });

  test('separate an outlier from a skewed cluster', () => {
    expect(classBreaks([1, 1, 2, 2, 3, 3, 4, 40, 41, 300], 3)).toEqual([4, 41, 300]);
  });

  test('never split equal values across two classes', () => {
    const b = classBreaks([5, 5, 5, 5, 6, 7, 100, 100], 3);
    expect(b).toEqual([5, 7, 100]);
    expect(classOf(5, b)).toBe(0);
  });

  test('are empty for no values and put larger values in the last class', () => {
    expect(classBreaks([], 5)).toEqual([]);
    expect(classOf(1000, [1, 10])).toBe(1);
    expect(classOf(1, [1, 10])).toBe(0);
    expect(classOf(2, [1, 10])).toBe(1);
  });
});
