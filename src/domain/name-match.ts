/**
 * What people type for a coded value, matched to the code: a township (平山, 巽寮, 巽寮度假区),
 * a village (南湖 for 南湖社区居民委员会) or a taxonomy entry (科普小册子 for 小册子). The region
 * pack and the taxonomy are the data; this file only knows how Chinese names are written:
 *
 * 1. exact: the same name once normalised (NFKC folds full-width letters and brackets, spaces go,
 *    variant characters of the official tables fold to the common ones, Latin is lower-cased);
 * 2. core: for place names, the name without its administrative suffix (街道, 镇, 度假区 …) and
 *    without the county in front, when the typed suffix, if any, is of the same kind (巽寮度假区
 *    is the resort, but 梁化林场 is not 梁化镇: a forest farm is a unit of its own);
 * 3. contained: for taxonomy labels, one label inside the typed text or the text inside one
 *    label (科普小册子 holds 小册子) — only when exactly one entry fits.
 *
 * Steps 2 and 3 are "close" matches: the import says how it read them. Two or more fits are
 * never guessed between; the caller reports them with the candidates.
 */
import type { RegionPack, TownshipUnit } from './region.js';
import { villageShortName } from './region.js';
import type { Taxonomy, TaxonomyListName } from './taxonomy.js';
import { commonFormOf } from './variant-chars.js';

/** Administrative suffixes of township-level units and the kind each names, longest first. */
const UNIT_SUFFIXES: readonly (readonly [string, string])[] = [
  ['街道办事处', 'subdistrict'],
  ['街道办', 'subdistrict'],
  ['街道', 'subdistrict'],
  ['镇人民政府', 'town'],
  ['乡人民政府', 'town'],
  ['民族乡', 'town'],
  ['镇', 'town'],
  ['乡', 'town'],
  ['滨海旅游度假区', 'resort'],
  ['旅游度假区', 'resort'],
  ['度假区', 'resort'],
  ['旅游区', 'resort'],
  ['省级自然保护区', 'reserve'],
  ['自然保护区', 'reserve'],
  ['保护区', 'reserve'],
  ['林场', 'forest'],
  ['农场', 'farm'],
  ['产业转移园', 'park'],
  ['产业园', 'park'],
  ['工业园', 'park'],
  ['开发区', 'park'],
  ['园区', 'park'],
];

/** Suffixes of villages and communities (村/社区) and the kind each names, longest first. */
const VILLAGE_SUFFIXES: readonly (readonly [string, string])[] = [
  ['社区居民委员会', 'community'],
  ['居民委员会', 'community'],
  ['居委会', 'community'],
  ['社区', 'community'],
  ['生活区', 'community'],
  ['村民委员会', 'village'],
  ['村委会', 'village'],
  ['村', 'village'],
];

/** A name as compared: NFKC, no spaces, common characters for variants, Latin lower-cased. */
export function normalizeName(text: string): string {
  let s = text.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  return commonFormOf(s);
}

/** How a typed value matched: exactly, closely (say how it was read), several fits, or none. */
export type NameMatch<T> =
  | { readonly kind: 'exact'; readonly value: T; readonly label: string }
  | { readonly kind: 'close'; readonly value: T; readonly label: string }
  | { readonly kind: 'ambiguous'; readonly labels: readonly string[] }
  | { readonly kind: 'none' };

interface Core {
  readonly core: string;
  /** The kind of the innermost suffix taken off, null when there was none. */
  readonly kind: string | null;
}

/** Takes suffixes off the end while at least two characters stay (平山街道 → 平山, kind subdistrict). */
function coreOf(normalized: string, suffixes: readonly (readonly [string, string])[]): Core {
  let core = normalized;
  let kind: string | null = null;
  for (let again = true; again;) {
    again = false;
    for (const [suffix, k] of suffixes) {
      if (core.endsWith(suffix) && core.length - suffix.length >= 2) {
        core = core.slice(0, -suffix.length);
        kind = k;
        again = true;
        break;
      }
    }
  }
  return { core, kind };
}

/** The text after the county's name, when it starts with a prefix that ends with it (广东省惠州市惠东县平山 → 平山). */
function withoutCounty(normalized: string, county: string): string {
  if (county.length < 2) return normalized;
  const at = normalized.indexOf(county);
  return at >= 0 && normalized.length > at + county.length ? normalized.slice(at + county.length) : normalized;
}

interface Candidate<T> {
  readonly value: T;
  readonly label: string;
  /** Normalised names that match exactly. */
  readonly names: readonly string[];
  /** Cores for the close step of place names. */
  readonly cores: readonly Core[];
}

/** Exactly one distinct value among the hits, else the labels of all of them. */
function decide<T>(hits: readonly Candidate<T>[], kind: 'exact' | 'close'): NameMatch<T> | null {
  const distinct = [...new Map(hits.map((h) => [h.value, h])).values()];
  if (distinct.length === 0) return null;
  if (distinct.length === 1) return { kind, value: distinct[0]!.value, label: distinct[0]!.label };
  return { kind: 'ambiguous', labels: distinct.map((h) => h.label) };
}

function matchPlace<T>(candidates: readonly Candidate<T>[], text: string, county: string, suffixes: readonly (readonly [string, string])[]): NameMatch<T> {
  const n = normalizeName(text);
  if (n === '') return { kind: 'none' };
  const exact = decide(
    candidates.filter((c) => c.names.includes(n)),
    'exact',
  );
  if (exact) return exact;
  const typed = coreOf(withoutCounty(n, county), suffixes);
  const close = decide(
    candidates.filter((c) => c.cores.some((k) => k.core === typed.core && (typed.kind === null || typed.kind === k.kind))),
    'close',
  );
  return close ?? { kind: 'none' };
}

