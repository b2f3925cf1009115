/**
 * Named reads of the ledger — what the screens show — over the app's database (database.ts).
 * Each is a plain async read, fit to run live (live.ts, composables/useLiveQuery.ts), and uses an
 * index where one serves: the year through [year+ym], mine through createdBy, the review queue
 * through status, unsynced ids through the outbox's eventId.
 */
import Dexie from 'dexie';
import { returnedBy, returnedTo } from '../../domain/review';
import { ledgerDb } from './database';
import type { AwardRow, DraftRow, EventRow, LedgerDb, TargetRow } from './ledger-db';
import { listDrafts } from './draft-repository';
import { myLastLoggedEventIn, myRecentEventsIn, outboxCountIn } from './my-events';
import { readOrgYearTotals, readYearTotals, type YearTotals } from './year-totals';
import type { CountBasis } from '../../domain/counts';

const ym = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;

/** The stored event, tombstones included, or null. */
export async function eventById(id: string): Promise<EventRow | null> {
  return (await ledgerDb().events.get(id)) ?? null;
}

/** The stored rows of `ids` that exist, in order of `ids`. */
export async function eventsByIds(ids: readonly string[]): Promise<EventRow[]> {
  return (await ledgerDb().events.bulkGet([...ids])).filter((e): e is EventRow => e !== undefined);
}

/** Whether the event has changes the server has not accepted yet (pending or refused). */
export async function hasUnsyncedChanges(eventId: string): Promise<boolean> {
  return (await ledgerDb().outbox.where('eventId').equals(eventId).count()) > 0;
}

/** Ids of events with changes still in the outbox (not yet accepted by the server). */
export async function unsyncedEventIds(): Promise<Set<string>> {
  const keys = await ledgerDb().outbox.orderBy('eventId').uniqueKeys();
  return new Set(keys.filter((k): k is string => typeof k === 'string'));
}

/** Mutations waiting to be pushed. */
export function pendingMutationCount(): Promise<number> {
  return ledgerDb().outbox.where('state').equals('pending').count();
}

/** Every outbox row, pending or refused (a sign-in as someone else must wait for them). */
export function outboxCount(): Promise<number> {
  return outboxCountIn(ledgerDb());
}

/** My events (mine and the ones logged before sign-in), newest start first, at most `limit`. */
export function myRecentEvents(userId: string, limit: number): Promise<EventRow[]> {
  return myRecentEventsIn(ledgerDb(), userId, limit);
}

/** The event I logged last: the source of "repeat last event". */
export function myLastLoggedEvent(userId: string): Promise<EventRow | undefined> {
  return myLastLoggedEventIn(ledgerDb(), userId);
}

/** The events of `year` (months monthFrom..monthTo when given), tombstones included, through [year+ym]. */
export function yearEvents(year: number, monthFrom: number | null = null, monthTo: number | null = null): Promise<EventRow[]> {
  const lower = monthFrom === null ? Dexie.minKey : ym(year, monthFrom);
  const upper = monthTo === null ? Dexie.maxKey : ym(year, monthTo);
  return ledgerDb().events.where('[year+ym]').between([year, lower], [year, upper], true, true).toArray();
}

/** The years the ledger holds events of, newest first. */
export async function yearsPresent(): Promise<number[]> {
  const keys = (await ledgerDb().events.orderBy('[year+ym]').uniqueKeys()) as unknown as [number, string][];
  return [...new Set(keys.map((k) => k[0]))].sort((a, b) => b - a);
}

/** The first `limit` events passing `keep`, newest start first (reads no further than it must). */
export function newestEvents(keep: (e: EventRow) => boolean, limit: number): Promise<EventRow[]> {
  return ledgerDb().events.orderBy('startAt').reverse().filter(keep).limit(limit).toArray();
}

/** How many events pass `keep`, within `year` when given (through [year+ym]). */
export function countEvents(keep: (e: EventRow) => boolean, year: number | null): Promise<number> {
  const events = ledgerDb().events;
  const base = year !== null ? events.where('[year+ym]').between([year, Dexie.minKey], [year, Dexie.maxKey]) : events.toCollection();
  return base.filter(keep).count();
}

