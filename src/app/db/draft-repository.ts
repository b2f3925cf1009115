/**
 * The draft box (草稿箱): every unfinished form, kept on every change so a phone call, a killed tab
 * or a dead battery loses nothing, and kept on purpose (存为草稿). A draft is keyed by the id of the
 * event it will become: a new event's form takes an id when it opens (so each form has its own
 * draft, and a double-tapped save stores one event), an edit uses the event's id. Drafts stay on
 * the phone (never synced) and go when their event is saved or the person throws them away.
 */
import type { Transaction } from 'dexie';
import type { EventContent } from '../../domain/event';
import { createUuidV7, isUuid } from '../../domain/ids';
import type { DraftMode, DraftRow, LedgerDb } from './ledger-db';

/** The key of the single new-event draft before the draft box (schema versions 1 and 2). */
export const LEGACY_NEW_DRAFT_KEY = 'new';
/** Where versions 1 and 2 kept the id of that draft's event. */
const LEGACY_NEW_DRAFT_ID_KEY = 'draft-event-id:new';

/** A draft's size limit (its JSON), far above any form within the event's own limits. */
export const DRAFT_MAX_CHARS = 256 * 1024;

/** A draft over DRAFT_MAX_CHARS: nothing is written. */
export class DraftTooLargeError extends Error {
  override name = 'DraftTooLargeError';
}

/** Saves (replaces) the draft under `key` (the id of the event it will become). */
export async function saveDraft(db: LedgerDb, key: string, content: EventContent, now: number, mode: DraftMode = 'new'): Promise<DraftRow> {
  const json = JSON.stringify(content);
  if (json.length > DRAFT_MAX_CHARS) throw new DraftTooLargeError(`draft of ${json.length} characters`);
  const row: DraftRow = { key, mode, content: JSON.parse(json) as EventContent, savedAt: new Date(now).toISOString() };
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

/** Moves a draft to another key in one transaction (a draft whose id is taken gets a fresh one). */
export async function rekeyDraft(db: LedgerDb, from: string, to: string): Promise<void> {
  await db.transaction('rw', db.drafts, async () => {
    const row = await db.drafts.get(from);
    if (!row) return;
    await db.drafts.delete(from);
    await db.drafts.put({ ...row, key: to });
  });
}

/** Every draft in the box, last touched first. */
export async function listDrafts(db: LedgerDb): Promise<DraftRow[]> {
  const rows = await db.drafts.toArray();
  return rows.sort((a, b) => b.savedAt.localeCompare(a.savedAt) || a.key.localeCompare(b.key));
}

/** Whether a draft was made by the new-event form (rows before the box had no mode: 'new' was the key). */
export function isNewEventDraft(row: DraftRow): boolean {
  return row.mode ? row.mode === 'new' : row.key === LEGACY_NEW_DRAFT_KEY;
}

/** A draft key the new-event form can save under: a UUID that no stored event has. */
export async function isFreeEventId(db: LedgerDb, key: string): Promise<boolean> {
  return isUuid(key) && (await db.events.get(key)) === undefined;
}

/**
 * Schema version 3: the single new-event draft ('new', its event id in meta) joins the box under
 * that id, or a fresh one when it is missing or already saved as an event (nothing typed is
 * dropped); drafts of edits are marked as such.
 */
export async function moveDraftsIntoBox(tx: Transaction): Promise<void> {
  const drafts = tx.table<DraftRow, string>('drafts');
  const meta = tx.table<{ key: string; value: unknown }, string>('meta');
  const rows = await drafts.toArray();
  const idRow = await meta.get(LEGACY_NEW_DRAFT_ID_KEY);
  for (const row of rows) {
    if (row.key !== LEGACY_NEW_DRAFT_KEY) {
      await drafts.put({ ...row, mode: 'edit' });
      continue;
    }
    let id = typeof idRow?.value === 'string' ? idRow.value : '';
    if (!isUuid(id) || (await tx.table('events').get(id)) !== undefined || (await drafts.get(id)) !== undefined) {
      id = createUuidV7(Date.now(), crypto.getRandomValues(new Uint8Array(16)));
    }
    await drafts.delete(row.key);
    await drafts.put({ ...row, key: id, mode: 'new' });
  }
  await meta.delete(LEGACY_NEW_DRAFT_ID_KEY);
}
