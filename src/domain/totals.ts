/**
 * Year totals kept up to date as events are written: the pure half. Every write of an event turns
 * its before/after rows into signed changes of the (year, axis, key) totals it touches; the caller
 * adds them to the stored totals in the same transaction as the write, so reading a year's totals
 * by township and by format is a read of a few dozen small rows instead of every event.
 *
 * What counts is exactly what domain/counts counts with the filter `{ year }` (and
 * `{ year, reviewedOnly: true }` for the reviewed sums): every non-deleted event, of any status,
 * under the report year of its `ym`. Each stored row keeps both sums.
 *
 * All sums are integers so that adding and subtracting never drifts: volunteer hours are kept in
 * micro-hours (rounded per volunteer line; hours are entered with at most a few decimals).
 * lastStartAt (a maximum) cannot be maintained under deletes and is not kept.
 */
import { materialsTotal } from './event.js';
import { eventYearMonth, volunteersOf, type CountableEvent, type Tally } from './counts.js';

/** The axes kept: the year's total (key ''), by township code, by format code. */
export type TotalsAxis = 'all' | 'township' | 'format';

/** Integer sums of a group of events (a Tally without lastStartAt, hours in micro-hours). */
export interface TotalsSums {
  events: number;
  attendance: number;
  onlineAttendance: number;
  materials: number;
  volunteers: number;
  volunteerMicroHours: number;
}

/** One stored totals row: the sums of every event, and of reviewed events only. */
export interface TotalsRow {
  year: number;
  axis: TotalsAxis;
  key: string;
  all: TotalsSums;
  reviewed: TotalsSums;
}

/** Zero sums. */
export function zeroSums(): TotalsSums {
  return { events: 0, attendance: 0, onlineAttendance: 0, materials: 0, volunteers: 0, volunteerMicroHours: 0 };
}

const SUM_KEYS = Object.keys(zeroSums()) as (keyof TotalsSums)[];

/** Micro-hours of one event's volunteer lines. */
export function volunteerMicroHoursOf(e: Pick<CountableEvent, 'volunteers'>): number {
  let s = 0;
  for (const v of e.volunteers) s += Math.round(v.hours * 1e6);
  return s;
}

/** Adds `sign` × one event to sums, in place. */
export function addEventToSums(s: TotalsSums, e: CountableEvent, sign: 1 | -1): void {
  s.events += sign;
  s.attendance += sign * e.attendance;
  s.onlineAttendance += sign * (e.onlineAttendance ?? 0);
  s.materials += sign * materialsTotal(e);
  s.volunteers += sign * volunteersOf(e);
  s.volunteerMicroHours += sign * volunteerMicroHoursOf(e);
}

/** Adds sums into sums, in place. */
export function addSums(into: TotalsSums, from: TotalsSums): void {
  for (const k of SUM_KEYS) into[k] += from[k];
}

/** Whether every sum is zero. */
export function isZeroSums(s: TotalsSums): boolean {
  return SUM_KEYS.every((k) => s[k] === 0);
}

/** The sums as a Tally (hours back in hours; lastStartAt is not kept: null). */
export function sumsToTally(s: TotalsSums): Tally {
  return {
    events: s.events,
    attendance: s.attendance,
    onlineAttendance: s.onlineAttendance,
    materials: s.materials,
    volunteers: s.volunteers,
    volunteerHours: s.volunteerMicroHours / 1e6,
    lastStartAt: null,
  };
}

/**
 * A logged change, not yet folded into the rows: a single save appends one (a put, no read)
 * instead of reading and rewriting its three rows; readers fold the logs of the year in, batch
 * writers fold every log into the rows. Keyed [year, 'log', tag] beside the rows of its year.
 */
export interface TotalsLogRow {
  year: number;
  axis: 'log';
  key: string;
  changes: TotalsRow[];
}

/** What the totals store holds. */
export type StoredTotalsRow = TotalsRow | TotalsLogRow;

/** The stored key of a totals row or log. */
export type TotalsKey = [year: number, axis: TotalsAxis | 'log', key: string];

/** A text form of a totals key, for maps. */
export function totalsKeyText(year: number, axis: TotalsAxis, key: string): string {
  return `${year}\u0000${axis}\u0000${key}`;
}

/** Signed changes to totals rows, keyed by totalsKeyText; merge many writes into one. */
export type TotalsDelta = Map<string, TotalsRow>;

/** The report year of an event (as `countEventsBy` with `{ year }` sees it). */
export function totalsYearOf(e: CountableEvent): number {
  return Number(eventYearMonth(e).slice(0, 4));
}

function addEvent(delta: TotalsDelta, e: CountableEvent, sign: 1 | -1): void {
  if (e.deleted) return;
  const year = totalsYearOf(e);
  const reviewed = e.status === 'reviewed';
  for (const [axis, key] of [
    ['all', ''],
    ['township', e.townshipCode],
    ['format', e.format],
  ] as const) {
    const k = totalsKeyText(year, axis, key);
    let row = delta.get(k);
    if (!row) delta.set(k, (row = { year, axis, key, all: zeroSums(), reviewed: zeroSums() }));
    addEventToSums(row.all, e, sign);
    if (reviewed) addEventToSums(row.reviewed, e, sign);
  }
}

/**
 * Adds to `delta` the change of one event from `before` (absent: it did not exist) to `after`
 * (absent: it is gone). Rows whose change nets to zero are dropped, so an edit of the title
 * changes nothing. Returns `delta`.
 */
export function addTotalsChange(delta: TotalsDelta, before: CountableEvent | null | undefined, after: CountableEvent | null | undefined): TotalsDelta {
  const touched: string[] = [];
  const mark = (e: CountableEvent | null | undefined) => {
    if (e && !e.deleted) {
      const y = totalsYearOf(e);
      touched.push(totalsKeyText(y, 'all', ''), totalsKeyText(y, 'township', e.townshipCode), totalsKeyText(y, 'format', e.format));
    }
  };
  mark(before);
  mark(after);
  if (before) addEvent(delta, before, -1);
  if (after) addEvent(delta, after, 1);
  for (const k of touched) {
    const row = delta.get(k);
    if (row && isZeroSums(row.all) && isZeroSums(row.reviewed)) delta.delete(k);
  }
  return delta;
}

/** The signed changes of the totals when one event goes from `before` to `after`. */
export function totalsDelta(before: CountableEvent | null | undefined, after: CountableEvent | null | undefined): TotalsRow[] {
  return [...addTotalsChange(new Map(), before, after).values()];
}

/** The totals rows of a set of events, built from scratch (the upgrade and the recount). */
export function totalsOf(events: Iterable<CountableEvent>): TotalsRow[] {
  const delta: TotalsDelta = new Map();
  for (const e of events) addEvent(delta, e, 1);
  return [...delta.values()];
}

/**
 * A stored row plus a change: the new row, or null when every sum is zero (no event counts under
 * it any more: the row is deleted so that the stored groups are exactly the groups a recount finds).
 */
export function applyTotalsRow(stored: TotalsRow | undefined, change: TotalsRow): TotalsRow | null {
  const all = stored ? { ...stored.all } : zeroSums();
  const reviewed = stored ? { ...stored.reviewed } : zeroSums();
  addSums(all, change.all);
  addSums(reviewed, change.reviewed);
  if (isZeroSums(all) && isZeroSums(reviewed)) return null;
  return { year: change.year, axis: change.axis, key: change.key, all, reviewed };
}
