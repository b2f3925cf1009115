/**
 * Live reads: a query over the ledger that runs again whenever what it read changes, in this tab
 * or another (Dexie's liveQuery, which the native save path also tells: native-write.ts). The
 * composables turn it into a Vue ref (composables/useLiveQuery.ts).
 */
import { liveQuery } from 'dexie';

/** A running live read; `stop` ends it. */
export interface LiveRead {
  stop(): void;
}

/** Runs `query` now and after every change that touches what it read; results and errors go to the callbacks. */
export function observe<T>(query: () => T | Promise<T>, next: (value: T) => void, error: (e: unknown) => void = () => undefined): LiveRead {
  const sub = liveQuery(query).subscribe({ next, error });
  return { stop: () => sub.unsubscribe() };
}
