/**
 * The import batches (导入批次) a ledger holds, read off the events: each imported event names
 * its batch (event.importBatch), so every device that holds the events sees the same batches
 * and can undo one as a unit. Pure.
 */
import type { ImportBatchRef, LedgerEvent } from './event.js';

/** active: every event of the batch is live; undone: all deleted; partial: some of each. */
export type ImportBatchState = 'active' | 'partial' | 'undone';

/** One batch as staff see it: file, who and when, how many rows, which events. */
export interface ImportBatchSummary {
  readonly id: string;
  readonly file: string;
  readonly at: string;
  /** The importer's name as it was at import time ('' if unknown). */
  readonly by: string;
  /** The importer's user id ('' before anyone signed in). */
  readonly createdBy: string;
  readonly rows: number;
  readonly liveIds: readonly string[];
  readonly deletedIds: readonly string[];
  readonly state: ImportBatchState;
}

type Imported = Pick<LedgerEvent, 'id' | 'deleted' | 'createdBy'> & { readonly importBatch?: ImportBatchRef | null };

/** Groups imported events by batch, newest first (events without a batch are left out). */
export function importBatchesOf(events: readonly Imported[]): ImportBatchSummary[] {
  const groups = new Map<string, { ref: ImportBatchRef; createdBy: string; live: string[]; deleted: string[] }>();
  for (const e of events) {
    const ref = e.importBatch;
    if (!ref) continue;
    let g = groups.get(ref.id);
    if (!g) groups.set(ref.id, (g = { ref, createdBy: e.createdBy, live: [], deleted: [] }));
    (e.deleted ? g.deleted : g.live).push(e.id);
  }
  return [...groups.values()]
    .map(({ ref, createdBy, live, deleted }): ImportBatchSummary => ({
      id: ref.id,
      file: ref.file,
      at: ref.at,
      by: ref.by,
      createdBy,
      rows: live.length + deleted.length,
      liveIds: live,
      deletedIds: deleted,
      state: deleted.length === 0 ? 'active' : live.length === 0 ? 'undone' : 'partial',
    }))
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || b.id.localeCompare(a.id));
}
