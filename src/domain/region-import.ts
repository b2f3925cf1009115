/**
 * Validating a county's township GeoJSON that a staff member loads in settings, so the map, the
 * pickers and the counts can follow another county. The shipped pack is trusted and built by
 * `buildRegionPack` directly; a user's file is checked here first, strictly, because a bad
 * polygon would silently mis-assign GPS fixes and mis-draw the map.
 *
 * What a good file is (RFC 7946 GeoJSON, WGS-84 lon/lat):
 * - a FeatureCollection of 1..REGION_IMPORT_LIMITS.maxFeatures features from ONE county (all
 *   codes share their first 6 digits);
 * - each feature has `properties.code` (12-digit statistical code, text or integer) unique in the
 *   file, and a non-empty `properties.name`;
 * - geometry Polygon or MultiPolygon (rings of ≥ 4 positions, first = last), or a Point for a
 *   special zone with `properties.parentCode` naming a polygon feature of the file;
 * - every position [lon, lat] inside −180..180 / −90..90, and no `crs` other than CRS84/4326.
 * Each failure is a problem {field, code}; the UI translates `code` (i18n map.regionImport.problems).
 * Pure: takes the file's text, returns the pack or the problems.
 */
import { buildRegionPack, type RegionMeta, type RegionPack } from './region.js';
import type { Problem, Result } from './problems.js';
import { DEFAULT_TIME_ZONE } from './year.js';

/** Size limits that keep a phone responsive; a county's townships come nowhere near them. */
export const REGION_IMPORT_LIMITS = {
  /** Characters of text (≈ bytes for GeoJSON, which is ASCII but for names). */
  maxChars: 8 * 1024 * 1024,
  maxFeatures: 500,
  maxVertices: 300_000,
  /** Problems reported before giving up on a hopeless file. */
  maxProblems: 30,
} as const;

/** Every problem code a region file can get (the UI has a message for each). */
export const REGION_IMPORT_PROBLEMS = [
  'tooLarge',
  'notJson',
  'notFeatureCollection',
  'noFeatures',
  'tooManyFeatures',
  'notWgs84',
  'notFeature',
  'noGeometry',
  'badGeometryType',
  'badCoordinates',
  'outOfRange',
  'ringTooShort',
  'ringNotClosed',
  'tooManyVertices',
  'badCode',
  'missingName',
  'duplicateCode',
  'mixedCounty',
  'pointWithoutParent',
  'unknownParent',
  'noAreas',
] as const;
export type RegionImportProblem = (typeof REGION_IMPORT_PROBLEMS)[number];

export interface RegionImportOptions {
  /** Shown in the default attribution. */
  readonly fileName: string;
  readonly timeZone?: string;
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Parses and validates a township GeoJSON file; on success, the region pack it describes. */
export function importRegionGeoJson(text: string, options: RegionImportOptions): Result<RegionPack> {
  const fail = (code: RegionImportProblem, field = ''): Result<RegionPack> => ({ ok: false, problems: [{ field, code }] });
  if (text.length > REGION_IMPORT_LIMITS.maxChars) return fail('tooLarge');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return fail('notJson');
  }
  if (!isObject(doc) || doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) return fail('notFeatureCollection');
  if (!isWgs84Crs(doc.crs)) return fail('notWgs84', 'crs');
  const features: unknown[] = doc.features;
  if (features.length === 0) return fail('noFeatures', 'features');
  if (features.length > REGION_IMPORT_LIMITS.maxFeatures) return fail('tooManyFeatures', 'features');

  const problems: Problem[] = [];
  const add = (code: RegionImportProblem, field: string) => {
    if (problems.length < REGION_IMPORT_LIMITS.maxProblems) problems.push({ field, code });
  };
  const vertices = { count: 0 };
  const clean: { properties: Json; geometry: Json }[] = [];
  const seen = new Set<string>();

  features.forEach((f, i) => {
    const at = `features.${i}`;
    if (!isObject(f) || f.type !== 'Feature') return add('notFeature', at);
    const props = isObject(f.properties) ? f.properties : {};
    const code = codeOf(props.code);
    if (code === null) add('badCode', `${at}.properties.code`);
    else if (seen.has(code)) add('duplicateCode', `${at}.properties.code`);
    else seen.add(code);
    const name = typeof props.name === 'string' ? props.name.trim() : '';
    if (name === '' || name.length > 60) add('missingName', `${at}.properties.name`);
    const g = f.geometry;
    if (!isObject(g)) return add('noGeometry', `${at}.geometry`);
    const geometryProblem = checkGeometry(g, vertices);
    if (geometryProblem) return add(geometryProblem, `${at}.geometry`);
    if (code === null || name === '') return;
    const parentCode = codeOf(props.parentCode);
    if (g.type === 'Point' && parentCode === null) return add('pointWithoutParent', `${at}.properties.parentCode`);
    const shortName = typeof props.shortName === 'string' && props.shortName.trim() !== '' ? props.shortName.trim() : name;
    clean.push({
      properties: {
        code,
        name,
        shortName,
        kind: typeof props.kind === 'string' ? props.kind : g.type === 'Point' ? '其他' : '',
        ...(parentCode !== null ? { parentCode } : {}),
        ...(isSeat(props.seat) ? { seat: props.seat } : {}),
        approximate: props.approximate === true,
      },
      geometry: g,
    });
  });
  if (vertices.count > REGION_IMPORT_LIMITS.maxVertices) add('tooManyVertices', 'features');
  if (problems.length) return { ok: false, problems };

