import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { importRegionGeoJson, REGION_IMPORT_LIMITS, REGION_IMPORT_PROBLEMS } from '../../src/domain/region-import';
import { coverageCodeOf, hasArea, townshipAt } from '../../src/domain/region';
import messages from '../../src/app/i18n/messages/map';

const huidongText = readFileSync(resolve(process.cwd(), 'public/regions/huidong/townships.geojson'), 'utf8');

const square = (x: number, y: number, d = 0.1) => [
  [
    [x, y],
    [x + d, y],
    [x + d, y + d],
    [x, y + d],
    [x, y],
  ],
];
/** A small made-up county 441302 with two towns and one special zone inside the first. */
interface TestFeature {
  type: string;
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown } | null;
}
interface TestDoc {
  type: string;
  name?: string;
  crs?: unknown;
  features: TestFeature[];
}
function county(): TestDoc {
  return {
    type: 'FeatureCollection',
    name: '惠城区（测试）',
    features: [
      { type: 'Feature', properties: { code: '441302001000', name: '桥东街道' }, geometry: { type: 'Polygon', coordinates: square(114.4, 23.1) } },
      {
        type: 'Feature',
        properties: { code: 441302100000, name: '横沥镇', shortName: '横沥' },
        geometry: { type: 'MultiPolygon', coordinates: [square(114.5, 23.1), square(114.7, 23.1)] },
      },
      {
        type: 'Feature',
        properties: { code: '441302400000', name: '某度假区', parentCode: '441302001000' },
        geometry: { type: 'Point', coordinates: [114.45, 23.15] },
      },
    ],
  };
}
const text = (doc: unknown) => JSON.stringify(doc);
const problemsOf = (t: string) => {
  const r = importRegionGeoJson(t, { fileName: 'bad.geojson' });
  return r.ok ? [] : r.problems;
};
type Rings = unknown[][];
const rings = (f: TestFeature) => f.geometry!.coordinates as Rings;
function mutated(change: (doc: TestDoc) => void): string {
  const doc = county();
  change(doc);
  return text(doc);
}

describe('importing a county township GeoJSON', () => {
  test('accepts the shipped Huidong file and builds 14 areas and 2 special zones', () => {
    const r = importRegionGeoJson(huidongText, { fileName: 'huidong-townships.geojson' });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.value.townships.length).toBe(16);
    expect(r.value.townships.filter(hasArea).length).toBe(14);
    expect(r.value.meta).toMatchObject({ id: 'import-441323', code: '441323000000', approximate: true, timeZone: 'Asia/Shanghai' });
    expect(coverageCodeOf(r.value, '441323570000')).toBe('441323106000');
    expect(townshipAt(r.value, 114.71311, 22.99376)?.name).toBe('平山街道');
  });

  test('accepts a small county with a numeric code and a special zone, naming it from the file', () => {
    const r = importRegionGeoJson(text(county()), { fileName: 'huicheng.geojson' });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.value.meta).toEqual({
      id: 'import-441302',
      code: '441302000000',
      name: '惠城区（测试）',
      timeZone: 'Asia/Shanghai',
      approximate: false,
      attribution: '乡镇范围来自导入文件 huicheng.geojson',
      attributionEn: 'Township areas from the imported file huicheng.geojson',
    });
    expect(r.value.townships.map((t) => [t.code, t.shortName, t.kind, t.parentCode])).toEqual([
      ['441302001000', '桥东街道', '', null],
      ['441302100000', '横沥', '', null],
      ['441302400000', '某度假区', '其他', '441302001000'],
    ]);
    expect(townshipAt(r.value, 114.75, 23.15)?.code).toBe('441302100000');
    expect(r.value.villages).toEqual([]);
  });
});

