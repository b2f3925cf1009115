/**
 * The ledger as the screens read it: each named query of app/db/queries.ts as a live ref (it
 * follows every write, in this tab or another). Views and components read the ledger only
 * through these and the stores (src/build/eslint.config.js keeps it so).
 */
import type { Ref, WatchSource } from 'vue';
import type { EventRow } from '../db/ledger-db';
import * as q from '../db/queries';
import { useLiveQuery } from './useLiveQuery';
import type { CountBasis } from '../../domain/counts';

/** The event `id()` names, tombstones included (null when absent; undefined until read). */
export const useEvent = (id: () => string) => useLiveQuery(() => q.eventById(id()), id);

/** Whether the event has changes the server has not accepted yet. */
export const useHasUnsyncedChanges = (id: () => string) => useLiveQuery(() => q.hasUnsyncedChanges(id()), id);

/** Ids of events with changes still in the outbox. */
export const useUnsyncedEventIds = () => useLiveQuery(q.unsyncedEventIds);

/** My latest events (newest start first, at most `limit`) for the signed-in user `userId()`. */
export const useMyRecentEvents = (userId: () => string, limit: number) => useLiveQuery(() => q.myRecentEvents(userId(), limit), userId);

/** A range of a year's months (null: from January / to December). */
export interface YearRange {
  readonly year: number;
  readonly from: number | null;
  readonly to: number | null;
}

/** The events of `range()` with the range they were read for; nothing is read while it answers null. */
export function useYearEvents(range: () => YearRange | null): Ref<{ range: YearRange; rows: EventRow[] } | null | undefined> {
  return useLiveQuery(async () => {
    const r = range();
    return r ? { range: r, rows: await q.yearEvents(r.year, r.from, r.to) } : null;
  }, range);
}

/** The events of a whole year. */
export const useEventsOfYear = (year: Ref<number>) => useLiveQuery(() => q.yearEvents(year.value), year);

/** The years the ledger holds events of, newest first. */
export const useYearsPresent = () => useLiveQuery(q.yearsPresent);

/** The first `limit()` events passing `keep`, newest first; and how many pass in all (within `year()`). */
export function useEventList(keep: () => (e: EventRow) => boolean, limit: () => number, year: () => number | null, deps: WatchSource<unknown>[]) {
  const rows = useLiveQuery(() => q.newestEvents(keep(), limit()), [...deps, limit]);
  const total = useLiveQuery(() => q.countEvents(keep(), year()), deps);
  return { rows, total };
}

/** The review queue (submitted) and the events returned to their authors, by start. */
export function useReviewQueues() {
  return { submitted: useLiveQuery(() => q.eventsWithStatus('submitted')), returned: useLiveQuery(() => q.eventsWithStatus('returned')) };
}

/** The returned events waiting on `userId()` (退回给我的), by start. */
export const useReturnedTo = (userId: () => string) => useLiveQuery(() => q.eventsReturnedTo(userId()), userId);

/** The returned events the staff member `staffId()` sent back (我退回的), by start. */
export const useReturnedBy = (staffId: () => string) => useLiveQuery(() => q.eventsReturnedBy(staffId()), staffId);

/** Live events waiting for review. */
export const usePendingReviewCount = () => useLiveQuery(q.pendingReviewCount);

/** Events written by imports (read only while the import panel is open). */
export const useImportedEvents = () => useLiveQuery(q.importedEvents);

/** The titles of the events `ids()` names. */
export const useEventTitles = (ids: () => readonly string[]) => useLiveQuery(() => q.eventTitles(ids()), ids);

/** Live targets of a year, in the order they were made. */
export const useTargetsOfYear = (year: () => number) => useLiveQuery(() => q.targetsOfYear(year()), year);

/** The org's year totals by township and by format on a basis (the server's count on a volunteer's phone). */
export const useYearTotals = (year: () => number, basis: () => CountBasis) =>
  useLiveQuery(
    () => q.yearTotals(year(), basis()),
    () => `${year()}|${basis()}`,
  );

/**
 * The server's count of the org's year totals when this phone holds only its person's events (a
 * volunteer, issue 13 §5), else null (staff hold every event and count them here).
 */
export const useOrgYearTotals = (args: () => { year: number; basis: CountBasis }) =>
  useLiveQuery(
    () => {
      const a = args();
      return q.orgYearTotals(a.year, a.basis);
    },
    () => JSON.stringify(args()),
  );

/** The draft box (草稿箱), last touched first. */
export const useDraftBox = () => useLiveQuery(q.draftBox);

/** How many drafts the box holds. */
export const useDraftCount = () => useLiveQuery(q.draftCount);
