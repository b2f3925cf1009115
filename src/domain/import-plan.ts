/**
 * Which rows of an import are already in the ledger (已存在), which bring back events a
 * previous import's undo deleted, and which are new. A row is already there when
 * - its 编号 names a live event (the app's own export read back), or
 * - the event its import key makes (import-key.ts) is live, or
 * - a live event has the same title, start and township (an event typed in by hand, or an
 *   earlier import of a slightly different row).
 * A row whose event exists only as a tombstone (its batch was undone) is imported again by
 * reviving that event: same id, so every device ends with one event, not a tombstone and a copy.
 *
 * Pure: the caller looks up the events the rows could meet (by id and by start time).
 */
import type { EventContent } from './event.js';
import type { ImportItem } from './event-import.js';
import { importedEventId } from './import-key.js';

/** What the duplicate check needs of a stored event. */
export type KnownEvent = Pick<EventContent, 'title' | 'startAt' | 'townshipCode'> & { readonly id: string; readonly deleted: boolean };

/** new: write it; restore: revive the tombstone of an undone import; exists: skip it. */
export type ImportRowState = 'new' | 'restore' | 'exists';

/** A good row with the id its event gets and what the import will do with it. */
export interface PlannedImportItem extends ImportItem {
  readonly id: string;
  readonly state: ImportRowState;
  /** The live event that makes it 'exists'. */
  readonly existingId: string | null;
}

/** The ids worth looking up for a set of rows: their events' ids and 编号 ids. */
export function lookupIdsOf(items: readonly ImportItem[], orgId: string): string[] {
  const ids = new Set<string>();
  for (const item of items) {
    ids.add(importedEventId(orgId, item.key));
    if (item.sourceId) ids.add(item.sourceId);
  }
  return [...ids];
}

const sameEventKey = (e: Pick<KnownEvent, 'title' | 'startAt' | 'townshipCode'>) => `${e.title.trim()}\u0000${Date.parse(e.startAt)}\u0000${e.townshipCode}`;

/** Decides each row's id and state against the known events (any superset of the ones it may meet). */
export function planImportItems(items: readonly ImportItem[], orgId: string, known: readonly KnownEvent[]): PlannedImportItem[] {
  const byId = new Map(known.map((e) => [e.id, e]));
  const live = new Map<string, string>();
  for (const e of known) if (!e.deleted && !live.has(sameEventKey(e))) live.set(sameEventKey(e), e.id);
  return items.map((item) => {
    const id = importedEventId(orgId, item.key);
    const own = byId.get(id);
    const source = item.sourceId ? byId.get(item.sourceId) : undefined;
    const existingId = (source && !source.deleted ? source.id : null) ?? (own && !own.deleted ? own.id : null) ?? live.get(sameEventKey(item.content)) ?? null;
    const state: ImportRowState = existingId !== null ? 'exists' : own ? 'restore' : 'new';
    return { ...item, id, state, existingId };
  });
}
