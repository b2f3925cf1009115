/**
 * "My" events: the ones this person created, plus the ones logged on this phone before anyone
 * signed in (createdBy ''), which are theirs too; tombstones left out. Its own module because
 * the logging route needs the last one ("repeat last event") and nothing else of queries.ts.
 */
import type { EventRow, LedgerDb } from './ledger-db';

async function myEvents(db: LedgerDb, userId: string): Promise<EventRow[]> {
  return db.events
    .where('createdBy')
    .anyOf(userId === '' ? [''] : [userId, ''])
    .filter((e) => !e.deleted)
    .toArray();
}

/** My events, newest start first, at most `limit`. */
export async function myRecentEventsIn(db: LedgerDb, userId: string, limit: number): Promise<EventRow[]> {
  const rows = await myEvents(db, userId);
  rows.sort((a, b) => Date.parse(b.startAt) - Date.parse(a.startAt) || b.createdAt.localeCompare(a.createdAt));
  return rows.slice(0, limit);
}

/** The event I logged last (latest createdAt): the source of "repeat last event". */
export async function myLastLoggedEventIn(db: LedgerDb, userId: string): Promise<EventRow | undefined> {
  let best: EventRow | undefined;
  for (const r of await myEvents(db, userId)) {
    if (!best || Date.parse(r.createdAt) > Date.parse(best.createdAt) || (r.createdAt === best.createdAt && r.id > best.id)) best = r;
  }
  return best;
}

/** Every outbox row, pending or refused (a sign-in as someone else must wait for them). */
export function outboxCountIn(db: LedgerDb): Promise<number> {
  return db.outbox.count();
}
