/**
 * The region pack the phone uses: a staff-imported pack kept in meta 'regionPack', else the
 * Huidong pack shipped with the app.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { RegionPack } from '../../domain/region';
import { loadRegionPack } from '../region/load-region';
import { useLedgerStore } from './ledger';

/** Meta key of an imported region pack. */
export const REGION_PACK_KEY = 'regionPack';

function looksLikePack(value: unknown): value is RegionPack {
  if (!value || typeof value !== 'object') return false;
  const p = value as Partial<RegionPack>;
  return !!p.meta && Array.isArray(p.townships) && Array.isArray(p.villages);
}

/** `pack` (null until loaded), `error`, `load()`, `replacePack(pack)`. */
export const useRegionStore = defineStore('region', () => {
  const pack = shallowRef<RegionPack | null>(null);
  const error = ref<string | null>(null);
  const source = ref<'imported' | 'shipped' | null>(null);

  let loading: Promise<RegionPack | null> | null = null;
  /** Loads once (later calls share the first); errors are kept in `error`, pack stays null. */
  function load(): Promise<RegionPack | null> {
    loading ??= (async () => {
      try {
        const stored = await useLedgerStore().db.meta.get(REGION_PACK_KEY);
        if (looksLikePack(stored?.value)) {
          source.value = 'imported';
          return (pack.value = stored.value);
        }
        const shipped = await loadRegionPack();
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
    await useLedgerStore().db.meta.put({ key: REGION_PACK_KEY, value: next });
    pack.value = next;
    source.value = 'imported';
    error.value = null;
  }

  return { pack, error, source, load, replacePack };
});
