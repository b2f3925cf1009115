/**
 * Import of historical events into the ledger: the rows event-import.ts accepted go through
 * repo.createEvents, one transaction with their outbox mutations, so they sync like any other
 * event. All or nothing by default: any bad row and nothing is written, unless the user chose
 * to import the good rows only.
 */
import type { EventStatus } from '../../domain/event';
import type { ImportResult } from '../../domain/event-import';
import type { EventRepository } from '../db/event-repository';
import type { EventRow } from '../db/ledger-db';

/** all: refuse the file if any row is bad; goodOnly: write the good rows and skip the bad. */
export type ImportMode = 'all' | 'goodOnly';

/** What an import did. */
export type ImportOutcome =
  | { written: true; events: EventRow[]; skippedRows: number[] }
  | { written: false; reason: 'problems' | 'nothingToImport' };

/** Writes the accepted rows with the chosen status (e.g. reviewed for staff's own historical records). */
export async function importEvents(
  repo: Pick<EventRepository, 'createEvents' | 'newEventId'>,
  result: ImportResult,
  status: EventStatus,
  mode: ImportMode,
): Promise<ImportOutcome> {
  const badRows = [...new Set(result.problems.map((p) => p.row))].sort((a, b) => a - b);
  if (badRows.includes(1)) return { written: false, reason: 'problems' };
  if (badRows.length > 0 && mode === 'all') return { written: false, reason: 'problems' };
  if (result.items.length === 0) return { written: false, reason: 'nothingToImport' };
  const events = await repo.createEvents(result.items.map((item) => ({ id: repo.newEventId(), content: item.content, status })));
  return { written: true, events, skippedRows: badRows };
}
