/**
 * Opaque bearer tokens (stored as their SHA-256) and human-typeable codes: invite codes (stored as
 * an HMAC keyed with the server secret, see secret.ts) and the one-time setup code (kept in memory).
 */
import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(s: string | Buffer): string {
  return createHash('sha256').update(s).digest('hex');
}

/** Letters and digits a person cannot confuse (no 0/O, 1/I/L): 31 symbols, ≈ 4.95 bits each. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** A code is CODE_GROUPS groups of CODE_GROUP_LENGTH symbols: 16 symbols ≈ 79 bits. */
export const CODE_GROUPS = 4;
export const CODE_GROUP_LENGTH = 4;
/** Symbols in a code made before migration 005 (`ABCD-EFGH`, ≈ 40 bits). */
export const LEGACY_CODE_LENGTH = 8;

/**
 * A code to read out or type: `ABCD-EFGH-JKMN-PQRS`. 79 bits: guessing online is hopeless under
 * the per-address limit, and a database copy without the secret gives nothing to test guesses on.
 */
export function newHumanCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < CODE_GROUPS; g++) {
    let s = '';
    for (let i = 0; i < CODE_GROUP_LENGTH; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    groups.push(s);
  }
  return groups.join('-');
}

/** Normalises a typed code (case, spaces, dashes) before hashing or comparing. */
export function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Whether a typed code has the shape of a code made before migration 005. */
export function isLegacyCode(code: string): boolean {
  return normalizeCode(code).length === LEGACY_CODE_LENGTH;
}

/** What the store keeps of an invite code: HMAC-SHA-256 of the normalised code, keyed with the server secret. */
export function inviteCodeHash(secret: Buffer, code: string): string {
  return createHmac('sha256', secret).update(normalizeCode(code)).digest('hex');
}

/** The bearer token of a request, or null. */
export function bearerOf(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header.trim());
  return m ? m[1]! : null;
}