/** What a township matcher offers: the match and the names to list when nothing fits. */
export interface PlaceMatcher {
  match(text: string): NameMatch<string>;
  readonly allowed: readonly string[];
}

/** Matches township-level units of a pack by code, name, short name or core (巽寮 → 巺寮滨海旅游度假区). */
export function townshipMatcher(pack: RegionPack): PlaceMatcher {
  const county = normalizeName(pack.meta.name);
  const candidates = pack.townships.map((u: TownshipUnit): Candidate<string> => {
    const name = normalizeName(u.name);
    const short = normalizeName(u.shortName);
    const names = [u.code, u.code.slice(0, 9), name, short, name.replace(/(街道|镇|乡)$/, '')];
    return {
      value: u.code,
      label: u.name,
      names,
      cores: [coreOf(withoutCounty(name, county), UNIT_SUFFIXES), coreOf(withoutCounty(short, county), UNIT_SUFFIXES)],
    };
  });
  return {
    match: (text) => matchPlace(candidates, text, county, UNIT_SUFFIXES),
    allowed: pack.townships.map((u) => u.name),
  };
}

/** A village matched within its township; `elsewhere` when the name is a village of another one. */
export type VillageMatch = NameMatch<string> | { readonly kind: 'elsewhere'; readonly labels: readonly string[] };

/** What a village matcher offers: the match within a township and that township's village names. */
export interface VillageMatcher {
  match(townshipCode: string, text: string): VillageMatch;
  allowed(townshipCode: string): readonly string[];
}

/** Matches villages of a pack by code, official name, short name (南湖社区) or core (南湖), township first. */
export function villageMatcher(pack: RegionPack): VillageMatcher {
  const county = normalizeName(pack.meta.name);
  const byTownship = new Map<string, Candidate<string>[]>();
  const all: Candidate<string>[] = [];
  for (const v of pack.villages) {
    const name = normalizeName(v.name);
    const display = normalizeName(villageShortName(v));
    const c: Candidate<string> = {
      value: v.code,
      label: villageShortName(v),
      names: [v.code, name, display],
      cores: [coreOf(name, VILLAGE_SUFFIXES), coreOf(display, VILLAGE_SUFFIXES)],
    };
    all.push(c);
    const list = byTownship.get(v.townshipCode) ?? [];
    list.push(c);
    byTownship.set(v.townshipCode, list);
  }
  return {
    match(townshipCode, text) {
      const here = matchPlace(byTownship.get(townshipCode) ?? [], text, county, VILLAGE_SUFFIXES);
      if (here.kind !== 'none') return here;
      const there = matchPlace(all, text, county, VILLAGE_SUFFIXES);
      if (there.kind === 'exact' || there.kind === 'close') return { kind: 'elsewhere', labels: [there.label] };
      if (there.kind === 'ambiguous') return { kind: 'elsewhere', labels: there.labels };
      return there;
    },
    allowed: (townshipCode) => (byTownship.get(townshipCode) ?? []).map((c) => c.label),
  };
}

/**
 * The names a taxonomy label also goes by: each side of a slash (科普讲座/报告会 → 科普讲座,
 * 报告会) and, for a bracketed optional part, each reading of it (村(居)民 → 村民, 村居民, 居民:
 * the bracket offers its word in place of the one before it).
 */
function labelAliases(label: string): string[] {
  const n = normalizeName(label);
  const out = new Set([n]);
  if (n.includes('/')) for (const part of n.split('/')) if (part.length >= 2) out.add(part);
  const m = /^(.*?)(.)\((.+?)\)(.*)$/.exec(n);
  if (m) {
    const [, before, last, inner, after] = m as unknown as [string, string, string, string, string];
    out.add(before + last + after);
    out.add(before + last + inner + after);
    out.add(before + inner + after);
  }
  return [...out];
}

/** What a taxonomy matcher offers: the match and the labels of entries still in use. */
export interface CodeMatcher {
  match(text: string): NameMatch<string>;
  readonly allowed: readonly string[];
}

/** Matches a taxonomy list's entries by code, Chinese or English label, alias, or containment. */
export function taxonomyMatcher(taxonomy: Taxonomy, list: TaxonomyListName): CodeMatcher {
  const entries = taxonomy[list];
  const candidates = entries.map((e): Candidate<string> & { retired: boolean } => ({
    value: e.code,
    label: e.zh,
    names: [e.code, ...labelAliases(e.zh), ...(e.en ? [normalizeName(e.en)] : [])],
    cores: [],
    retired: e.retired === true,
  }));
  const inUse = candidates.filter((c) => !c.retired);
  return {
    match(text) {
      const n = normalizeName(text);
      if (n === '') return { kind: 'none' };
      // Retired entries still match exactly: an old table names what old events used.
      const exact = decide(
        candidates.filter((c) => c.names.includes(n)),
        'exact',
      );
      if (exact) return exact;
      if (n.length < 2) return { kind: 'none' };
      const fits = inUse.filter((c) => c.names.some((a) => /\p{Script=Han}/u.test(a) && a.length >= 2 && (n.includes(a) || a.includes(n))));
      return decide(fits, 'close') ?? { kind: 'none' };
    },
    allowed: inUse.map((c) => c.label),
  };
}
