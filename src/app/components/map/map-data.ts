/**
 * What the map view keeps between visits, and the shapes it hands its parts. The events of a year
 * (and month range) are read through the [year+ym] index (composables/useLedger.ts
 * useYearEvents), never a scan of the whole table; the rest of the filter is applied by
 * domain/counts.
 */
import type { EventRow } from '../../db/ledger-db';

/**
 * The last rows read, by range: /map opened again paints at once from them while its own live
 * read runs (and repaints if anything changed). One entry only, so nothing old piles up.
 */
let recent: { key: string; rows: EventRow[] } | null = null;
const keyOf = (year: number, monthFrom: number | null, monthTo: number | null) => `${year}|${monthFrom}|${monthTo}`;

/** Keeps the rows just read for a range. */
export function rememberYearEvents(year: number, monthFrom: number | null, monthTo: number | null, rows: EventRow[]): void {
  recent = { key: keyOf(year, monthFrom, monthTo), rows };
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
