/**
 * The region the server validates events against: township and village codes from a region
 * pack on disk (`public/regions/<id>/` in the source tree, `dist/regions/<id>/` when built).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReferenceContext } from '../domain/event.js';
import { DEFAULT_TAXONOMY } from '../domain/taxonomy.js';

/** The repository root: two levels above this file both in src/server and dist-server/server. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RegionInfo {
  id: string;
  dir: string;
  townshipCodes: Set<string>;
  villageTownship: Map<string, string>;
}

/** Finds and reads a region pack; throws with the places it looked when it is missing. */
export function loadRegion(id: string, searchDirs: readonly string[] = defaultRegionDirs()): RegionInfo {
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(id)) throw new Error(`REGION must be a lower-case id, got "${id}"`);
  const candidates = searchDirs.map((d) => path.join(d, id));
  const dir = candidates.find((d) => existsSync(path.join(d, 'region.json')));
  if (!dir) throw new Error(`region pack "${id}" not found; looked in ${candidates.join(', ')}`);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'region.json'), 'utf8')) as { files?: { townships?: string; villages?: string } };
  const townships = JSON.parse(readFileSync(path.join(dir, manifest.files?.townships ?? 'townships.geojson'), 'utf8')) as {
    features: { properties?: { code?: unknown } | null }[];
  };
  const townshipCodes = new Set<string>();
  for (const f of townships.features) {
    const code = String(f.properties?.code ?? '').trim();
    if (/^\d{12}$/.test(code)) townshipCodes.add(code);
  }
  if (townshipCodes.size === 0) throw new Error(`region pack "${id}" at ${dir} has no township codes`);
  const villageTownship = new Map<string, string>();
  const villagesFile = path.join(dir, manifest.files?.villages ?? 'villages.json');
  if (existsSync(villagesFile)) {
    const villages = JSON.parse(readFileSync(villagesFile, 'utf8')) as { code?: unknown; townshipCode?: unknown }[];
    for (const v of villages) villageTownship.set(String(v.code ?? '').trim(), String(v.townshipCode ?? '').trim());
  }
  return { id, dir, townshipCodes, villageTownship };
}

export function defaultRegionDirs(staticDir?: string | null): string[] {
  const dirs = [path.join(REPO_ROOT, 'public', 'regions'), path.join(REPO_ROOT, 'dist', 'regions')];
  if (staticDir) dirs.unshift(path.join(staticDir, 'regions'));
  return dirs;
}

/** The reference context of a region: its codes and the default taxonomy (edits are local for now). */
export function referenceContextOf(region: RegionInfo): ReferenceContext {
  return { taxonomy: DEFAULT_TAXONOMY, townshipCodes: region.townshipCodes, villageTownship: region.villageTownship };
}

/** Township names (code → name) of a region pack; empty when the pack is missing (tests without one). */
export function loadTownshipNames(id: string, searchDirs: readonly string[] = defaultRegionDirs()): Map<string, string> {
  const names = new Map<string, string>();
  try {
    const dir = searchDirs.map((d) => path.join(d, id)).find((d) => existsSync(path.join(d, 'region.json')));
    if (!dir) return names;
    const manifest = JSON.parse(readFileSync(path.join(dir, 'region.json'), 'utf8')) as { files?: { townships?: string } };
    const townships = JSON.parse(readFileSync(path.join(dir, manifest.files?.townships ?? 'townships.geojson'), 'utf8')) as {
      features: { properties?: { code?: unknown; name?: unknown } | null }[];
    };
    for (const f of townships.features) {
      const code = String(f.properties?.code ?? '').trim();
      if (/^\d{12}$/.test(code)) names.set(code, String(f.properties?.name ?? ''));
    }
  } catch {
    // A broken pack fails loadRegion at start; names are only a nicety of the public page.
  }
  return names;
}
