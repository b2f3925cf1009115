/**
 * The region pack the phone uses: a staff-imported pack kept in meta 'regionPack', else the
 * Huidong pack shipped with the app.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { RegionPack } from '../../domain/region';
import { deleteMeta, readMeta, writeMeta } from '../db/meta-values';
import { loadRegionPack } from '../region/load-region';

/** Meta key of an imported region pack. */
export const REGION_PACK_KEY = 'regionPack';

function looksLikePack(value: unknown): value is RegionPack {
  if (!value || typeof value !== 'object') return false;
  const p = value as Partial<RegionPack>;
  return !!p.meta && Array.isArray(p.townships) && Array.isArray(p.villages);
}

/** `pack` (null until loaded), `error`, `load()`, `replacePack(pack)`, `restoreShippedPack()`. */
export const useRegionStore = defineStore('region', () => {
  const pack = shallowRef<RegionPack | null>(null);
  const error = ref<string | null>(null);
  const source = ref<'imported' | 'shipped' | null>(null);

  let loading: Promise<RegionPack | null> | null = null;
  /** Loads once (later calls share the first); errors are kept in `error`, pack stays null. */
  function load(): Promise<RegionPack | null> {
    loading ??= (async () => {
      try {
        // The shipped pack is fetched while the database opens (on a first visit it is created
        // first), not after: the home screen's coverage waits for whichever is used.
        const shippedPack = loadRegionPack();
        shippedPack.catch(() => undefined);
        const stored = await readMeta(REGION_PACK_KEY);
        if (looksLikePack(stored)) {
          source.value = 'imported';
          return (pack.value = stored);
        }
        const shipped = await shippedPack;
        source.value = 'shipped';
        return (pack.value = shipped);
      } catch (e) {
        error.value = e instanceof Error ? e.message : String(e);
        loading = null;
        return null;
      }
    })();
    return loading;
  }

  /** Stores an imported pack in meta and uses it from now on. */
  async function replacePack(next: RegionPack): Promise<void> {
    await writeMeta(REGION_PACK_KEY, next);
    pack.value = next;
    source.value = 'imported';
    error.value = null;
  }

  /** Forgets an imported pack and uses the shipped one again. */
  async function restoreShippedPack(): Promise<void> {
    const shipped = await loadRegionPack();
    await deleteMeta(REGION_PACK_KEY);
    pack.value = shipped;
    source.value = 'shipped';
    error.value = null;
  }

  return { pack, error, source, load, replacePack, restoreShippedPack };
});
