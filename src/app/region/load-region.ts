/**
 * Loads a shipped region pack (`public/regions/<id>/`) over HTTP: the manifest names its files;
 * the service worker precaches them, so this works offline too.
 */
import { buildRegionPack, type RegionMeta, type RegionPack, type Village } from '../../domain/region';

/** The region the app ships with. */
export const DEFAULT_REGION_ID = 'huidong';

interface Manifest extends RegionMeta {
  files?: { townships?: string; county?: string; villages?: string };
}

/** A pack's files where its manifest names none (`files` in region.json overrides them). */
export const REGION_PACK_DEFAULT_FILES = { townships: 'townships.geojson', county: 'county.geojson', villages: 'villages.json' } as const;

type Fetch = (url: string) => Promise<Pick<Response, 'ok' | 'status' | 'json'>>;

/** The URL folder of a shipped region, under the app's base URL. */
export function regionBaseUrl(id = DEFAULT_REGION_ID, base: string = import.meta.env.BASE_URL ?? '/'): string {
  return `${base.replace(/\/?$/, '/')}regions/${id}/`;
}

/** Fetches and builds a shipped region pack; throws when a file is missing or malformed. */
export async function loadRegionPack(baseUrl = regionBaseUrl(), fetchFn: Fetch = (u) => fetch(u)): Promise<RegionPack> {
  const get = async <T>(file: string): Promise<T> => {
    const res = await fetchFn(baseUrl + file);
    if (!res.ok) throw new Error(`region pack: ${baseUrl + file} answered ${res.status}`);
    return (await res.json()) as T;
  };
  // The manifest and the files under their default names are fetched at once (one round trip,
  // not two, on a slow link); a manifest that names other files has those fetched after it.
  const defaults = REGION_PACK_DEFAULT_FILES;
  const early = {
    townships: get<Parameters<typeof buildRegionPack>[1]>(defaults.townships),
    county: get<Parameters<typeof buildRegionPack>[3]>(defaults.county),
    villages: get<Village[]>(defaults.villages),
  };
  // A default-named file the manifest does not use may be missing: never an unhandled rejection.
  for (const p of Object.values(early)) p.catch(() => undefined);
  const manifest = await get<Manifest>('region.json');
  const files = { ...defaults, ...manifest.files };
  const pick = <K extends keyof typeof early>(key: K): (typeof early)[K] =>
    files[key] === defaults[key] ? early[key] : (get(files[key]) as (typeof early)[K]);
  const [townships, county, villages] = await Promise.all([pick('townships'), pick('county').catch(() => null), pick('villages')]);
  const { files: _files, ...meta } = manifest;
  return buildRegionPack(meta, townships, cleanVillages(villages), county);
}

/** Trims stray whitespace from codes and names (an early villages.json had CR-terminated codes). */
export function cleanVillages(villages: Village[]): Village[] {
  return villages.map((v) => ({ code: v.code.trim(), name: v.name.trim(), townshipCode: v.townshipCode.trim() }));
}
