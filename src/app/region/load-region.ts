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
  const manifest = await get<Manifest>('region.json');
  const files = { townships: 'townships.geojson', county: 'county.geojson', villages: 'villages.json', ...manifest.files };
  const [townships, county, villages] = await Promise.all([
    get<Parameters<typeof buildRegionPack>[1]>(files.townships),
    get<Parameters<typeof buildRegionPack>[3]>(files.county).catch(() => null),
    get<Village[]>(files.villages),
  ]);
  const { files: _files, ...meta } = manifest;
  return buildRegionPack(meta, townships, cleanVillages(villages), county);
}

/** Trims stray whitespace from codes and names (an early villages.json had CR-terminated codes). */
export function cleanVillages(villages: Village[]): Village[] {
  return villages.map((v) => ({ code: v.code.trim(), name: v.name.trim(), townshipCode: v.townshipCode.trim() }));
}
