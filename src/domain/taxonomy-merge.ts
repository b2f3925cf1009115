/**
 * The org-level taxonomy: rules shared by the server (PUT /api/org/taxonomy) and the phone
 * (stores/taxonomy-sync.ts). Pure: no IO, no clock.
 *
 * A code, once in the org's taxonomy, stays there for good (events keep pointing at it); entries
 * may be added, renamed and retired.
 */
import type { Problem } from './problems.js';
import { docKey } from './report-line-schema.js';
import { TAXONOMY_LISTS, type Taxonomy, type TaxonomyEntry, type TaxonomyListName } from './taxonomy.js';

/** `list:code`, the key of one entry across lists. */
export type EntryKey = `${TaxonomyListName}:${string}`;

/**
 * The parts of the org document that are not lists of entries — the report lines and the clause
 * edits — each merged whole: the pending key `doc:<part>` marks a local edit not yet accepted.
 */
export const TAXONOMY_DOCS = ['reportLines', 'clauseEdits'] as const;
export type TaxonomyDocName = (typeof TAXONOMY_DOCS)[number];
export { docKey };

export function entryKey(list: TaxonomyListName, code: string): EntryKey {
  return `${list}:${code}`;
}

/** Every code of `prev` missing from `next`, as problems `{field: '<list>', code: 'removedCode:<code>'}`. */
export function removedCodes(prev: Taxonomy, next: Taxonomy): Problem[] {
  const problems: Problem[] = [];
  for (const list of TAXONOMY_LISTS) {
    const kept = new Set(next[list].map((e) => e.code));
    for (const e of prev[list]) if (!kept.has(e.code)) problems.push({ field: list, code: `removedCode:${e.code}` });
  }
  return problems;
}

export interface TaxonomyMerge {
  taxonomy: Taxonomy;
  /** The merged taxonomy differs from the server's (local-only codes, or pending local edits). */
  aheadOfServer: boolean;
}

function sameEntry(a: TaxonomyEntry, b: TaxonomyEntry): boolean {
  return a.code === b.code && a.zh === b.zh && (a.en ?? null) === (b.en ?? null) && !!a.retired === !!b.retired;
}

/**
 * Merges the server's taxonomy with the phone's: the server wins for every code it has, except
 * codes in `pending` (edited on this phone and not yet accepted by the server), where the phone's
 * entry wins. Codes only the phone has are kept, after the server's entries, in the phone's order.
 */
export function mergeTaxonomy(server: Taxonomy, local: Taxonomy, pending: ReadonlySet<string> = new Set()): TaxonomyMerge {
  const out = {} as Record<TaxonomyListName, TaxonomyEntry[]>;
  let ahead = false;
  for (const list of TAXONOMY_LISTS) {
    const mine = new Map(local[list].map((e) => [e.code, e]));
    const theirs = new Set(server[list].map((e) => e.code));
    const merged: TaxonomyEntry[] = server[list].map((e) => {
      const l = mine.get(e.code);
      if (l && pending.has(entryKey(list, e.code)) && !sameEntry(l, e)) {
        ahead = true;
        return l;
      }
      return e;
    });
    for (const e of local[list]) {
      if (!theirs.has(e.code)) {
        merged.push(e);
        ahead = true;
      }
    }
    out[list] = merged;
  }
  const docs: Partial<Pick<Taxonomy, TaxonomyDocName>> = {};
  for (const part of TAXONOMY_DOCS) {
    const theirs = server[part];
    const mine = local[part];
    // The phone's version wins while its edit is pending, and when the server has none yet.
    const useMine = mine !== undefined && ((pending.has(docKey(part)) && JSON.stringify(mine) !== JSON.stringify(theirs)) || theirs === undefined);
    if (useMine) ahead = true;
    const value = useMine ? mine : theirs;
    if (value !== undefined) (docs as Record<string, unknown>)[part] = value;
  }
  return { taxonomy: { ...(out as Taxonomy), ...docs }, aheadOfServer: ahead };
}
