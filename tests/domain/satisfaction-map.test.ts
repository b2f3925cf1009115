import { describe, expect, test } from 'vitest';
import * as v from 'valibot';
import { computeCoverage, fillColourOf } from '../../src/domain/coverage';
import {
  NO_RATING_COLOUR,
  SATISFACTION_RAMPS,
  coverageOfSatisfaction,
  filterOfSatisfactionQuery,
  meanOfRatings,
  satisfactionByTownship,
  satisfactionLegendRows,
  satisfactionQuerySchema,
  satisfactionQueryString,
  unratedUnits,
  type TownshipSatisfactionAnswer,
} from '../../src/domain/satisfaction-map';
import { loadHuidongPack } from '../fixtures/region-pack';
import { coverage2023Events, T } from '../fixtures/coverage-2023';

const pack = loadHuidongPack();
const events = coverage2023Events();
const NOW = Date.parse('2024-01-10T12:00:00+08:00');
const base = computeCoverage(pack, events, { year: 2023 }, 'events', { now: NOW });

const answer: TownshipSatisfactionAnswer = {
  year: 2023,
  total: { answered: 16, sum: 66, events: 9 },
  byTownship: {
    [T.pingshan]: { answered: 6, sum: 29 }, // 4.83 → 4.8
    [T.lianghua]: { answered: 2, sum: 7 }, // 3.5
    [T.jilong]: { answered: 3, sum: 12 }, // 4.0
    [T.huangbu]: { answered: 1, sum: 2 }, // 2.0
    // 巽寮 (a zone) rolls up into 平海镇, which has no events of its own.
    [T.xunliao]: { answered: 4, sum: 16 }, // 4.0
  },
};

describe('满意度 as a map measure', () => {
  const r = coverageOfSatisfaction(base, answer);
  const unit = (code: string) => r.units.find((u) => u.code === code)!;

  test('gives each township the mean of its events’ ratings, one decimal, with the count; zones roll up into their town', () => {
    const rows = r.units.filter((u) => u.rating).map((u) => [u.shortName, u.rating!.mean, u.rating!.answered, u.value]);
    expect(rows).toEqual([
      ['平山', 4.8, 6, 4.8],
      ['梁化', 3.5, 2, 3.5],
      ['平海', 4, 4, 4],
      ['吉隆', 4, 3, 4],
      ['黄埠', 2, 1, 2],
      ['巽寮滨海旅游度假区', 4, 4, 4],
    ]);
    expect(r.measure).toBe('satisfaction');
    expect(r.rating).toEqual({ answered: 16, mean: 4.1 });
  });

  test('a township nobody rated is 无评价: no value, class or rank, and not painted as a gap colour', () => {
    // 稔山 and 宝口 had events but no rating; 大岭 had neither.
    expect(unratedUnits(r).map((u) => u.shortName)).toEqual(['大岭', '白花', '稔山', '铁涌', '多祝', '安墩', '高潭', '宝口', '白盆珠']);
    for (const code of [T.renshan, T.baokou, T.daling]) {
      expect(unit(code)).toMatchObject({ rating: null, value: null, rank: null, classIndex: null });
      expect(fillColourOf(unit(code), r)).toBeNull();
    }
    // The event facts stay: 稔山 is covered (5 场次), 大岭 is still a gap in the 场次 sense.
    expect(unit(T.renshan).gap).toBe(false);
    expect(unit(T.renshan).tally.events).toBe(5);
    expect(unit(T.daling).gap).toBe(true);
    expect(r.coveredCount).toBe(base.coveredCount);
    expect(NO_RATING_COLOUR).not.toBe(SATISFACTION_RAMPS[4]![0]);
  });

  test('classes and ranks run with the mean: better is darker, ties share a class and a rank', () => {
    expect(r.breaks).toEqual([2, 3.5, 4, 4.8]);
    expect(r.colours).toEqual(SATISFACTION_RAMPS[4]);
    expect([T.huangbu, T.lianghua, T.jilong, T.pinghai, T.pingshan].map((c) => [unit(c).classIndex, unit(c).rank])).toEqual([
      [0, 5],
      [1, 4],
      [2, 2],
      [2, 2],
      [3, 1],
    ]);
    expect(fillColourOf(unit(T.pingshan), r)).toBe('#005a32');
    // The zone has no area: no class of its own (its town carries it).
    expect(unit(T.xunliao)).toMatchObject({ classIndex: null, rank: null });
    expect(unit(T.pingshan).share).toBeCloseTo(6 / 16, 10);
  });

  test('the legend gives each class’s range of means, from the lowest rated township up', () => {
    expect(satisfactionLegendRows(r)).toEqual([
      { from: 2, to: 2, colour: '#c7e9c0' },
      { from: 2.1, to: 3.5, colour: '#74c476' },
      { from: 3.6, to: 4, colour: '#238b45' },
      { from: 4.1, to: 4.8, colour: '#005a32' },
    ]);
  });

  test('with no rating at all every township is 无评价 and the legend has no class', () => {
    const none = coverageOfSatisfaction(base, { year: 2023, total: { answered: 0, sum: 0, events: 0 }, byTownship: {} });
    expect(none.breaks).toEqual([]);
    expect(none.colours).toEqual([]);
    expect(none.rating).toBeNull();
    expect(unratedUnits(none)).toHaveLength(14);
    expect(satisfactionLegendRows(none)).toEqual([]);
  });
});

