/**
 * Import of historical events into the ledger (app/import: the import dialog's logic; the
 * export writers live in app/export). A file is read (read-table.ts) and
 * checked (checkImportFile): the rows domain/event-import.ts accepted, checked
 * against the ledger (domain/import-plan.ts: 已存在 rows are skipped, rows of an undone import
 * revive their events), then written through repo.createEvents, one transaction with their
 * outbox mutations, so they sync like any other event. Every event written names its batch
 * (event.importBatch), which staff see and can undo as one unit on any device. All or nothing by
 * default: any bad row and nothing is written, unless the user chose the good rows only.
 */
import type { EventStatus, ImportBatchRef } from '../../domain/event';
import { readImportTable, type ImportResult } from '../../domain/event-import';
import { lookupIdsOf, planImportItems, type PlannedImportItem } from '../../domain/import-plan';
import type { RegionPack } from '../../domain/region';
import type { Taxonomy } from '../../domain/taxonomy';
import { toZonedIso } from '../../domain/year';
import type { EventRepository } from '../db/event-repository';
import type { EventRow } from '../db/ledger-db';
import { readTableFile, type ReadTableFailure, type TableSource } from './read-table';

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

/** A file read and checked: where its rows came from, every row's verdict and its plan against the ledger. */
export type CheckedImport =
  { ok: true; source: TableSource; result: ImportResult; plan: PlannedImportItem[] } | { ok: false; code: ReadTableFailure; cause?: unknown };

/**
 * Reads a chosen file (CSV, tab-separated text or XLSX) and checks every row with the form's own
 * validation (domain/event-import.ts) and against the ledger (planImport). A file that cannot be
 * read is an answer, not an exception; a failing database throws.
 */
export async function checkImportFile(
  file: Blob & { name?: string },
  repo: Pick<Repo, 'getEvents' | 'eventsInMonthsOf'>,
  ctx: { taxonomy: Taxonomy; pack: RegionPack; orgId: string; now: number },
): Promise<CheckedImport> {
  const read = await readTableFile(file);
  if (!read.ok) return { ok: false, code: read.code, ...(read.cause !== undefined ? { cause: read.cause } : {}) };
  const result = readImportTable(read.rows, { taxonomy: ctx.taxonomy, pack: ctx.pack, timeZone: ctx.pack.meta.timeZone, now: ctx.now });
  return { ok: true, source: read.source, result, plan: await planImport(repo, result, ctx.orgId) };
}

/** A new import batch: a fresh UUID v7 like an event's (the repository's generator serves both), the file, when, by whom. */
export function newImportBatch(repo: Pick<EventRepository, 'newEventId'>, fileName: string, now: number, timeZone: string, by: string): ImportBatchInfo {
  return { id: repo.newEventId(), file: fileName.slice(0, 200), at: toZonedIso(now, timeZone), by: by.slice(0, 64) };
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
