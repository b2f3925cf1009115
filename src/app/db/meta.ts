/**
 * The ledger's small named values that the repositories share: the device id and the outbox
 * sequence counter.
 */
import { v4 as uuidV4 } from 'uuid';
import type { LedgerDb } from './ledger-db';

/**
 * Meta keys used by the data layer (others: 'session', 'taxonomy', 'locale', 'regionPack'):
 * `pullScope` the scope the synced rows belong to (issue 13 §5: 'all' or 'own:<userId>'),
 * `orgTotals` the org's year totals the server counted for a scoped phone (TotalsRow[]).
 */
export const META = { clientId: 'clientId', seq: 'seq', pullScope: 'pullScope', orgTotals: 'orgTotals' } as const;

/** The last outbox seq used on this device (0 before the first mutation); call inside a transaction. */
export async function currentSeq(db: LedgerDb): Promise<number> {
  const row = await db.meta.get(META.seq);
  return typeof row?.value === 'number' ? row.value : 0;
}

/** Takes the next outbox seq and stores it; call inside the transaction that writes the outbox row. */
export async function takeSeq(db: LedgerDb): Promise<number> {
  const next = (await currentSeq(db)) + 1;
  await db.meta.put({ key: META.seq, value: next });
  return next;
}

/** This device's id (meta 'clientId'), made once as a UUID from the given random bytes. */
export async function getOrCreateClientId(db: LedgerDb, random16: () => Uint8Array): Promise<string> {
  return db.transaction('rw', db.meta, async () => {
    const row = await db.meta.get(META.clientId);
    if (typeof row?.value === 'string') return row.value;
    const id = uuidV4({ random: random16() });
    await db.meta.put({ key: META.clientId, value: id });
    return id;
  });
}

/** Structural equality of JSON-like values (what event fields hold). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && sameValue(ra[k], rb[k]));
}
