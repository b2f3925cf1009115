/**
 * Reading the events a map view needs: one year (and month range) through the [year+ym] index,
 * never a scan of the whole table. The rest of the filter is applied by domain/counts.
 */
import Dexie from 'dexie';
import type { EventRow, LedgerDb } from '../../db/ledger-db';

const ym = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;

/** The events of `year` (months monthFrom..monthTo when given), deleted ones included. */
export function readYearEvents(db: LedgerDb, year: number, monthFrom: number | null = null, monthTo: number | null = null): Promise<EventRow[]> {
  const lower = monthFrom === null ? Dexie.minKey : ym(year, monthFrom);
  const upper = monthTo === null ? Dexie.maxKey : ym(year, monthTo);
  return db.events.where('[year+ym]').between([year, lower], [year, upper], true, true).toArray();
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
