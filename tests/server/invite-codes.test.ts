/**
 * Invite codes: 16 symbols in groups of four (≈ 79 bits), stored as HMAC-SHA-256 keyed with a
 * server secret kept outside the database (server-secret.test.ts); codes of the old 8-symbol
 * format are refused with their own error (migration-005.test.ts: the old invites are revoked).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bearer, handleFor, seedAccounts, testApp, type Accounts, type StoreHandle, type StoreKind } from './helpers';

const PW = 'correct horse battery';
const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();
const CODE = /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/;

describe.each<StoreKind>(['sqlite', 'postgres'])('invite codes on %s', (kind) => {
  let h: StoreHandle;
  let app: FastifyInstance;
  let acc: Accounts;
  const secret = randomBytes(32);
  const extra: FastifyInstance[] = [];

  beforeEach(async () => {
    h = await handleFor(kind);
    app = await testApp(h.store, { secret });
    acc = await seedAccounts(app);
  });
  afterEach(async () => {
    for (const a of extra.splice(0)) await a.close();
    await app.close();
    await h.cleanup();
  });

  const invite = async (on = app) =>
    (
      await on.inject({ method: 'POST', url: '/api/invites', headers: bearer(acc.staff), payload: { role: 'volunteer', expiresAt: inAWeek(), maxUses: 5 } })
    ).json<{ id: string; code: string }>();
  const join = (on: FastifyInstance, code: string, username: string) =>
    on.inject({ method: 'POST', url: '/api/join', payload: { code, name: '王五', phoneOrUsername: username, password: PW } });

  test('a new code is 16 symbols in four groups, and the store keeps only its HMAC under the server secret', async () => {
    const inv = await invite();
    expect(inv.code).toMatch(CODE);
    const row = ((await h.store.dump()).invites as { id: string; code_hash: string }[]).find((i) => i.id === inv.id)!;
    const symbols = inv.code.replace(/-/g, '');
    expect(row.code_hash).toBe(createHmac('sha256', secret).update(symbols).digest('hex'));
    expect(row.code_hash).not.toBe(createHash('sha256').update(symbols).digest('hex'));
    expect(JSON.stringify(await h.store.dump())).not.toContain(symbols);
  });

  test('a code typed in lower case, with spaces or without separators, is accepted', async () => {
    const inv = await invite();
    const symbols = inv.code.replace(/-/g, '');
    expect((await join(app, inv.code.toLowerCase(), 'typed-lower')).statusCode).toBe(201);
    expect((await join(app, symbols.replace(/(.{4})/g, '$1 ').trim(), 'typed-spaces')).statusCode).toBe(201);
    expect((await join(app, symbols, 'typed-bare')).statusCode).toBe(201);
  });

  test('a server with the same secret accepts the code; one with another secret refuses it', async () => {
    const inv = await invite();
    const same = await testApp(await h.reopen(), { secret: Buffer.from(secret) });
    const other = await testApp(await h.reopen(), { secret: randomBytes(32) });
    extra.push(same, other);
    const refused = await join(other, inv.code, 'on-other');
    expect([refused.statusCode, refused.json().error]).toEqual([403, 'badInvite']);
    expect((await join(same, inv.code, 'on-same')).statusCode).toBe(201);
  });

  test('a code of the old 8-symbol format gets its own refusal, and counts as an attempt', async () => {
    const codeHits = async () => ((await h.store.dump()).auth_limits as { key: string; hits: number }[]).find((r) => r.key === 'code:address:127.0.0.1')?.hits;
    const before = await codeHits();
    const res = await join(app, 'ABCD-EFGH', 'old-code');
    expect([res.statusCode, res.json()]).toEqual([
      403,
      { error: 'inviteOutdated', message: 'This invite code has the old short format, no longer accepted; ask for a new code.' },
    ]);
    // seedAccounts set up and joined twice from this address: 3 before, 4 after.
    expect([before, await codeHits()]).toEqual([3, 4]);
  });
});