describe('refusing a bad region file', () => {
  const cases: [string, string, { field: string; code: string }[]][] = [
    ['text that is not JSON', '{"type": "FeatureCollection", ', [{ field: '', code: 'notJson' }]],
    ['a single Feature instead of a collection', text(county().features[0]), [{ field: '', code: 'notFeatureCollection' }]],
    ['an empty collection', text({ type: 'FeatureCollection', features: [] }), [{ field: 'features', code: 'noFeatures' }]],
    [
      'a projected CRS (Web Mercator)',
      mutated((d) => {
        d.crs = { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3857' } };
      }),
      [{ field: 'crs', code: 'notWgs84' }],
    ],
    [
      'projected metres without a CRS',
      mutated((d) => {
        d.features[0]!.geometry!.coordinates = [
          [
            [12735000, 2650000],
            [12745000, 2650000],
            [12745000, 2660000],
            [12735000, 2650000],
          ],
        ];
      }),
      [{ field: 'features.0.geometry', code: 'outOfRange' }],
    ],
    [
      'a LineString township',
      mutated((d) => {
        d.features[0]!.geometry = {
          type: 'LineString',
          coordinates: [
            [114, 23],
            [114.1, 23.1],
          ],
        };
      }),
      [{ field: 'features.0.geometry', code: 'badGeometryType' }],
    ],
    [
      'a feature without geometry',
      mutated((d) => {
        d.features[1]!.geometry = null;
      }),
      [{ field: 'features.1.geometry', code: 'noGeometry' }],
    ],
    [
      'an open ring',
      mutated((d) => {
        rings(d.features[0]!)[0]!.pop();
      }),
      [{ field: 'features.0.geometry', code: 'ringNotClosed' }],
    ],
    [
      'a ring of three positions',
      mutated((d) => {
        d.features[0]!.geometry!.coordinates = [
          [
            [114, 23],
            [114.1, 23],
            [114, 23],
          ],
        ];
      }),
      [{ field: 'features.0.geometry', code: 'ringTooShort' }],
    ],
    [
      'coordinates given as text',
      mutated((d) => {
        rings(d.features[0]!)[0]![1] = ['114.5', '23.1'];
      }),
      [{ field: 'features.0.geometry', code: 'badCoordinates' }],
    ],
    [
      'a 9-digit code and a missing name',
      mutated((d) => {
        d.features[0]!.properties = { code: '441302001' };
      }),
      [
        { field: 'features.0.properties.code', code: 'badCode' },
        { field: 'features.0.properties.name', code: 'missingName' },
      ],
    ],
    [
      'two features with the same code',
      mutated((d) => {
        d.features[1]!.properties.code = '441302001000';
      }),
      [{ field: 'features.1.properties.code', code: 'duplicateCode' }],
    ],
    [
      'townships of two counties',
      mutated((d) => {
        d.features[1]!.properties.code = '441323100000';
      }),
      [{ field: 'features', code: 'mixedCounty' }],
    ],
    [
      'a point without a parent town',
      mutated((d) => {
        delete d.features[2]!.properties.parentCode;
      }),
      [{ field: 'features.2.properties.parentCode', code: 'pointWithoutParent' }],
    ],
    [
      'a point whose parent is not in the file',
      mutated((d) => {
        d.features[2]!.properties.parentCode = '441302999000';
      }),
      [{ field: 'features.2.properties.parentCode', code: 'unknownParent' }],
    ],
    [
      'only points',
      mutated((d) => {
        d.features = [
          { type: 'Feature', properties: { code: '441302400000', name: 'x', parentCode: '441302001000' }, geometry: { type: 'Point', coordinates: [114, 23] } },
        ];
      }),
      [{ field: 'features', code: 'noAreas' }],
    ],
    [
      'more features than a county has',
      text({ type: 'FeatureCollection', features: Array.from({ length: REGION_IMPORT_LIMITS.maxFeatures + 1 }, () => ({})) }),
      [{ field: 'features', code: 'tooManyFeatures' }],
    ],
    ['a file over the size limit', ' '.repeat(REGION_IMPORT_LIMITS.maxChars + 1), [{ field: '', code: 'tooLarge' }]],
  ];

  test.each(cases)('refuses %s with its problem code', (_name, input, expected) => {
    expect(problemsOf(input)).toEqual(expected);
  });

  test('has a zh-CN and an English message for every problem code', () => {
    const zh = messages['zh-CN'].map.regionImport.problems as Record<string, string>;
    const en = messages.en.map.regionImport.problems as Record<string, string>;
    for (const code of REGION_IMPORT_PROBLEMS) {
      expect(zh[code], code).toMatch(/\S/);
      expect(en[code], code).toMatch(/\S/);
    }
    expect(Object.keys(zh).sort()).toEqual([...REGION_IMPORT_PROBLEMS].sort());
  });

  test('reports every bad feature, not just the first', () => {
    const input = mutated((d) => {
      d.features[0]!.properties.name = '';
      (rings(d.features[1]!)[1]![0] as unknown[]).pop();
    });
    expect(problemsOf(input)).toEqual([
      { field: 'features.0.properties.name', code: 'missingName' },
      { field: 'features.1.geometry', code: 'ringNotClosed' },
    ]);
  });
});
