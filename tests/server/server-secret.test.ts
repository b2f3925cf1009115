/**
 * The server secret (the invite-code HMAC key): SECRET_KEY, else DATA_DIR/secret.key made once
 * with mode 0600; the database keeps only its fingerprint, so a server with another secret is told apart.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { fingerprintOf, loadSecret, secretMatchesStore } from '../../src/server/auth/secret';
import { handleFor, type StoreKind } from './helpers';

describe('the server secret', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kl-secret-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('without SECRET_KEY a file is made once in DATA_DIR, readable by the owner only, and reused', () => {
    const first = loadSecret(null, path.join(dir, 'data'));
    const file = path.join(dir, 'data', 'secret.key');
    expect([first.source, first.file, statSync(file).mode & 0o777]).toEqual(['created', file, 0o600]);
    expect(first.key.toString()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = loadSecret(null, path.join(dir, 'data'));
    expect([again.source, again.key.equals(first.key)]).toEqual(['file', true]);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.key.toString());
  });

  test('SECRET_KEY wins over the file, and must be at least 32 characters', () => {
    writeFileSync(path.join(dir, 'secret.key'), 'x'.repeat(40));
    expect(loadSecret('k'.repeat(32), dir)).toEqual({ key: Buffer.from('k'.repeat(32)), source: 'env', file: null });
    expect(() => loadSecret('too short', dir)).toThrow('SECRET_KEY must hold at least 32 characters');
    writeFileSync(path.join(dir, 'secret.key'), 'short\n');
    expect(() => loadSecret(null, dir)).toThrow(`${path.join(dir, 'secret.key')} must hold at least 32 characters`);
  });
});

describe.each<StoreKind>(['sqlite', 'postgres'])('the secret’s fingerprint on %s', (kind) => {
  test('is kept on first start; another secret is told apart', async () => {
    const h = await handleFor(kind);
    try {
      const key = randomBytes(32);
      expect(await secretMatchesStore(h.store, key)).toBe(true);
      expect(await secretMatchesStore(h.store, Buffer.from(key))).toBe(true);
      expect(await secretMatchesStore(h.store, randomBytes(32))).toBe(false);
      expect((await h.store.dump()).server_keys).toEqual([{ name: 'secret', value: fingerprintOf(key) }]);
    } finally {
      await h.cleanup();
    }
  });
});
