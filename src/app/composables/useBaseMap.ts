/** The base map setting (components/map/base-map.ts), kept in meta 'baseMap'. */
import { BASE_MAP_KEY, baseMapOf, type BaseMapConfig } from '../components/map/base-map';
import { readMeta, writeMeta } from '../db/meta-values';

/** The saved config; anything unrecognised means none. */
export async function loadBaseMap(): Promise<BaseMapConfig> {
  return baseMapOf(await readMeta(BASE_MAP_KEY));
}

/** Saves a config (the caller checked it with baseMapProblem). */
export async function saveBaseMap(c: BaseMapConfig): Promise<void> {
  await writeMeta(BASE_MAP_KEY, { ...c });
}
