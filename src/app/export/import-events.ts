/**
 * Import of historical events into the ledger: the rows event-import.ts accepted, checked
 * against the ledger (domain/import-plan.ts: 已存在 rows are skipped, rows of an undone import
 * revive their events), then written through repo.createEvents, one transaction with their
 * outbox mutations, so they sync like any other event. Every event written names its batch
 * (event.importBatch), which staff see and can undo as one unit on any device. All or nothing by
 * default: any bad row and nothing is written, unless the user chose the good rows only.
 */
import type { EventStatus, ImportBatchRef } from '../../domain/event';
import type { ImportResult } from '../../domain/event-import';
import { lookupIdsOf, planImportItems, type PlannedImportItem } from '../../domain/import-plan';
import type { EventRepository } from '../db/event-repository';
import type { EventRow } from '../db/ledger-db';

/** all: refuse the file if any row is bad; goodOnly: write the good rows and skip the bad. */
export type ImportMode = 'all' | 'goodOnly';

/** The batch an import writes: its id (a new UUID), the file's name, when and by whom. */
export type ImportBatchInfo = Omit<ImportBatchRef, 'row' | 'key'>;

/** What an import did. */
export type ImportOutcome =
  | { written: true; events: EventRow[]; skippedRows: number[]; existingRows: number[]; restored: number }
  | { written: false; reason: 'problems' | 'nothingToImport' | 'allExist' };

type Repo = Pick<EventRepository, 'createEvents' | 'getEvents' | 'eventsInMonthsOf'>;

/** Each good row's event id and state (new, restore, exists) against the ledger as it is now. */
export async function planImport(repo: Pick<Repo, 'getEvents' | 'eventsInMonthsOf'>, result: ImportResult, orgId: string): Promise<PlannedImportItem[]> {
  // The months the rows start in hold every event a row can match by start time, whatever
  // offset its start was written with.
  const [byId, byMonth] = await Promise.all([
    repo.getEvents(lookupIdsOf(result.items, orgId)),
    repo.eventsInMonthsOf(result.items.map((i) => i.content.startAt)),
  ]);
  return planImportItems(result.items, orgId, [...byId, ...byMonth]);
}

/**
 * Writes the rows that are not already in the ledger, with the chosen status (e.g. reviewed for
 * staff's own historical records), as one batch. The plan is made again here, inside the same
 * call, so rows that arrived by sync since the preview are still skipped.
 */
export async function importEvents(
  repo: Repo,
  result: ImportResult,
  options: { status: EventStatus; mode: ImportMode; orgId: string; batch: ImportBatchInfo },
): Promise<ImportOutcome> {
  const badRows = [...new Set(result.problems.map((p) => p.row))].sort((a, b) => a - b);
  if (badRows.includes(1)) return { written: false, reason: 'problems' };
  if (badRows.length > 0 && options.mode === 'all') return { written: false, reason: 'problems' };
  if (result.items.length === 0) return { written: false, reason: 'nothingToImport' };
  const plan = await planImport(repo, result, options.orgId);
  const todo = plan.filter((p) => p.state !== 'exists');
  const existingRows = plan.filter((p) => p.state === 'exists').map((p) => p.row);
  if (todo.length === 0) return { written: false, reason: 'allExist' };
  const events = await repo.createEvents(
    todo.map((p) => ({ id: p.id, content: p.content, status: options.status, importBatch: { ...options.batch, row: p.row, key: p.key } })),
    { revive: true },
  );
  return { written: true, events, skippedRows: badRows, existingRows, restored: todo.filter((p) => p.state === 'restore').length };
}