/** Live events of a review status, by start (the review queue: submitted; back with the author: returned). */
export function eventsWithStatus(status: 'submitted' | 'returned'): Promise<EventRow[]> {
  return ledgerDb()
    .events.where('status')
    .equals(status)
    .filter((e) => !e.deleted)
    .sortBy('startAt');
}

/** The returned events waiting on `userId` to fix them (退回给我的; theirs and this phone's unsigned ones), by start. */
export async function eventsReturnedTo(userId: string): Promise<EventRow[]> {
  return returnedTo(await eventsWithStatus('returned'), userId);
}

/** The returned events the staff member `staffId` sent back (我退回的), by start. */
export async function eventsReturnedBy(staffId: string): Promise<EventRow[]> {
  return returnedBy(await eventsWithStatus('returned'), staffId);
}

/** Live events waiting for review. */
export function pendingReviewCount(): Promise<number> {
  return ledgerDb()
    .events.where('status')
    .equals('submitted')
    .filter((e) => !e.deleted)
    .count();
}

/**
 * Events written by an import (event.importBatch), tombstones included. No index covers the batch:
 * this reads the events, so it runs only while the import panel is open (an index on
 * importBatch.id would need a Dexie version of its own).
 */
export function importedEvents(): Promise<EventRow[]> {
  return ledgerDb()
    .events.filter((e) => e.importBatch != null)
    .toArray();
}

/** The titles of the events `ids` names that exist. */
export async function eventTitles(ids: readonly string[]): Promise<Map<string, string>> {
  return new Map((await eventsByIds(ids)).map((r) => [r.id, r.title] as const));
}

/** Live targets of a year in `db`, in the order they were made. */
export async function targetsOfYearIn(db: LedgerDb, year: number): Promise<TargetRow[]> {
  const rows = await db.targets.where('year').equals(year).toArray();
  return rows.filter((t) => !t.deleted).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/**
 * Live awards of a year in `db`: by month (unknown last), then in the order they were made. Here,
 * not in award-repository.ts, so that reading awards for a print or an export does not load the
 * repository (staff-only writing code, not precached for a volunteer's first visit).
 */
export async function awardsOfYearIn(db: LedgerDb, year: number): Promise<AwardRow[]> {
  const rows = await db.awards.where('year').equals(year).toArray();
  return rows
    .filter((a) => !a.deleted)
    .sort((a, b) => (a.month ?? 13) - (b.month ?? 13) || (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
}

/** Live targets of a year, in the order they were made. */
export function targetsOfYear(year: number): Promise<TargetRow[]> {
  return targetsOfYearIn(ledgerDb(), year);
}

/**
 * The org's year totals by township and by format on a counting basis (a few dozen rows, however
 * many events): the server's count when this phone holds only its person's events (a volunteer:
 * issue 13 §5), else the totals kept as events are written.
 */
export async function yearTotals(year: number, basis: CountBasis): Promise<YearTotals> {
  const db = ledgerDb();
  return (await readOrgYearTotals(db, year, basis)) ?? readYearTotals(db, year, basis);
}

/** The year totals of the events this phone holds (for a volunteer: their own and listed ones). */
export function heldYearTotals(year: number, basis: CountBasis): Promise<YearTotals> {
  return readYearTotals(ledgerDb(), year, basis);
}

/** The server's count of the org's year totals when this phone holds only its scope; else null. */
export function orgYearTotals(year: number, basis: CountBasis): Promise<YearTotals | null> {
  return readOrgYearTotals(ledgerDb(), year, basis);
}

/** The draft box (草稿箱): every unfinished form, last touched first. */
export function draftBox(): Promise<DraftRow[]> {
  return listDrafts(ledgerDb());
}

/** How many drafts the box holds. */
export function draftCount(): Promise<number> {
  return ledgerDb().drafts.count();
}
