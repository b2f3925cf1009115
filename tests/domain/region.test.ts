import { describe, expect, test } from 'vitest';
import { coverageCodeOf, hasArea, readableName, townshipAt, villagesOf } from '../../src/domain/region';
import { loadHuidongPack } from '../fixtures/region-pack';

const pack = loadHuidongPack();

describe('the Huidong region pack', () => {
  test('has 14 mapped townships and 2 point-only special zones', () => {
    expect(pack.townships.filter(hasArea).length).toBe(14);
    expect(pack.townships.filter((t) => !hasArea(t)).map((t) => t.shortName)).toEqual(['巽寮滨海旅游度假区', '港口海龟湾自然保护区']);
  });

  test('names every unit and village in common characters, keeping the official spelling and code of 巺寮', () => {
    const xunliao = pack.townships.find((t) => t.code === '441323570000')!;
    expect([xunliao.name, xunliao.shortName, xunliao.officialName]).toEqual(['巽寮滨海旅游度假区', '巽寮滨海旅游度假区', '巺寮滨海旅游度假区']);
    const village = pack.villages.find((v) => v.officialName?.includes('巺寮'))!;
    expect([village.name, village.townshipCode]).toEqual(['巽寮滨海旅游度假区虚拟社区', '441323570000']);
    const readable = [...pack.townships.flatMap((t) => [t.name, t.shortName]), ...pack.villages.map((v) => v.name)];
    expect(readable.filter((n) => /[巺峯邨裏塲]/.test(n))).toEqual([]);
    // Units whose names have no variant carry no second spelling.
    expect(pack.townships.filter((t) => t.officialName !== undefined).map((t) => t.code)).toEqual(['441323570000']);
  });

  test('puts every township seat in its own township', () => {
    for (const t of pack.townships.filter(hasArea)) {
      expect(townshipAt(pack, t.seat[0], t.seat[1])?.code, t.name).toBe(t.code);
    }
  });

  test('puts the 巽寮 point in 平海镇, its parent town', () => {
    const xunliao = pack.townships.find((t) => t.code === '441323570000')!;
    expect(townshipAt(pack, xunliao.seat[0], xunliao.seat[1])?.name).toBe('平海镇');
    expect(coverageCodeOf(pack, xunliao.code)).toBe('441323106000');
  });

  test('finds no township for a point in Shenzhen', () => {
    expect(townshipAt(pack, 114.06, 22.54)).toBeNull();
  });

  test('lists the villages of a township', () => {
    const pingshan = villagesOf(pack, '441323001000');
    expect(pingshan.length).toBeGreaterThan(10);
    expect(pingshan[0]).toEqual({ code: '441323001001', name: '园岭社区居民委员会', townshipCode: '441323001000' });
    expect(pack.villages.length).toBe(305);
  });
});

describe('readable names', () => {
  test('fold the variant characters of official tables and nothing else', () => {
    expect(readableName('巺寮滨海旅游度假区')).toEqual({ name: '巽寮滨海旅游度假区', officialName: '巺寮滨海旅游度假区' });
    expect(readableName('平山街道')).toEqual({ name: '平山街道' });
    expect(readableName('Ｘ峯邨')).toEqual({ name: 'Ｘ峰村', officialName: 'Ｘ峯邨' });
  });
});
