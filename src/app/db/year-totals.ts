/**
 * Year totals by township and by format, kept in the `totals` store (schema v2) and changed in
 * the SAME transaction as every event write (event-repository, DexieLocalStore.applyPulled and
 * discardQuarantined, ledger-backup import), so they are always exactly what a recount with
 * domain/counts would find. Reading a year is one key-range read of a few dozen rows.
 */
import type { Table, Transaction } from 'dexie';
import type { CountableEvent, Tally } from '../../domain/counts';
import {
  addTotalsChange, applyTotalsRow, sumsToTally, type TotalsDelta, type TotalsKey, type TotalsRow,
} from '../../domain/totals';
import type { LedgerDb } from './ledger-db';

/** One event write: the row before (absent when new) and after (absent when removed). */
export interface TotalsChange {
  before: CountableEvent | null | undefined;
  after: CountableEvent | null | undefined;
}

/**
 * Adds the changes of some event writes to the stored totals. Must be called inside the
 * caller's 'rw' transaction, whose scope includes `db.totals`.
 */
export async function applyTotalsDelta(db: LedgerDb, changes: readonly TotalsChange[]): Promise<void> {
  const delta: TotalsDelta = new Map();
  for (const c of changes) addTotalsChange(delta, c.before, c.after);
  await applyDelta(db.totals, delta);
}

async function applyDelta(table: Table<TotalsRow, TotalsKey>, delta: TotalsDelta): Promise<void> {
  if (delta.size === 0) return;
  const changes = [...delta.values()];
  const keys = changes.map((c): TotalsKey => [c.year, c.axis, c.key]);
  const stored = await table.bulkGet(keys);
  const put: TotalsRow[] = [];
  const drop: TotalsKey[] = [];
  changes.forEach((c, i) => {
    const next = applyTotalsRow(stored[i], c);
    if (next) put.push(next);
    else if (stored[i]) drop.push(keys[i]!);
  });
  await Promise.all([put.length ? table.bulkPut(put) : null, drop.length ? table.bulkDelete(drop) : null]);
}

/** Builds the totals from every stored event (the v1 → v2 upgrade). */
export async function rebuildTotals(tx: Transaction): Promise<void> {
  const events = tx.table('events');
  const totals = tx.table('totals');
  const delta: TotalsDelta = new Map();
  await totals.clear();
  // Folded one event at a time: a big ledger is never held in memory whole.
  await events.each((e: CountableEvent) => { addTotalsChange(delta, null, e); });
  await totals.bulkPut([...delta.values()]);
}

/** A year's totals: the whole year, by township code, by format code. */
export interface YearTotals {
  year: number;
  total: Tally;
  byTownship: Record<string, Tally>;
  byFormat: Record<string, Tally>;
}

/**
 * The year's totals by township and by format, of every non-deleted event (or of reviewed events
 * only). Groups with no event are absent, as in countEventsBy. lastStartAt is null (not kept).
 */
export async function readYearTotals(db: LedgerDb, year: number, options: { reviewedOnly?: boolean } = {}): Promise<YearTotals> {
  // [year] sorts before every [year, axis, key] and [year + 1] after them.
  const rows = await db.totals.where(':id').between([year], [year + 1], true, false).toArray();
  const out: YearTotals = { year, total: sumsToTally({ events: 0, attendance: 0, onlineAttendance: 0, materials: 0, volunteers: 0, volunteerMicroHours: 0 }), byTownship: {}, byFormat: {} };
  for (const r of rows) {
    const sums = options.reviewedOnly ? r.reviewed : r.all;
    if (sums.events === 0) continue;
    const t = sumsToTally(sums);
    if (r.axis === 'all') out.total = t;
    else if (r.axis === 'township') out.byTownship[r.key] = t;
    else out.byFormat[r.key] = t;
  }
  return out;
}
