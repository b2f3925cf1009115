import { describe, expect, it } from 'vitest';
import { baseMapProblem, datumOf, isTileTemplate, tileSpecsOf } from '../../../../src/app/components/map/base-map';

describe('the optional base map', () => {
  it('draws no tiles by default, so the map needs no network', () => {
    expect(tileSpecsOf({ kind: 'none' })).toEqual([]);
    expect(datumOf({ kind: 'none' })).toBe('wgs84');
  });

  it('uses 天地图 web-mercator vector tiles and labels with the user key, unshifted (WGS-84)', () => {
    const specs = tileSpecsOf({ kind: 'tianditu', key: 'abc123def456' });
    expect(specs.map((s) => s.url)).toEqual([
      'https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=abc123def456',
      'https://t{s}.tianditu.gov.cn/cva_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=cva&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=abc123def456',
    ]);
    expect(datumOf({ kind: 'tianditu', key: 'abc123def456' })).toBe('wgs84');
    expect(baseMapProblem({ kind: 'tianditu', key: ' ' })).toBe('map.baseMap.needKey');
  });

  it('shifts our WGS-84 geometry to GCJ-02 for 高德 tiles, and for a custom layer marked GCJ-02', () => {
    expect(datumOf({ kind: 'amap' })).toBe('gcj02');
    expect(datumOf({ kind: 'custom', url: 'https://x.example/{z}/{x}/{y}.png', attribution: '', datum: 'gcj02' })).toBe('gcj02');
  });

  it('accepts a custom template only with http(s) and {z}, {x}, {y}, and escapes its attribution', () => {
    expect(isTileTemplate('https://tile.example.com/{z}/{x}/{y}.png')).toBe(true);
    expect(isTileTemplate('https://tile.example.com/{z}/{x}.png')).toBe(false);
    expect(isTileTemplate('javascript:alert(1)//{z}{x}{y}')).toBe(false);
    const c = { kind: 'custom', url: 'ftp://a/{z}/{x}/{y}', attribution: '<b>x</b>', datum: 'wgs84' } as const;
    expect(baseMapProblem(c)).toBe('map.baseMap.badUrl');
    expect(tileSpecsOf({ ...c, url: 'https://a/{z}/{x}/{y}' })[0]!.attribution).toBe('&#60;b&#62;x&#60;/b&#62;');
  });
});
