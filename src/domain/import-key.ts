/**
 * The import key of a table row and the event id it gives. The key is the SHA-256 of the row's
 * event content in a canonical form (keys sorted), so the same row read from the same file, as
 * CSV or as XLSX, on any device, has the same key. The id is a UUID made from the SHA-256 of the
 * organisation and the key (version 8, RFC 9562 §5.8, the form for hash-made ids other than
 * SHA-1): two staff devices that import the same row offline make the SAME event, which sync
 * merges into one instead of doubling it.
 *
 * SHA-256 comes from @noble/hashes, synchronous and pure: crypto.subtle is asynchronous and
 * missing outside a secure context, and the app may be served over plain http on a LAN.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { EventContent } from './event.js';

/** JSON with object keys sorted at every depth: one text for one value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v as Record<string, unknown>)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}

/** A row's import key: lower-case hex SHA-256 of its content's canonical JSON. */
export function importKeyOf(content: EventContent): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(content))));
}

/** The event id of an imported row: a UUID v8 from SHA-256("kepu-import", org, key). */
export function importedEventId(orgId: string, key: string): string {
  const b = sha256(utf8ToBytes(`kepu-import\u0000${orgId}\u0000${key}`)).slice(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80; // version 8
  b[8] = (b[8]! & 0x3f) | 0x80; // variant 10
  const h = bytesToHex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
