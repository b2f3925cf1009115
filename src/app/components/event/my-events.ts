/**
 * Queries over "my" events: the ones this signed-in person created, plus the ones logged on this
 * phone before anyone signed in (createdBy ''), which are theirs too.
 */
import type { EventRow, LedgerDb } from '../../db/ledger-db';

function mine(db: LedgerDb, userId: string) {
  return db.events.where('createdBy').anyOf(userId === '' ? [''] : [userId, '']);
}

/** My events that are not deleted, newest start first, at most `limit`. */
export async function myRecentEvents(db: LedgerDb, userId: string, limit: number): Promise<EventRow[]> {
  const rows = await mine(db, userId).filter((e) => !e.deleted).toArray();
  rows.sort((a, b) => Date.parse(b.startAt) - Date.parse(a.startAt) || b.createdAt.localeCompare(a.createdAt));
  return rows.slice(0, limit);
}

/** The event I logged last (latest createdAt), not deleted; the source of "repeat last event". */
export async function myLastLoggedEvent(db: LedgerDb, userId: string): Promise<EventRow | undefined> {
  const rows = await mine(db, userId).filter((e) => !e.deleted).toArray();
  let best: EventRow | undefined;
  for (const r of rows) if (!best || Date.parse(r.createdAt) > Date.parse(best.createdAt) || (r.createdAt === best.createdAt && r.id > best.id)) best = r;
  return best;
}

/** Ids of events with changes still in the outbox (not yet accepted by the server). */
export async function unsyncedEventIds(db: LedgerDb): Promise<Set<string>> {
  const keys = await db.outbox.orderBy('eventId').uniqueKeys();
  return new Set(keys.filter((k): k is string => typeof k === 'string'));
}
