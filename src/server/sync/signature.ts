/**
 * Signatures of the rows the server hands out (events and targets), so that after a restore the
 * server can take a row back from any member's phone exactly as it once issued it (see
 * plan-recovery.ts) without trusting the phone's word for its contents.
 *
 * The signature is HMAC-SHA-256, keyed with the ledger's sign key (table `ledger`, carried by
 * every backup), over a canonical text of the row:
 * - object keys sorted at every level, because PostgreSQL's JSONB hands rows back in its own key
 *   order and a phone may store them in any order;
 * - `rev` left out: a rev belongs to one epoch, and PostgreSQL moves provisional revs after
 *   planning (postgres.ts shiftRevs);
 * - keys whose value is null left out, so a field added later with a null default (rows stored
 *   before it existed lack it) does not void the signatures of older rows.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The text a row's signature covers (see the module comment). */
export function canonicalRecordText(row: object): string {
  return JSON.stringify(canonical(row, true));
}

function canonical(value: unknown, top: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v, false));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v === null || v === undefined || (top && k === 'rev')) continue;
      out[k] = canonical(v, false);
    }
    return out;
  }
  return value;
}

/** The signature of a row under `key` (hex), as base64url. */
export function signRecord(key: string, row: object): string {
  return createHmac('sha256', Buffer.from(key, 'hex')).update(canonicalRecordText(row)).digest('base64url');
}

/** Whether `sig` is the signature of `row` under `key`; constant-time in the signature. */
export function verifyRecord(key: string, row: object, sig: string | null | undefined): boolean {
  if (typeof sig !== 'string' || sig.length === 0 || sig.length > 100) return false;
  const expected = Buffer.from(signRecord(key, row));
  const given = Buffer.from(sig);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
