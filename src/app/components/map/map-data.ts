/**
 * Reading the events a map view needs: one year (and month range) through the [year+ym] index,
 * never a scan of the whole table. The rest of the filter is applied by domain/counts.
 */
import Dexie from 'dexie';
import type { EventRow, LedgerDb } from '../../db/ledger-db';

const ym = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;

/**
 * The last result read, by range: the home card reads this year's events through a live query,
 * so /map, opened from home, can paint at once from the same rows while its own live query
 * re-reads (and repaints if anything changed). One entry only, so nothing old piles up.
 */
let recent: { key: string; rows: EventRow[] } | null = null;
const keyOf = (year: number, monthFrom: number | null, monthTo: number | null) => `${year}|${monthFrom}|${monthTo}`;

/** The events of `year` (months monthFrom..monthTo when given), deleted ones included. */
export async function readYearEvents(db: LedgerDb, year: number, monthFrom: number | null = null, monthTo: number | null = null): Promise<EventRow[]> {
  const lower = monthFrom === null ? Dexie.minKey : ym(year, monthFrom);
  const upper = monthTo === null ? Dexie.maxKey : ym(year, monthTo);
  const rows = await db.events.where('[year+ym]').between([year, lower], [year, upper], true, true).toArray();
  recent = { key: keyOf(year, monthFrom, monthTo), rows };
  return rows;
}

/** The rows of the latest read of exactly this range, if it was the last one read. */
export function recentYearEvents(year: number, monthFrom: number | null, monthTo: number | null): EventRow[] | undefined {
  return recent?.key === keyOf(year, monthFrom, monthTo) ? recent.rows : undefined;
}

/** An event with a GPS or map point, as the point layer draws it. */
export interface MapPoint {
  readonly id: string;
  readonly title: string;
  readonly lat: number;
  readonly lon: number;
}

/** An event as the township sheet lists it. */
export interface SheetEvent {
  readonly id: string;
  readonly title: string;
  readonly startAt: string;
  readonly attendance: number;
}
