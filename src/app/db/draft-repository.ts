/**
 * Form drafts: the edit form saves its content on every change, so a phone call, a killed tab or a
 * dead battery loses nothing; the form restores it on return and clears it after a save.
 */
import type { EventContent } from '../../domain/event';
import type { DraftRow, LedgerDb } from './ledger-db';

/** The draft key of the new-event form. */
export const NEW_DRAFT_KEY = 'new';

/** Saves (replaces) the draft under `key` ('new' or the id of the event being edited). */
export async function saveDraft(db: LedgerDb, key: string, content: EventContent, now: number): Promise<DraftRow> {
  const row: DraftRow = { key, content: structuredCloneable(content), savedAt: new Date(now).toISOString() };
  await db.drafts.put(row);
  return row;
}

/** The draft under `key`, or undefined when none is kept. */
export function loadDraft(db: LedgerDb, key: string): Promise<DraftRow | undefined> {
  return db.drafts.get(key);
}

/** Forgets the draft under `key` (after a save or an explicit discard). */
export async function clearDraft(db: LedgerDb, key: string): Promise<void> {
  await db.drafts.delete(key);
}

/** Strips Vue reactive proxies, which IndexedDB cannot clone, by a JSON round trip. */
function structuredCloneable(content: EventContent): EventContent {
  return JSON.parse(JSON.stringify(content)) as EventContent;
}
