/**
 * The server secret: the key of the invite-code HMAC. It must not live in the database (a copy of
 * the database alone must not let anyone test guesses against the stored codes), so it comes from
 * SECRET_KEY, else from `secret.key` in DATA_DIR, created once with mode 0600. Several servers
 * over one PostgreSQL database must share it (set the same SECRET_KEY on each): a code made on
 * one is checked on another. The database keeps only a fingerprint, to notice a mismatch.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Store } from '../store/store.js';

export const SECRET_FILE = 'secret.key';
/** The shortest SECRET_KEY accepted (`openssl rand -base64 32` prints 44 characters). */
export const SECRET_MIN_LENGTH = 32;

export interface LoadedSecret {
  key: Buffer;
  /** Where it came from: the environment, an existing file, or a file made just now. */
  source: 'env' | 'file' | 'created';
  file: string | null;
}

function checked(text: string, where: string): Buffer {
  const s = text.trim();
  if (s.length < SECRET_MIN_LENGTH)
    throw new Error(`${where} must hold at least ${SECRET_MIN_LENGTH} characters (e.g. the output of \`openssl rand -base64 32\`)`);
  return Buffer.from(s, 'utf8');
}

/** SECRET_KEY when given, else `dataDir/secret.key`, made on first use (never overwritten). */
export function loadSecret(envValue: string | null, dataDir: string): LoadedSecret {
  if (envValue !== null) return { key: checked(envValue, 'SECRET_KEY'), source: 'env', file: null };
  const file = path.join(dataDir, SECRET_FILE);
  try {
    return { key: checked(readFileSync(file, 'utf8'), file), source: 'file', file };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dataDir, { recursive: true });
  try {
    // 'wx': create only; two processes starting together cannot both write a different secret.
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
    return { key: checked(readFileSync(file, 'utf8'), file), source: 'created', file };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return { key: checked(readFileSync(file, 'utf8'), file), source: 'file', file };
  }
}

/** A fingerprint of the secret, safe to store: an HMAC of a fixed text. */
export function fingerprintOf(key: Buffer): string {
  return createHmac('sha256', key).update('kepu-ledger secret fingerprint v1').digest('hex');
}

/**
 * Records the secret's fingerprint in the store on first use; false when the store already holds
 * a different one (this server's secret differs from the others': invite codes made by them, or
 * before the change, are refused here).
 */
export async function secretMatchesStore(store: Store, key: Buffer): Promise<boolean> {
  const mine = fingerprintOf(key);
  return (await store.secretFingerprint(mine)) === mine;
}
