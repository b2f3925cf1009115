/**
 * Bearer tokens expire: after SESSION_IDLE_DAYS without use, or SESSION_MAX_DAYS after sign-in,
 * whichever comes first; the answer is 401 `sessionExpired`. Driven by the app's injectable clock.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { readConfig } from '../../src/server/config';
import { bearer, handleFor, seedAccounts, testApp, type Accounts, type StoreHandle, type StoreKind } from './helpers';

const DAY = 86_400_000;
const PW = 'correct horse battery';
const EXPIRED = { error: 'sessionExpired', message: 'The session has expired (unused too long, or too old); sign in again.' };

describe.each<StoreKind>(['sqlite', 'postgres'])('session expiry on %s', (kind) => {
  let h: StoreHandle;
  let app: FastifyInstance;
  let acc: Accounts;
  let clock: number;
  let start: number;

  beforeEach(async () => {
    h = await handleFor(kind);
    // The real time (seedAccounts makes an invite a week from it), then moved by hand.
    start = Date.now();
    clock = start;
    app = await testApp(h.store, { now: () => new Date(clock) });
    acc = await seedAccounts(app);
  });
  afterEach(async () => {
    await app.close();
    await h.cleanup();
  });

  const me = (token: string) => app.inject({ url: '/api/me', headers: bearer(token) });
  const lastUse = async (token: string) => {
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(token).digest('hex');
    return ((await h.store.dump()).tokens as { token_hash: string; last_used_at: string }[]).find((t) => t.token_hash === hash)?.last_used_at;
  };

  test('a token unused for 30 days works; a moment later it is refused with sessionExpired', async () => {
    clock += 30 * DAY;
    expect((await me(acc.volA.token)).statusCode).toBe(200);
    clock += 30 * DAY + 1;
    const res = await me(acc.volA.token);
    expect([res.statusCode, res.json()]).toEqual([401, EXPIRED]);
    // Every route says so, the sync routes included; a fresh sign-in works at once.
    const pull = await app.inject({ url: '/api/sync/pull?cursor=0', headers: bearer(acc.volA) });
    expect([pull.statusCode, pull.json().error]).toEqual([401, 'sessionExpired']);
    const again = await app.inject({ method: 'POST', url: '/api/login', payload: { username: acc.volA.username, password: PW } });
    expect((await me(again.json<{ token: string }>().token)).statusCode).toBe(200);
  });

  test('a token used every 20 days lasts 180 days from sign-in, then is refused', async () => {
    for (let day = 20; day < 180; day += 20) {
      clock += 20 * DAY;
      expect((await me(acc.staff.token)).statusCode).toBe(200);
    }
    clock = start + 180 * DAY - 1;
    expect((await me(acc.staff.token)).statusCode).toBe(200);
    clock += 2;
    expect((await me(acc.staff.token)).json()).toEqual(EXPIRED);
  });

  test('the last use is written at most once a minute', async () => {
    const signedIn = new Date(clock).toISOString();
    expect(await lastUse(acc.volB.token)).toBe(signedIn);
    for (let s = 1; s <= 60; s += 10) {
      clock += 10_000;
      await me(acc.volB.token);
    }
    expect(await lastUse(acc.volB.token)).toBe(signedIn);
    clock += 1_000;
    await me(acc.volB.token);
    expect(await lastUse(acc.volB.token)).toBe(new Date(clock).toISOString());
  });

  test('the lifetimes are configurable', async () => {
    const short = await testApp(h.store, { now: () => new Date(clock), sessionIdleDays: 1, sessionMaxDays: 2 });
    try {
      clock += DAY + 1;
      expect((await short.inject({ url: '/api/me', headers: bearer(acc.volA) })).json().error).toBe('sessionExpired');
      expect((await me(acc.volA.token)).statusCode).toBe(200);
    } finally {
      await short.close();
    }
  });
});

describe('session settings from the environment', () => {
  test('default to 30 days idle and 180 in all; SESSION_IDLE_DAYS and SESSION_MAX_DAYS set them', () => {
    expect(readConfig({})).toMatchObject({ sessionIdleDays: 30, sessionMaxDays: 180, secretKey: null });
    expect(readConfig({ SESSION_IDLE_DAYS: '7', SESSION_MAX_DAYS: '90.5' })).toMatchObject({ sessionIdleDays: 7, sessionMaxDays: 90.5 });
  });

  test('refuse what is not a number of days above 0', () => {
    expect(() => readConfig({ SESSION_IDLE_DAYS: '0' })).toThrow('SESSION_IDLE_DAYS must be a number of days above 0 and at most 3650, got "0"');
    expect(() => readConfig({ SESSION_MAX_DAYS: 'forever' })).toThrow('SESSION_MAX_DAYS must be a number of days above 0 and at most 3650, got "forever"');
  });
});
