/**
 * Settings kept on the phone (in meta): language, the taxonomy lists staff edit, and the
 * browser's storage status.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, type Ref } from 'vue';
import * as v from 'valibot';
import { DEFAULT_TAXONOMY, taxonomySchema, type Taxonomy, type TaxonomyEntry, type TaxonomyListName } from '../../domain/taxonomy';
import { toProblems } from '../../domain/problems';
import { ValidationError } from '../db/errors';
import { i18n, type Locale } from '../i18n';
import { readStorageStatus, storageWarnings, type StorageStatus } from '../composables/useStorageStatus';
import { useLedgerStore } from './ledger';

/** Meta keys of the settings. */
export const SETTINGS_KEYS = { locale: 'locale', taxonomy: 'taxonomy' } as const;

/** Language, taxonomy and storage status; `load()` reads what meta holds. */
export const useSettingsStore = defineStore('settings', () => {
  const locale = ref<Locale>('zh-CN');
  const taxonomy = shallowRef<Taxonomy>(DEFAULT_TAXONOMY);
  const storage = ref<StorageStatus>({ persisted: null, usage: null, quota: null });
  const warnings = computed(() => storageWarnings(storage.value));
  const db = () => useLedgerStore().db;

  let loading: Promise<void> | null = null;
  /** Reads settings from meta (once); also asks the browser, in the background, to keep our storage. */
  function load(): Promise<void> {
    loading ??= (async () => {
      void refreshStorage(true).catch(() => undefined);
      const [l, t] = await db().meta.bulkGet([SETTINGS_KEYS.locale, SETTINGS_KEYS.taxonomy]);
      if (l?.value === 'zh-CN' || l?.value === 'en') applyLocale(l.value);
      const parsed = v.safeParse(taxonomySchema, t?.value);
      if (parsed.success) taxonomy.value = parsed.output;
    })();
    return loading;
  }

  function applyLocale(l: Locale): void {
    locale.value = l;
    (i18n.global.locale as unknown as Ref<Locale>).value = l;
    if (typeof document !== 'undefined') document.documentElement.lang = l;
  }
  async function setLocale(l: Locale): Promise<void> {
    applyLocale(l);
    await db().meta.put({ key: SETTINGS_KEYS.locale, value: l });
  }

  async function saveTaxonomy(next: Taxonomy): Promise<void> {
    const r = v.safeParse(taxonomySchema, next);
    if (!r.success) throw new ValidationError(toProblems(r.issues));
    await db().meta.put({ key: SETTINGS_KEYS.taxonomy, value: r.output });
    taxonomy.value = r.output;
  }
  function editList(list: TaxonomyListName, edit: (entries: TaxonomyEntry[]) => TaxonomyEntry[]): Promise<void> {
    return saveTaxonomy({ ...taxonomy.value, [list]: edit([...taxonomy.value[list]]) });
  }
  function mustHave(list: TaxonomyListName, code: string): void {
    if (!taxonomy.value[list].some((e) => e.code === code)) throw new ValidationError([{ field: `${list}.code`, code: 'unknownCode' }]);
  }
  /** Adds an entry; without a code one is made from the clock (codes never change once stored). */
  function addEntry(list: TaxonomyListName, entry: { zh: string; en?: string; code?: string }): Promise<void> {
    const code = entry.code ?? `c-${Date.now().toString(36)}-${crypto.getRandomValues(new Uint16Array(1))[0]!.toString(36)}`;
    return editList(list, (xs) => [...xs, { code, zh: entry.zh, ...(entry.en ? { en: entry.en } : {}) }]);
  }
  async function renameEntry(list: TaxonomyListName, code: string, zh: string, en?: string): Promise<void> {
    mustHave(list, code);
    await editList(list, (xs) => xs.map((e) => (e.code === code ? { ...e, zh, ...(en !== undefined ? { en } : {}) } : e)));
  }
  async function retireEntry(list: TaxonomyListName, code: string, retired = true): Promise<void> {
    mustHave(list, code);
    await editList(list, (xs) => xs.map((e) => (e.code === code ? { ...e, retired } : e)));
  }
  async function resetTaxonomy(): Promise<void> {
    await saveTaxonomy(DEFAULT_TAXONOMY);
  }

  async function refreshStorage(requestPersist = false): Promise<StorageStatus> {
    storage.value = await readStorageStatus(globalThis.navigator?.storage, requestPersist);
    return storage.value;
  }

  return { locale, taxonomy, storage, warnings, load, setLocale, addEntry, renameEntry, retireEntry, resetTaxonomy, refreshStorage };
});
