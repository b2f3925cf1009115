/**
 * Year totals by township and by format, kept in the `totals` store (schema v2) and changed in
 * the SAME transaction as every event write (event-writes.ts, the one write path of events), so
 * they are always exactly what a recount with domain/counts would find. Reading a year is one key-range read of a few dozen rows. A single
 * save only appends a log row (no read before its write); batch writers and compactTotals fold
 * the logs into the rows.
 */
import type { Table, Transaction } from 'dexie';
import type { CountableEvent, CountBasis, Tally } from '../../domain/counts';
import {
  addTotalsChange,
  applyTotalsRow,
  sumsToTally,
  totalsKeyText,
  zeroSums,
  type StoredTotalsRow,
  type TotalsDelta,
  type TotalsKey,
  type TotalsLogRow,
  type TotalsRow,
} from '../../domain/totals';
import { scopeUser } from '../../domain/scope';
import type { LedgerDb } from './ledger-db';
import { META } from './meta';

/** One event write: the row before (absent when new) and after (absent when removed). */
export interface TotalsChange {
  before: CountableEvent | null | undefined;
  after: CountableEvent | null | undefined;
}

const isLog = (r: StoredTotalsRow): r is TotalsLogRow => r.axis === 'log';

/**
 * Adds the changes of some event writes to the stored totals, folding in every logged change.
 * For batch writers (event-writes.ts). Must be called inside the caller's 'rw' transaction, whose
 * scope includes `db.totals`.
 */
export async function applyTotalsDelta(db: LedgerDb, changes: readonly TotalsChange[]): Promise<void> {
  const delta: TotalsDelta = new Map();
  for (const c of changes) addTotalsChange(delta, c.before, c.after);
  await applyDelta(db.totals, delta, true);
}

/**
 * The log rows of a single save's changes: one row per year touched, keyed by `tag` (unique per
 * write: the outbox seq), to put without reading anything first (event-writes.ts).
 */
export function totalsLogRows(changes: readonly TotalsChange[], tag: string): TotalsLogRow[] {
  const delta: TotalsDelta = new Map();
  for (const c of changes) addTotalsChange(delta, c.before, c.after);
  const byYear = new Map<number, TotalsRow[]>();
  for (const row of delta.values()) {
    const rows = byYear.get(row.year);
    if (rows) rows.push(row);
    else byYear.set(row.year, [row]);
  }
  return [...byYear].map(([year, rows]): TotalsLogRow => ({ year, axis: 'log', key: tag, changes: rows }));
}

/** Folds every logged change into the rows (in its own transaction). */
export async function compactTotals(db: LedgerDb): Promise<void> {
  await db.transaction('rw', db.totals, () => applyDelta(db.totals, new Map(), true));
}

async function applyDelta(table: Table<StoredTotalsRow, TotalsKey>, delta: TotalsDelta, foldLogs: boolean): Promise<void> {
  const logKeys: TotalsKey[] = [];
  if (foldLogs) {
    // The store is small (a few dozen rows a year, plus the logs since the last fold): a scan.
    const logs = (await table.toArray()).filter(isLog);
    for (const log of logs) {
      logKeys.push([log.year, 'log', log.key]);
      for (const c of log.changes) {
        const k = totalsKeyText(c.year, c.axis, c.key);
        delta.set(k, applyTotalsRow(delta.get(k), c) ?? { ...c, all: zeroSums(), reviewed: zeroSums() });
      }
    }
  }
  if (delta.size === 0 && logKeys.length === 0) return;
  const changes = [...delta.values()];
  const keys = changes.map((c): TotalsKey => [c.year, c.axis, c.key]);
  const stored = (await table.bulkGet(keys)) as (TotalsRow | undefined)[];
  const put: TotalsRow[] = [];
  const drop: TotalsKey[] = [...logKeys];
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
  await events.each((e: CountableEvent) => {
    addTotalsChange(delta, null, e);
  });
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
 * The year's totals by township and by format on a counting basis: every non-deleted event
 * ('submitted') or reviewed events only ('reviewed'). Groups with no event are absent, as in
 * countEventsBy. lastStartAt is null (not kept). The basis is a parameter so that another source
 * of totals (the server's, for a phone that holds only its own events) answers the same call.
 */
export async function readYearTotals(db: LedgerDb, year: number, basis: CountBasis): Promise<YearTotals> {
  // [year] sorts before every [year, axis, key] and [year + 1] after them.
  const stored = await db.totals
    .where(':id')
    .between([year], [year + 1], true, false)
    .toArray();
  // The rows, with the year's logged changes folded in.
  const folded = new Map<string, TotalsRow>();
  for (const r of stored) if (!isLog(r)) folded.set(totalsKeyText(r.year, r.axis, r.key), r);
  for (const r of stored) {
    if (!isLog(r)) continue;
    for (const c of r.changes) {
      const k = totalsKeyText(c.year, c.axis, c.key);
      const next = applyTotalsRow(folded.get(k), c);
      if (next) folded.set(k, next);
      else folded.delete(k);
    }
  }
  return yearTotalsOfRows(folded.values(), year, basis);
}

/** A year's totals from totals rows (the kept ones, or the server's): groups with no event are absent. */
export function yearTotalsOfRows(rows: Iterable<TotalsRow>, year: number, basis: CountBasis): YearTotals {
  const out: YearTotals = { year, total: sumsToTally(zeroSums()), byTownship: {}, byFormat: {} };
  for (const r of rows) {
    if (r.year !== year) continue;
    const sums = basis === 'reviewed' ? r.reviewed : r.all;
    if (sums.events === 0) continue;
    const t = sumsToTally(sums);
    if (r.axis === 'all') out.total = t;
    else if (r.axis === 'township') out.byTownship[r.key] = t;
    else out.byFormat[r.key] = t;
  }
  return out;
}

/**
 * The org's year totals as the server counted them at this phone's last pull (issue 13 §5), when
 * the phone holds only its person's scope (a volunteer's own and listed events); null when it
 * holds the whole ledger (staff), or has no count yet: then the kept totals are the org's.
 */
export async function readOrgYearTotals(db: LedgerDb, year: number, basis: CountBasis): Promise<YearTotals | null> {
  const [scope, totals] = await db.meta.bulkGet([META.pullScope, META.orgTotals]);
  if (typeof scope?.value !== 'string' || scopeUser(scope.value) === null || !Array.isArray(totals?.value)) return null;
  return yearTotalsOfRows(totals.value as TotalsRow[], year, basis);
}
