/**
 * One readwrite transaction made by IndexedDB itself, for the save path (event-repository.ts).
 *
 * Why not through Dexie: a save is six requests in two rounds (read the event and the seq; write
 * the event, its outbox row, the seq and the year-totals log), and IndexedDB's own cost for them
 * is most of a save. Dexie adds about as much again on top — five middleware layers per request,
 * promise zones, its transaction bookkeeping (tests/bench/README.md, "One save, p95"). Here the
 * same requests go straight to the IDBTransaction of the database Dexie opened, and what Dexie
 * would have done after the commit is done by hand, with its public API:
 * - live queries (here and in other tabs) hear of it through `Dexie.on.storagemutated`, with the
 *   written stores marked changed whole (every index), so any query that read them runs again;
 *   LedgerDb keeps Dexie's query cache off, so no cached result survives the change;
 * - a transaction that wrote the outbox announces it (LedgerDb.announceQueued: the sync trigger).
 */
import Dexie, { RangeSet, type ObservabilitySet } from 'dexie';
import type { LedgerDb } from './ledger-db';

/** The object stores of the ledger a native transaction may name. */
export type StoreName = 'events' | 'outbox' | 'meta' | 'totals' | 'targets' | 'drafts' | 'photos';

/** A request's result as a promise (its error as the rejection). */
export function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** Every part of the stores Dexie's live queries can have read: the keys, deletions, each index. */
function changedParts(db: LedgerDb, stores: readonly StoreName[]): ObservabilitySet {
  const parts: ObservabilitySet = {};
  for (const store of stores) {
    const prefix = `idb://${db.name}/${store}/`;
    const indexes = db.table(store).schema.indexes.map((i) => i.name);
    for (const name of ['', ':dels', ...indexes]) parts[prefix + name] = new RangeSet(Dexie.minKey, Dexie.maxKey);
  }
  return parts;
}

/**
 * Runs `fn` in one native readwrite transaction over `stores` and resolves with its result once
 * the transaction has committed. If `fn` throws, or any request fails, nothing is written and the
 * promise rejects with that error. `fn` must only await the requests it makes (an await of
 * anything else lets IndexedDB commit the transaction early).
 */
export async function nativeWrite<T>(db: LedgerDb, stores: readonly StoreName[], fn: (tx: IDBTransaction) => Promise<T>): Promise<T> {
  if (!db.isOpen()) await db.open();
  const tx = db.backendDB().transaction(stores as StoreName[], 'readwrite');
  const committed = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('transaction aborted', 'AbortError'));
  });
  let result: T;
  try {
    result = await fn(tx);
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // Already finished (a failed request aborted it): the error below is the one to report.
    }
    committed.catch(() => undefined);
    throw e;
  }
  await committed;
  Dexie.on.storagemutated.fire(changedParts(db, stores));
  if (stores.includes('outbox')) db.announceQueued();
  return result;
}
