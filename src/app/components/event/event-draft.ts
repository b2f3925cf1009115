/**
 * The new-event form's id, kept beside its draft (meta `draft-event-id:new`): the form takes an
 * id when it opens and keeps it until the save, so a double-tapped save, or a save retried after a
 * killed tab, stores one event, not two.
 */
import type { LedgerDb } from '../../db/ledger-db';

const KEY = 'draft-event-id:new';

/** The id the new-event form is using, if one is kept. */
export async function loadNewDraftId(db: LedgerDb): Promise<string | null> {
  const row = await db.meta.get(KEY);
  return typeof row?.value === 'string' ? row.value : null;
}

/** Keeps the id the new-event form is using. */
export async function saveNewDraftId(db: LedgerDb, id: string): Promise<void> {
  await db.meta.put({ key: KEY, value: id });
}

/** Forgets it (after the save, or when the draft is discarded). */
export async function clearNewDraftId(db: LedgerDb): Promise<void> {
  await db.meta.delete(KEY);
}
