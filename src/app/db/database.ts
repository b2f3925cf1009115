/**
 * The phone's one ledger database. src/app/db is the only door to IndexedDB (STYLE.md §7): it
 * owns this instance — a module with a factory tests replace, as Dexie's samples export `db` from
 * db.ts, not a store's property — and answers everyone else through named queries (queries.ts),
 * named values (meta-values.ts) and one write path per record kind (event-writes.ts). Views and
 * components never import this folder but for its types and errors (src/build/eslint.config.js).
 */
import { LedgerDb } from './ledger-db';

let makeDb: () => LedgerDb = () => new LedgerDb();
let current: LedgerDb | null = null;

/** The app's ledger database, made on first use. */
export function ledgerDb(): LedgerDb {
  current ??= makeDb();
  return current;
}

/** Tests: the next ledgerDb() makes its database with `factory` (a fresh name per test). */
export function setLedgerDbFactory(factory: () => LedgerDb): void {
  makeDb = factory;
  current = null;
}

/** Calls `listener` after every committed write that queued a mutation for the server (the sync trigger). */
export function onMutationQueued(listener: () => void): () => void {
  return ledgerDb().onMutationQueued(listener);
}
