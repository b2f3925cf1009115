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

/**
 * The new-event form's id, kept beside its draft (meta `draft-event-id:new`): the form takes an
 * id when it opens and keeps it until the save, so a double-tapped save, or a save retried after
 * a killed tab, stores one event, not two.
 */
const NEW_DRAFT_ID_KEY = 'draft-event-id:new';

/** The id the new-event form is using, if one is kept. */
export async function loadNewDraftId(db: LedgerDb): Promise<string | null> {
  const row = await db.meta.get(NEW_DRAFT_ID_KEY);
  return typeof row?.value === 'string' ? row.value : null;
}

/** Keeps the id the new-event form is using. */
export async function saveNewDraftId(db: LedgerDb, id: string): Promise<void> {
  await db.meta.put({ key: NEW_DRAFT_ID_KEY, value: id });
}

/** Forgets it (after the save, or when the draft is discarded). */
export async function clearNewDraftId(db: LedgerDb): Promise<void> {
  await db.meta.delete(NEW_DRAFT_ID_KEY);
}