describe('summing the ratings of the events that match the filter', () => {
  // Without the phone's derived year-month key (`ym`): the server's events carry none, so the year
  // is cut from startAt in China time.
  const { ym: _ym, ...plain } = events[0]!;
  const ev = (id: string, townshipCode: string, startAt: string, format = 'caravan', status: 'submitted' | 'reviewed' = 'submitted') => ({
    ...plain,
    id,
    townshipCode,
    startAt,
    endAt: startAt,
    format,
    status,
  });
  const evs = [
    ev('a', T.pingshan, '2023-05-01T09:00:00+08:00', 'caravan', 'reviewed'),
    ev('b', T.pingshan, '2023-12-31T23:30:00+08:00', 'lecture'),
    ev('c', T.jilong, '2024-01-01T00:30:00+08:00'),
    { ...ev('d', T.jilong, '2023-06-01T09:00:00+08:00'), deleted: true },
  ];
  const ratings = [
    { eventId: 'a', satisfaction: 5 },
    { eventId: 'a', satisfaction: 4 },
    { eventId: 'b', satisfaction: 3 },
    { eventId: 'c', satisfaction: 1 },
    { eventId: 'd', satisfaction: 1 },
    { eventId: 'unknown', satisfaction: 2 },
  ];

  test('counts by the event’s year in China time, its township, format and basis; deleted and unknown events count nothing', () => {
    expect(satisfactionByTownship(evs, ratings, { year: 2023 })).toEqual({
      year: 2023,
      total: { answered: 3, sum: 12, events: 2 },
      byTownship: { [T.pingshan]: { answered: 3, sum: 12 } },
    });
    expect(satisfactionByTownship(evs, ratings, { year: 2023, formats: ['lecture'] }).byTownship).toEqual({ [T.pingshan]: { answered: 1, sum: 3 } });
    expect(satisfactionByTownship(evs, ratings, { year: 2023, reviewedOnly: true }).total).toEqual({ answered: 2, sum: 9, events: 1 });
    expect(satisfactionByTownship(evs, ratings, { year: 2024 }).byTownship).toEqual({ [T.jilong]: { answered: 1, sum: 1 } });
  });

  test('a mean is rounded to one decimal', () => {
    expect([meanOfRatings({ answered: 0, sum: 0 }), meanOfRatings({ answered: 2, sum: 9 }), meanOfRatings({ answered: 3, sum: 14 })]).toEqual([null, 4.5, 4.7]);
  });

  test('the map’s filter survives the query string', () => {
    const f = {
      year: 2023,
      reviewedOnly: false,
      monthFrom: 3,
      monthTo: 9,
      formats: ['caravan'],
      venues: ['school'],
      campaigns: ['none'],
      themes: ['sci-tech'],
    };
    const qs = satisfactionQueryString(f);
    expect(qs).toBe('year=2023&from=3&to=9&format=caravan&venue=school&campaign=none&theme=sci-tech&basis=submitted');
    const parsed = v.parse(satisfactionQuerySchema, Object.fromEntries(new URLSearchParams(qs)));
    expect(filterOfSatisfactionQuery(parsed)).toEqual(f);
    expect(filterOfSatisfactionQuery(v.parse(satisfactionQuerySchema, { year: '2024', basis: 'reviewed' }))).toEqual({ year: 2024, reviewedOnly: true });
  });
});
