/**
 * A region pack: the county, its township-level units and their villages, as data. The app and
 * the server load one at run time (`public/regions/<id>/`); nothing in the code assumes Huidong.
 */
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { MultiPolygon, Point, Polygon } from 'geojson';
import type { TownshipCode, VillageCode } from './ids.js';
import { commonFormOf } from './variant-chars.js';

/** A township-level unit (街道/镇, or a special zone such as a resort or reserve). */
export interface TownshipUnit {
  readonly code: TownshipCode;
  /** The name people read, in common characters (巽寮…, see variant-chars.ts). */
  readonly name: string;
  readonly shortName: string;
  /** The official table's spelling (巺寮…), only where it differs from `name`. */
  readonly officialName?: string;
  /** 街道, 镇, or 其他 for special zones. */
  readonly kind: string;
  /** [lon, lat], WGS-84. */
  readonly seat: readonly [number, number];
  /** Special zones roll up to the town whose polygon holds them. */
  readonly parentCode: TownshipCode | null;
  /** Polygons for mapped units; a Point for a special zone that has no area of its own. */
  readonly geometry: Polygon | MultiPolygon | Point;
}

/** A village or community (村/社区) and the township it belongs to. */
export interface Village {
  readonly code: VillageCode;
  /** The name people read, in common characters. */
  readonly name: string;
  /** The official table's spelling, only where it differs from `name`. */
  readonly officialName?: string;
  readonly townshipCode: TownshipCode;
}

/** What a region pack's manifest (`region.json`) says about the region. */
export interface RegionMeta {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly nameEn?: string;
  readonly timeZone: string;
  readonly approximate: boolean;
  readonly attribution: string;
  readonly attributionEn?: string;
}

/** A whole region pack, ready for pickers, point-in-polygon, counts and the map. */
export interface RegionPack {
  readonly meta: RegionMeta;
  readonly townships: readonly TownshipUnit[];
  readonly villages: readonly Village[];
  /** The county outline, when the pack has one (drawn under the townships). */
  readonly county: Polygon | MultiPolygon | null;
}

/** How the report names a township: 街道 in full (平山街道), a town by its short name (吉隆). */
export function townshipReportName(t: TownshipUnit): string {
  return t.kind === '街道' ? t.name : t.shortName;
}

/** A village's everyday name: 平江村民委员会 → 平江村, 王公社区居民委员会 → 王公社区. */
export function villageShortName(v: Pick<Village, 'name'>): string {
  return v.name.replace(/(居民委员会|居委会)$/, '').replace(/(村民委员会|村委会)$/, '村');
}

/** Whether a unit has an area (so it can be a gap on the map and hold GPS fixes). */
export function hasArea(t: TownshipUnit): boolean {
  return t.geometry.type === 'Polygon' || t.geometry.type === 'MultiPolygon';
}

/**
 * The township whose polygon holds a WGS-84 point, or null outside them all. Point-only units
 * are skipped; the result is a suggestion the user confirms, since the polygons are approximate.
 */
export function townshipAt(pack: RegionPack, lon: number, lat: number): TownshipUnit | null {
  for (const t of pack.townships) {
    if (t.geometry.type === 'Point') continue;
    if (booleanPointInPolygon([lon, lat], t.geometry)) return t;
  }
  return null;
}

/** The code an event counts under for area coverage: a special zone's parent town, else itself. */
export function coverageCodeOf(pack: RegionPack, code: TownshipCode): TownshipCode {
  return pack.townships.find((t) => t.code === code)?.parentCode ?? code;
}

/** The villages of one township, in the pack's order. */
export function villagesOf(pack: RegionPack, townshipCode: TownshipCode): Village[] {
  return pack.villages.filter((v) => v.townshipCode === townshipCode);
}

/** The set of township codes a pack knows (for validating events). */
export function townshipCodesOf(pack: RegionPack): Set<TownshipCode> {
  return new Set(pack.townships.map((t) => t.code));
}

/** Village code → township code, for validating events. */
export function villageTownshipMapOf(pack: RegionPack): Map<VillageCode, TownshipCode> {
  return new Map(pack.villages.map((v) => [v.code, v.townshipCode]));
}

interface RawFeature {
  properties?: Record<string, unknown> | null;
  geometry?: { type?: string } | null;
}

/**
 * Builds a pack from the parsed JSON of its manifest, township GeoJSON, villages and optional
 * county outline, as shipped in `public/regions/<id>/`. Throws on a malformed shipped pack;
 * user-supplied GeoJSON goes through the stricter import validation instead.
 */
export function buildRegionPack(
  manifest: RegionMeta,
  townships: { features: RawFeature[] },
  villages: Village[],
  county: { features: RawFeature[] } | null,
): RegionPack {
  const units: TownshipUnit[] = townships.features.map((f, i) => {
    const p = f.properties ?? {};
    const g = f.geometry;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon' && g.type !== 'Point')) {
      throw new Error(`region pack: feature ${i} has no usable geometry`);
    }
    const code = String(p.code ?? '');
    const name = String(p.name ?? '');
    if (!/^\d{12}$/.test(code) || name === '') throw new Error(`region pack: feature ${i} lacks code or name`);
    const seat = Array.isArray(p.seat) && p.seat.length === 2 ? (p.seat as [number, number]) : seatOf(g as Point);
    return {
      code,
      ...readableName(name),
      shortName: commonFormOf(typeof p.shortName === 'string' && p.shortName !== '' ? p.shortName : name),
      kind: typeof p.kind === 'string' ? p.kind : '',
      seat,
      parentCode: typeof p.parentCode === 'string' ? p.parentCode : null,
      geometry: g as Polygon | MultiPolygon | Point,
    };
  });
  const countyGeometry = county?.features[0]?.geometry ?? null;
  return {
    meta: manifest,
    townships: units,
    villages: villages.map((v) => ({ ...v, ...readableName(v.officialName ?? v.name) })),
    county: countyGeometry && (countyGeometry.type === 'Polygon' || countyGeometry.type === 'MultiPolygon') ? (countyGeometry as Polygon | MultiPolygon) : null,
  };
}

/** A name as people read it (common characters), with the official spelling kept when it differs. */
export function readableName(official: string): { name: string; officialName?: string } {
  const name = commonFormOf(official);
  return name === official ? { name } : { name, officialName: official };
}

function seatOf(g: Point | Polygon | MultiPolygon): [number, number] {
  if (g.type === 'Point') return [g.coordinates[0]!, g.coordinates[1]!];
  const ring = g.type === 'Polygon' ? g.coordinates[0]! : g.coordinates[0]![0]!;
  let x = 0;
  let y = 0;
  for (const [lon, lat] of ring) {
    x += lon!;
    y += lat!;
  }
  return [x / ring.length, y / ring.length];
}
