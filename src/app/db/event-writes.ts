/**
 * The one write path of event rows. Every writer — the form and the review (event-repository),
 * imports (the same repository), sync (DexieLocalStore: pulls, discarded rejections) and the
 * backup restore (ledger-backup) — stores events through here, so two things hold whoever wrote:
 * - a row's calendar keys (`year`, `ym`, in the region's zone) are made from its startAt here and
 *   nowhere else (eventRowOf);
 * - the year totals change in the same transaction as the rows (year-totals.ts): batch writers
 *   fold the change into the totals rows, the save path logs it as one row (no read first).
 */
import type { LedgerEvent } from '../../domain/event';
import { yearMonthOf, yearOf } from '../../domain/year';
import type { EventRow, LedgerDb } from './ledger-db';
import { request } from './native-write';
import { applyTotalsDelta, totalsLogRows, type TotalsChange } from './year-totals';

/** An event as it is kept, without its calendar keys: the record and the server's signature. */
export type StoredEvent = LedgerEvent & { sig?: string };

/** One event write: the row stored before (absent for a new event) and the event after (null removes it). */
export interface EventWrite {
  readonly before: EventRow | null | undefined;
  readonly after: StoredEvent | null;
}

/** The stored row of an event: its record with the calendar keys of its start in `timeZone`. */
export function eventRowOf(e: StoredEvent, timeZone: string): EventRow {
  const { year: _y, ym: _m, ...record } = e as StoredEvent & { year?: number; ym?: string };
  return { ...record, year: yearOf(e.startAt, timeZone), ym: yearMonthOf(e.startAt, timeZone) };
}

/** The record of a stored row: calendar keys and signature stripped (what the wire and backups carry). */
export function recordOfRow(row: EventRow): LedgerEvent {
  const { year: _y, ym: _m, sig: _s, ...record } = row;
  return record;
}

function rowsOf(writes: readonly EventWrite[], timeZone: string): { rows: EventRow[]; removed: string[]; totals: TotalsChange[] } {
  const rows: EventRow[] = [];
  const removed: string[] = [];
  const totals: TotalsChange[] = [];
  for (const w of writes) {
    const after = w.after ? eventRowOf(w.after, timeZone) : null;
    if (after) rows.push(after);
    else if (w.before) removed.push(w.before.id);
    totals.push({ before: w.before, after });
  }
  return { rows, removed, totals };
}

/**
 * Writes events and folds their change into the year totals, for batch writers. Must run inside
 * the caller's Dexie 'rw' transaction over `events` and `totals`. A write of an id that appears
 * twice must carry, as `before`, the row the earlier write left (the totals add up in order).
 * Answers the stored rows, in order (removals left out).
 */
export async function writeEvents(db: LedgerDb, writes: readonly EventWrite[], timeZone: string): Promise<EventRow[]> {
  const { rows, removed, totals } = rowsOf(writes, timeZone);
  await Promise.all([rows.length ? db.events.bulkPut(rows) : null, removed.length ? db.events.bulkDelete(removed) : null, applyTotalsDelta(db, totals)]);
  return rows;
}

/**
 * The same for the save path, in a native transaction (native-write.ts) over `events` and
 * `totals`: the rows are added (`add`: a new id that exists after all fails the transaction) or
 * put, and the totals change is logged under `tag` (unique per write: the outbox seq). Issues the
 * requests at once and answers the rows and the requests' completion.
 */
export function writeEventsNative(
  tx: IDBTransaction,
  writes: readonly EventWrite[],
  timeZone: string,
  options: { add: boolean; tag: string },
): { rows: EventRow[]; done: Promise<unknown> } {
  const { rows, totals } = rowsOf(writes, timeZone);
  const events = tx.objectStore('events');
  const totalsStore = tx.objectStore('totals');
  const done = Promise.all([
    ...rows.map((r) => request(options.add ? events.add(r) : events.put(r))),
    ...totalsLogRows(totals, options.tag).map((log) => request(totalsStore.put(log))),
  ]);
  return { rows, done };
}
