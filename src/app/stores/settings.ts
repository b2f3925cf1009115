/**
 * Settings kept on the phone (in meta): language, the counting basis (计入：已审核 / 全部已提交)
 * shared by home, map and reports, the taxonomy lists staff edit, and the browser's storage status.
 *
 * The taxonomy is an org-level document on the server (GET/PUT /api/org/taxonomy); staff edits
 * here are saved locally at once, remembered as pending (meta 'taxonomyPending', `list:code`
 * keys) and sent by stores/taxonomy-sync.ts, which also adopts the server's version. main.ts
 * starts that sync once the first screen has painted.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, type Ref } from 'vue';
import * as v from 'valibot';
import { DEFAULT_TAXONOMY, taxonomySchema, type Taxonomy, type TaxonomyEntry, type TaxonomyListName } from '../../domain/taxonomy';
import { toProblems } from '../../domain/problems';
import { COUNT_BASES, type CountBasis } from '../../domain/counts';
import { DEFAULT_REPORT_LINES, docKey, type ReportLine } from '../../domain/report-line-schema';
import type { ClauseEdit } from '../../domain/report-text';
import type { TaxonomyDocName } from '../../domain/taxonomy-merge';
import { ValidationError } from '../db/errors';
import { readMetas, writeMeta } from '../db/meta-values';
import { readStorageStatus, storageWarnings, type StorageStatus } from '../db/storage-status';
import { i18n, loadLocale, type Locale } from '../i18n';
import { useVantLocale } from '../i18n/vant-locale';

/** Meta keys of the settings. */
export const SETTINGS_KEYS = { locale: 'locale', taxonomy: 'taxonomy', taxonomyPending: 'taxonomyPending', countBasis: 'countBasis' } as const;