  const areaCodes = new Set(clean.filter((f) => f.geometry.type !== 'Point').map((f) => String(f.properties.code)));
  if (areaCodes.size === 0) return fail('noAreas', 'features');
  clean.forEach((f, i) => {
    const parent = f.properties.parentCode;
    if (f.geometry.type === 'Point' && typeof parent === 'string' && !areaCodes.has(parent)) {
      add('unknownParent', `features.${i}.properties.parentCode`);
    }
  });
  const counties = new Set(clean.map((f) => String(f.properties.code).slice(0, 6)));
  if (counties.size > 1) add('mixedCounty', 'features');
  if (problems.length) return { ok: false, problems };

  const countyCode = [...counties][0]!;
  const docName = typeof doc.name === 'string' && doc.name.trim() !== '' ? doc.name.trim() : countyCode;
  const attribution = typeof doc.attribution === 'string' && doc.attribution.trim() !== '' ? doc.attribution.trim() : null;
  const meta: RegionMeta = {
    id: `import-${countyCode}`,
    code: `${countyCode}000000`,
    name: docName,
    timeZone: options.timeZone ?? DEFAULT_TIME_ZONE,
    approximate: clean.some((f) => f.properties.approximate === true),
    attribution: attribution ?? `乡镇范围来自导入文件 ${options.fileName}`,
    attributionEn: attribution ?? `Township areas from the imported file ${options.fileName}`,
  };
  return { ok: true, value: buildRegionPack(meta, { features: clean }, [], null) };
}

/** A 12-digit statistical code, as text; integers are accepted (spreadsheets drop the quotes). */
function codeOf(x: unknown): string | null {
  const s = typeof x === 'string' ? x.trim() : typeof x === 'number' && Number.isSafeInteger(x) ? String(x) : '';
  return /^\d{12}$/.test(s) ? s : null;
}

function isSeat(x: unknown): x is [number, number] {
  return Array.isArray(x) && x.length === 2 && isPosition(x) && inRange(x as number[]);
}

/** Old GeoJSON (2008) may name its CRS; only WGS-84 lon/lat is accepted. */
function isWgs84Crs(crs: unknown): boolean {
  if (crs === undefined || crs === null) return true;
  if (!isObject(crs) || !isObject(crs.properties)) return false;
  const name = String(crs.properties.name ?? '');
  return /CRS84$|EPSG:?:?4326$/i.test(name);
}

function isPosition(p: unknown): p is number[] {
  return Array.isArray(p) && p.length >= 2 && p.length <= 3 && p.every((n) => typeof n === 'number' && Number.isFinite(n));
}

function inRange(p: readonly number[]): boolean {
  return p[0]! >= -180 && p[0]! <= 180 && p[1]! >= -90 && p[1]! <= 90;
}

function checkRing(ring: unknown, vertices: { count: number }): RegionImportProblem | null {
  if (!Array.isArray(ring)) return 'badCoordinates';
  for (const p of ring) {
    if (!isPosition(p)) return 'badCoordinates';
    if (!inRange(p)) return 'outOfRange';
  }
  vertices.count += ring.length;
  if (ring.length < 4) return 'ringTooShort';
  const a = ring[0] as number[];
  const b = ring[ring.length - 1] as number[];
  if (a[0] !== b[0] || a[1] !== b[1]) return 'ringNotClosed';
  return null;
}

function checkPolygon(rings: unknown, vertices: { count: number }): RegionImportProblem | null {
  if (!Array.isArray(rings) || rings.length === 0) return 'badCoordinates';
  for (const r of rings) {
    const p = checkRing(r, vertices);
    if (p) return p;
  }
  return null;
}

function checkGeometry(g: Json, vertices: { count: number }): RegionImportProblem | null {
  switch (g.type) {
    case 'Point':
      if (!isPosition(g.coordinates)) return 'badCoordinates';
      return inRange(g.coordinates) ? null : 'outOfRange';
    case 'Polygon':
      return checkPolygon(g.coordinates, vertices);
    case 'MultiPolygon': {
      if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return 'badCoordinates';
      for (const poly of g.coordinates) {
        const p = checkPolygon(poly, vertices);
        if (p) return p;
      }
      return null;
    }
    default:
      return 'badGeometryType';
  }
}
