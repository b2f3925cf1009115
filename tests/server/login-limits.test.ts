/**
 * Login limits under parallel requests: an attempt is counted before its password is checked, so
 * requests that arrive together cannot all slip past the limit while scrypt runs.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { handleFor, seedAccounts, testApp, type Accounts, type StoreHandle, type StoreKind } from './helpers';

const PW = 'correct horse battery';

/** How many answers had each status, e.g. { 401: 10, 429: 30 }. */
function tally(rs: LightMyRequestResponse[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of rs) out[r.statusCode] = (out[r.statusCode] ?? 0) + 1;
  return out;
}

describe.each<StoreKind>(['sqlite', 'postgres'])('login limits under parallel requests on %s', (kind) => {
  let h: StoreHandle;
  let app: FastifyInstance;
  let acc: Accounts;

  beforeEach(async () => {
    h = await handleFor(kind);
    // The defaults: 10 per account, 100 per address, per 15 minutes.
    app = await testApp(h.store);
    acc = await seedAccounts(app);
  });
  afterEach(async () => {
    await app.close();
    await h.cleanup();
  });

  const login = (username: string, password: string, ip: string) =>
    app.inject({ method: 'POST', url: '/api/login', payload: { username, password }, remoteAddress: ip });

  test('40 wrong passwords sent at once: 10 are checked (401), 30 are refused (429)', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login('staff1', `wrong password ${i}`, '10.1.0.1')));
    expect(tally(answers)).toEqual({ 401: 10, 429: 30 });
    expect((await login('staff1', PW, '10.1.0.2')).statusCode).toBe(429);
  });

  test('300 guesses at once from three addresses: only 10 reach the password check, so the right one (last) is refused', async () => {
    const guesses = Array.from({ length: 300 }, (_, i) => (i === 299 ? PW : `guess number ${i}`));
    const answers = await Promise.all(guesses.map((pw, i) => login('staff1', pw, `10.2.0.${i % 3}`)));
    expect(tally(answers)).toEqual({ 401: 10, 429: 290 });
    expect(answers[299]!.statusCode).toBe(429);
  });

  test('a right password resets the account’s count: 9 failures, a success, then 10 more failures are checked', async () => {
    for (let i = 0; i < 9; i++) expect((await login('staff1', 'wrong password', '10.3.0.1')).statusCode).toBe(401);
    expect((await login('staff1', PW, '10.3.0.1')).statusCode).toBe(200);
    const again = await Promise.all(Array.from({ length: 12 }, () => login('staff1', 'wrong password', '10.3.0.1')));
    expect(tally(again)).toEqual({ 401: 10, 429: 2 });
    expect(acc.staff.username).toBe('staff1');
  });
});