/** Language, taxonomy and storage status; `load()` reads what meta holds. */
export const useSettingsStore = defineStore('settings', () => {
  const locale = ref<Locale>('zh-CN');
  /** The basis the person chose, or null for the default of their role (composables/useCountBasis.ts). */
  const countBasis = ref<CountBasis | null>(null);
  const taxonomy = shallowRef<Taxonomy>(DEFAULT_TAXONOMY);
  /** `list:code` of entries edited on this phone that the server has not accepted yet. */
  const taxonomyPending = shallowRef<ReadonlySet<string>>(new Set());
  /** Counts local taxonomy edits (taxonomy-sync watches it to send them). */
  const taxonomyEdits = ref(0);
  const storage = ref<StorageStatus>({ persisted: null, usage: null, quota: null });
  const warnings = computed(() => storageWarnings(storage.value));

  let loading: Promise<void> | null = null;
  /** Reads settings from meta (once); also asks the browser, in the background, to keep our storage. */
  function load(): Promise<void> {
    loading ??= (async () => {
      void refreshStorage(true).catch(() => undefined);
      const [l, t, p, b] = await readMetas([SETTINGS_KEYS.locale, SETTINGS_KEYS.taxonomy, SETTINGS_KEYS.taxonomyPending, SETTINGS_KEYS.countBasis]);
      // A basis chosen while this read ran wins over the stored one.
      if (countBasis.value === null && COUNT_BASES.includes(b as CountBasis)) countBasis.value = b as CountBasis;
      if (l === 'zh-CN' || l === 'en') await applyLocale(l).catch(() => undefined);
      const parsed = v.safeParse(taxonomySchema, t);
      if (parsed.success) taxonomy.value = parsed.output;
      if (Array.isArray(p)) taxonomyPending.value = new Set(p.filter((x: unknown): x is string => typeof x === 'string'));
    })();
    return loading;
  }

  /** Switches the UI, Vant's own words included, once the language's words are loaded (English loads on first use). */
  async function applyLocale(l: Locale): Promise<void> {
    await Promise.all([loadLocale(l), useVantLocale(l)]);
    locale.value = l;
    (i18n.global.locale as unknown as Ref<Locale>).value = l;
    if (typeof document !== 'undefined') document.documentElement.lang = l;
  }
  async function setLocale(l: Locale): Promise<void> {
    await applyLocale(l);
    await writeMeta(SETTINGS_KEYS.locale, l);
  }

  /** Chooses the counting basis for every screen, and keeps it across reloads. */
  async function setCountBasis(b: CountBasis): Promise<void> {
    if (!COUNT_BASES.includes(b)) throw new ValidationError([{ field: 'countBasis', code: 'invalid' }]);
    countBasis.value = b;
    await writeMeta(SETTINGS_KEYS.countBasis, b);
  }

  async function saveTaxonomy(next: Taxonomy): Promise<void> {
    const r = v.safeParse(taxonomySchema, next);
    if (!r.success) throw new ValidationError(toProblems(r.issues));
    await writeMeta(SETTINGS_KEYS.taxonomy, r.output);
    taxonomy.value = r.output;
  }
  async function setPending(next: ReadonlySet<string>): Promise<void> {
    await writeMeta(SETTINGS_KEYS.taxonomyPending, [...next]);
    taxonomyPending.value = next;
  }
  /** Taxonomy writes run one at a time, so an edit and an adoption never interleave. */
  let taxonomyChain: Promise<unknown> = Promise.resolve();
  function oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
    const run = taxonomyChain.then(fn, fn);
    taxonomyChain = run.catch(() => undefined);
    return run;
  }
  function editList(list: TaxonomyListName, code: string, edit: (entries: TaxonomyEntry[]) => TaxonomyEntry[]): Promise<void> {
    return oneAtATime(async () => {
      await saveTaxonomy({ ...taxonomy.value, [list]: edit([...taxonomy.value[list]]) });
      await setPending(new Set([...taxonomyPending.value, `${list}:${code}`]));
      taxonomyEdits.value += 1;
    });
  }
  /**
   * Adopts a taxonomy from the server (taxonomy-sync), not counted as a local edit. `decide` runs
   * against the latest local taxonomy and pending keys (no edit can slip in between) and names the
   * pending keys the server now has (`accepted`), which leave the pending set.
   */
  function adoptTaxonomy(
    decide: Taxonomy | ((local: Taxonomy, pending: ReadonlySet<string>) => { taxonomy: Taxonomy; accepted?: Iterable<string> }),
  ): Promise<void> {
    return oneAtATime(async () => {
      const d = typeof decide === 'function' ? decide(taxonomy.value, taxonomyPending.value) : { taxonomy: decide };
      await saveTaxonomy(d.taxonomy);
      const done = new Set(d.accepted ?? []);
      if (done.size) await setPending(new Set([...taxonomyPending.value].filter((k) => !done.has(k))));
    });
  }
  function mustHave(list: TaxonomyListName, code: string): void {
    if (!taxonomy.value[list].some((e) => e.code === code)) throw new ValidationError([{ field: `${list}.code`, code: 'unknownCode' }]);
  }
  /** Adds an entry; without a code one is made from the clock (codes never change once stored). */
  function addEntry(list: TaxonomyListName, entry: { zh: string; en?: string; code?: string }): Promise<void> {
    const code = entry.code ?? `c-${Date.now().toString(36)}-${crypto.getRandomValues(new Uint16Array(1))[0]!.toString(36)}`;
    return editList(list, code, (xs) => [...xs, { code, zh: entry.zh, ...(entry.en ? { en: entry.en } : {}) }]);
  }
  async function renameEntry(list: TaxonomyListName, code: string, zh: string, en?: string): Promise<void> {
    mustHave(list, code);
    await editList(list, code, (xs) => xs.map((e) => (e.code === code ? { ...e, zh, ...(en !== undefined ? { en } : {}) } : e)));
  }
  async function retireEntry(list: TaxonomyListName, code: string, retired = true): Promise<void> {
    mustHave(list, code);
    await editList(list, code, (xs) => xs.map((e) => (e.code === code ? { ...e, retired } : e)));
  }
  /** The org's report lines (统计口径): its own set once staff saved one, else the default eight. */
  const reportLines = computed<readonly ReportLine[]>(() => taxonomy.value.reportLines ?? DEFAULT_REPORT_LINES);
  /** The narrative clauses staff edited, every year. */
  const clauseEdits = computed<readonly ClauseEdit[]>(() => taxonomy.value.clauseEdits ?? []);
  function editDoc<K extends TaxonomyDocName>(part: K, next: NonNullable<Taxonomy[K]>): Promise<void> {
    return oneAtATime(async () => {
      await saveTaxonomy({ ...taxonomy.value, [part]: next });
      await setPending(new Set([...taxonomyPending.value, docKey(part)]));
      taxonomyEdits.value += 1;
    });
  }
  /** Saves the whole ordered set of report lines (validated: a bad line throws ValidationError, nothing changes). */
  function saveReportLines(lines: readonly ReportLine[]): Promise<void> {
    return editDoc('reportLines', [...lines]);
  }
  /** Keeps a staff edit of a clause for its year; an empty text removes the edit (back to the generated text). */
  function saveClauseEdit(edit: ClauseEdit): Promise<void> {
    const rest = clauseEdits.value.filter((e) => !(e.year === edit.year && e.key === edit.key));
    return editDoc('clauseEdits', edit.text.trim() === '' ? rest : [...rest, edit]);
  }
  async function resetTaxonomy(): Promise<void> {
    await saveTaxonomy(DEFAULT_TAXONOMY);
  }

  async function refreshStorage(requestPersist = false): Promise<StorageStatus> {
    storage.value = await readStorageStatus(globalThis.navigator?.storage, requestPersist);
    return storage.value;
  }

  return {
    locale,
    countBasis,
    setCountBasis,
    taxonomy,
    taxonomyPending,
    taxonomyEdits,
    storage,
    warnings,
    load,
    setLocale,
    addEntry,
    renameEntry,
    retireEntry,
    resetTaxonomy,
    adoptTaxonomy,
    reportLines,
    clauseEdits,
    saveReportLines,
    saveClauseEdit,
    refreshStorage,
  };
});
