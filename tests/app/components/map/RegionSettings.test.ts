import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import RegionSettings from '../../../../src/app/components/map/RegionSettings.vue';
import { i18n } from '../../../../src/app/i18n';
import { ledgerDb, setLedgerDbFactory } from '../../../../src/app/db/database';
import { REGION_PACK_KEY, useRegionStore } from '../../../../src/app/stores/region';
import type { RegionPack } from '../../../../src/domain/region';
import { serveHuidongFiles } from '../../../fixtures/region-pack';
import { freshDb } from '../../db/helpers';

const square = (x: number, y: number) => [
  [
    [x, y],
    [x + 0.1, y],
    [x + 0.1, y + 0.1],
    [x, y + 0.1],
    [x, y],
  ],
];
const feature = (code: unknown, name: unknown, geometry: unknown) => ({ type: 'Feature', properties: { code, name }, geometry });
const collection = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', name: '测试县', features });
const poly = (x: number) => ({ type: 'Polygon', coordinates: square(x, 23.1) });

const GOOD = collection(feature('441302001000', '桥东街道', poly(114.4)), feature('441302100000', '横沥镇', poly(114.5)));

/** Eight kinds of bad file and the zh-CN line each must show. */
const BAD: [string, string][] = [
  ['not json at all', '不是有效的 JSON 文件'],
  [JSON.stringify({ type: 'Feature' }), '不是 GeoJSON FeatureCollection'],
  [collection(), '文件中没有任何要素'],
  [
    collection(
      feature('441302001000', '桥东街道', {
        type: 'LineString',
        coordinates: [
          [114, 23],
          [115, 23],
        ],
      }),
    ),
    '第 1 个要素：几何类型须为 Polygon 或 MultiPolygon（特殊区域可为 Point）',
  ],
  [collection(feature('4413020', '桥东街道', poly(114.4))), '第 1 个要素：缺少 12 位区划代码 code'],
  [collection(feature('441302001000', '', poly(114.4))), '第 1 个要素：缺少名称 name'],
  [collection(feature('441302001000', '甲', poly(114.4)), feature('441302001000', '乙', poly(114.5))), '第 2 个要素：区划代码重复'],
  [
    collection(
      feature('441302001000', '甲', {
        type: 'Polygon',
        coordinates: [
          [
            [12735000, 2650000],
            [12745000, 2650000],
            [12745000, 2660000],
            [12735000, 2650000],
          ],
        ],
      }),
    ),
    '第 1 个要素：坐标超出经纬度范围（是否为投影坐标？）',
  ],
  [
    collection(
      feature('441302001000', '甲', {
        type: 'Polygon',
        coordinates: [
          [
            [114, 23],
            [114.1, 23],
            [114.1, 23.1],
            [114, 23.1],
          ],
        ],
      }),
    ),
    '第 1 个要素：多边形的环未闭合（首尾点不同）',
  ],
];

async function choose(w: VueWrapper, text: string, name = 'county.geojson'): Promise<void> {
  const input = w.get('[data-testid=region-file]');
  const file = new File([text], name, { type: 'application/geo+json' });
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true });
  await input.trigger('change');
  await vi.waitFor(async () => {
    await flushPromises();
    expect(w.find('[role=alert]').exists() || w.text().includes('已导入')).toBe(true);
  });
}

describe('RegionSettings', () => {
  let original: RegionPack;

  beforeEach(async () => {
    setActivePinia(createPinia());
    setLedgerDbFactory(freshDb);
    serveHuidongFiles();
    original = (await useRegionStore().load())!;
  });
  afterEach(() => vi.unstubAllGlobals());

  const mountIt = () => mount(RegionSettings, { global: { plugins: [i18n] } });

  it.each(BAD)('refuses a bad file (%#) with its message in Chinese and keeps the old pack', async (text, line) => {
    const w = mountIt();
    await choose(w, text);
    expect(w.get('[data-testid=region-problems]').text()).toContain('文件未导入，原区域数据保持不变');
    expect(w.findAll('[data-testid=region-problems] li').map((li) => li.text())).toEqual([line]);
    expect(useRegionStore().pack).toBe(original);
    expect(await ledgerDb().meta.get(REGION_PACK_KEY)).toBeUndefined();
  });

  it('replaces the pack with a valid county file, stores it, and says so', async () => {
    const w = mountIt();
    expect(w.text()).toContain('当前区域：惠东县（14 个乡镇）');
    await choose(w, GOOD, 'huicheng.geojson');
    const region = useRegionStore();
    expect(region.pack?.meta.id).toBe('import-441302');
    expect(region.pack?.townships.map((t) => t.name)).toEqual(['桥东街道', '横沥镇']);
    expect(region.source).toBe('imported');
    const stored = (await ledgerDb().meta.get(REGION_PACK_KEY))?.value as RegionPack;
    expect(stored.meta.name).toBe('测试县');
    expect(w.text()).toContain('已导入 测试县，共 2 个乡镇');
    expect(w.text()).toContain('当前区域：测试县（2 个乡镇）');
  });

  it('restores the shipped Huidong pack after an import', async () => {
    const w = mountIt();
    await choose(w, GOOD);
    await w.get('.kl-region__restore').trigger('click');
    await vi.waitFor(() => expect(useRegionStore().source).toBe('shipped'));
    expect(useRegionStore().pack?.meta.id).toBe('huidong');
    expect(await ledgerDb().meta.get(REGION_PACK_KEY)).toBeUndefined();
  });
});
