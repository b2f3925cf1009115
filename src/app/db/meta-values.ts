/**
 * Named values kept in the ledger's `meta` store beside the records: the session, settings,
 * region pack, base map, sync times, the new-event form's id … Stores read and write them here
 * (by their own key constants) instead of reaching for the table.
 */
import { ledgerDb } from './database';

/** The value under `key`, or undefined. */
export async function readMeta(key: string): Promise<unknown> {
  return (await ledgerDb().meta.get(key))?.value;
}

/** The values under `keys`, in order (undefined where absent). */
export async function readMetas(keys: readonly string[]): Promise<unknown[]> {
  return (await ledgerDb().meta.bulkGet([...keys])).map((row) => row?.value);
}

/** Keeps `value` under `key` (a structured-cloneable copy). */
export async function writeMeta(key: string, value: unknown): Promise<void> {
  await ledgerDb().meta.put({ key, value });
}

/** Forgets `key`. */
export async function deleteMeta(key: string): Promise<void> {
  await ledgerDb().meta.delete(key);
}
