/**
 * The optional base map under the township polygons, kept in meta 'baseMap'. None is the
 * default: the polygons are the map, and they work with no network at all.
 *
 * Datum: our data is WGS-84. 天地图 tiles are CGCS2000 (≈ WGS-84 at map scale): no shift.
 * 高德 tiles are GCJ-02: the map converts polygons and points to GCJ-02 at display time
 * (gcoord) so they sit on the tiles; nothing stored changes.
 */
export type BaseMapConfig =
  | { readonly kind: 'none' }
  | { readonly kind: 'tianditu'; readonly key: string }
  | { readonly kind: 'amap' }
  | { readonly kind: 'custom'; readonly url: string; readonly attribution: string; readonly datum: 'wgs84' | 'gcj02' };

export type BaseMapKind = BaseMapConfig['kind'];
export const BASE_MAP_KINDS: readonly BaseMapKind[] = ['none', 'tianditu', 'amap', 'custom'];
export const BASE_MAP_KEY = 'baseMap';
export const NO_BASE_MAP: BaseMapConfig = { kind: 'none' };

/** One tile layer to add: a Leaflet URL template and its options. */
export interface TileSpec {
  readonly url: string;
  readonly subdomains: string;
  readonly attribution: string;
  readonly maxZoom: number;
}

/** Whether a custom template is usable: http(s) and all of {z}, {x}, {y}. */
export function isTileTemplate(url: string): boolean {
  return /^https?:\/\/\S+$/.test(url) && ['{z}', '{x}', '{y}'].every((p) => url.includes(p));
}

/** What is wrong with a config before saving: null, or the i18n key of the message. */
export function baseMapProblem(c: BaseMapConfig): 'map.baseMap.needKey' | 'map.baseMap.badUrl' | null {
  if (c.kind === 'tianditu' && !/^[0-9a-zA-Z]{8,64}$/.test(c.key.trim())) return 'map.baseMap.needKey';
  if (c.kind === 'custom' && !isTileTemplate(c.url.trim())) return 'map.baseMap.badUrl';
  return null;
}

/** The datum the tiles are drawn in; our WGS-84 geometry is shifted to it for display. */
export function datumOf(c: BaseMapConfig): 'wgs84' | 'gcj02' {
  if (c.kind === 'amap') return 'gcj02';
  if (c.kind === 'custom') return c.datum;
  return 'wgs84';
}

const TIANDITU = (layer: 'vec' | 'cva', key: string) =>
  `https://t{s}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}` +
  `&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(key)}`;

/** The tile layers a config stands for (none → no layers). */
export function tileSpecsOf(c: BaseMapConfig): TileSpec[] {
  switch (c.kind) {
    case 'none':
      return [];
    case 'tianditu':
      return [
        { url: TIANDITU('vec', c.key.trim()), subdomains: '01234567', attribution: '© <a href="https://www.tianditu.gov.cn/">天地图</a>', maxZoom: 18 },
        { url: TIANDITU('cva', c.key.trim()), subdomains: '01234567', attribution: '', maxZoom: 18 },
      ];
    case 'amap':
      return [
        {
          url: 'https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}',
          subdomains: '1234',
          attribution: '© <a href="https://www.amap.com/">高德地图</a>',
          maxZoom: 18,
        },
      ];
    case 'custom':
      return [{ url: c.url.trim(), subdomains: 'abc', attribution: escapeHtml(c.attribution.trim()), maxZoom: 19 }];
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The config a saved value stands for; anything unrecognised means none. */
export function baseMapOf(saved: unknown): BaseMapConfig {
  const v = saved as Partial<Record<string, unknown>> | undefined;
  if (!v || typeof v !== 'object') return NO_BASE_MAP;
  if (v.kind === 'tianditu' && typeof v.key === 'string') return { kind: 'tianditu', key: v.key };
  if (v.kind === 'amap') return { kind: 'amap' };
  if (v.kind === 'custom' && typeof v.url === 'string' && isTileTemplate(v.url)) {
    return {
      kind: 'custom',
      url: v.url,
      attribution: typeof v.attribution === 'string' ? v.attribution : '',
      datum: v.datum === 'gcj02' ? 'gcj02' : 'wgs84',
    };
  }
  return NO_BASE_MAP;
}
