/**
 * People's names for the files and screens that name a 填报人 or 审核人: an event stores user ids
 * (createdBy, reviewedBy), a report names people. The names come from what the phone holds: the
 * signed-in session (its own name), the staff list (GET /api/users, cached on the phone so an
 * export works offline) and the import batches of pulled rows (an import records its importer's
 * display name). A person none of these knows is written as 未知用户, never as an id.
 */
import type { LedgerEvent } from '../../domain/event';
import type { RowPeople } from './event-detail';

/** Names by user id. */
export type PeopleNames = ReadonlyMap<string, string>;

/** The meta key of the staff list cached on the phone: [id, name] pairs (people-source.ts). */
export const PEOPLE_NAMES_KEY = 'peopleNames';

/** A cached list of [id, name] pairs. */
export function isNamePairs(x: unknown): x is [string, string][] {
  return Array.isArray(x) && x.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string');
}

/** A user id the phone has no name for. */
export const UNKNOWN_PERSON = '未知用户';
/** Records made on a phone nobody had signed in on (createdBy ''). */
export const THIS_DEVICE = '本机用户（未登录）';

/** The importers' names the events carry: an imported event's author is its batch's importer. */
export function namesFromImports(events: Iterable<Pick<LedgerEvent, 'createdBy' | 'importBatch'>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of events) {
    const by = e.importBatch?.by.trim();
    if (by && e.createdBy !== '' && !out.has(e.createdBy)) out.set(e.createdBy, by);
  }
  return out;
}

/** Several sources of names in one map; an earlier source wins over a later one. */
export function mergeNames(...sources: readonly (Iterable<readonly [string, string]> | null | undefined)[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of sources) {
    if (!s) continue;
    for (const [id, name] of s) if (name.trim() !== '' && !out.has(id)) out.set(id, name.trim());
  }
  return out;
}

/** The name of a user id: '' for none (null), 本机用户 for '', 未知用户 for an id nobody named. */
export function personName(names: PeopleNames, id: string | null | undefined): string {
  if (id === null || id === undefined) return '';
  if (id === '') return THIS_DEVICE;
  return names.get(id) ?? UNKNOWN_PERSON;
}

/** 填报人 of an event. */
export function submitterName(e: Pick<LedgerEvent, 'createdBy'>, names: PeopleNames): string {
  return personName(names, e.createdBy);
}

/**
 * 审核人 of an event: who approved or returned it. An approved row imported before imports
 * recorded their reviewer has none: the importer approved it (the batch names them).
 */
export function reviewerName(e: Pick<LedgerEvent, 'status' | 'reviewedBy' | 'importBatch'>, names: PeopleNames): string {
  if (e.reviewedBy !== null) return personName(names, e.reviewedBy);
  if (e.status === 'reviewed' && e.importBatch) return e.importBatch.by.trim() || UNKNOWN_PERSON;
  return '';
}

/** 填报人 and 审核人 of a bundle's rows: its known names, then its events' import batches. */
export function peopleOf(b: { readonly names: PeopleNames; readonly events: readonly LedgerEvent[] }): RowPeople & { readonly names: PeopleNames } {
  const names = mergeNames(b.names, namesFromImports(b.events));
  return { names, submitter: (e) => submitterName(e, names), reviewer: (e) => reviewerName(e, names) };
}
