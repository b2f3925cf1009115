/**
 * POST /api/me/password: anyone signed in changes their own password. The current password is
 * checked like a login (a wrong one counts against the account's login limit); the new one
 * follows the join/setup rule; every other session of the person ends, the asking one stays.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bearer, handleFor, seedAccounts, testApp, type Account, type Accounts, type StoreHandle, type StoreKind } from './helpers';

const PW = 'correct horse battery';
const NEW_PW = 'a much better passphrase';

describe.each<StoreKind>(['sqlite', 'postgres'])('changing one’s own password on %s', (kind) => {
  let h: StoreHandle;
  let app: FastifyInstance;
  let acc: Accounts;

  beforeEach(async () => {
    h = await handleFor(kind);
    app = await testApp(h.store, { rateLimits: { loginPerAccount: 3 } });
    acc = await seedAccounts(app);
  });
  afterEach(async () => {
    await app.close();
    await h.cleanup();
  });

  const change = (who: Account | string, payload: unknown) =>
    app.inject({ method: 'POST', url: '/api/me/password', headers: bearer(who), payload: payload as object });
  const login = (username: string, password: string) => app.inject({ method: 'POST', url: '/api/login', payload: { username, password } });
  const me = (token: string) => app.inject({ url: '/api/me', headers: bearer(token) });

  test.each<keyof Accounts>(['volA', 'staff', 'admin'])('%s changes it: this session stays, the others end, only the new password signs in', async (who) => {
    const a = acc[who];
    const other = (await login(a.username, PW)).json<{ token: string }>().token;
    const res = await change(a, { currentPassword: PW, newPassword: NEW_PW });
    expect([res.statusCode, res.body]).toEqual([204, '']);
    expect((await me(a.token)).statusCode).toBe(200);
    expect([(await me(other)).statusCode, (await me(other)).json().error]).toEqual([401, 'unauthenticated']);
    expect((await me(acc.volB.token)).statusCode).toBe(200);
    expect((await login(a.username, PW)).statusCode).toBe(401);
    expect((await login(a.username, NEW_PW)).statusCode).toBe(200);
  });

  test('a wrong current password is refused, changes nothing, and counts as a failed login', async () => {
    const before = await h.store.dump();
    const wrong = await change(acc.volA, { currentPassword: 'not my password', newPassword: NEW_PW });
    expect([wrong.statusCode, wrong.json()]).toEqual([
      403,
      { error: 'wrongPassword', message: 'The current password is wrong.', problems: [{ field: 'currentPassword', code: 'wrongPassword' }] },
    ]);
    expect({ ...(await h.store.dump()), auth_limits: [] }).toEqual({ ...before, auth_limits: [] });
    // Two more failures, one by login and one here, use up the account's 3 attempts.
    expect((await login(acc.volA.username, 'not my password')).statusCode).toBe(401);
    expect((await change(acc.volA, { currentPassword: 'still not it', newPassword: NEW_PW })).statusCode).toBe(403);
    const blocked = await change(acc.volA, { currentPassword: PW, newPassword: NEW_PW });
    expect([blocked.statusCode, blocked.json().error]).toEqual([429, 'rateLimited']);
    expect((await login(acc.volA.username, PW)).statusCode).toBe(429);
    // The session itself is untouched.
    expect((await me(acc.volA.token)).statusCode).toBe(200);
  });

  test('the new password follows the join rule, must differ from the current one, and every problem is named', async () => {
    const short = await change(acc.volA, { currentPassword: PW, newPassword: 'short' });
    expect([short.statusCode, short.json().problems]).toEqual([400, [{ field: 'newPassword', code: 'tooShort' }]]);
    const same = await change(acc.volA, { currentPassword: PW, newPassword: PW });
    expect([same.statusCode, same.json().problems]).toEqual([400, [{ field: 'newPassword', code: 'samePassword' }]]);
    const empty = await change(acc.volA, { currentPassword: '', newPassword: 'x'.repeat(201), extra: true });
    expect([empty.statusCode, empty.json().problems]).toEqual([
      400,
      [
        { field: 'currentPassword', code: 'required' },
        { field: 'newPassword', code: 'tooLong' },
        { field: 'extra', code: 'unknownField' },
      ],
    ]);
    expect((await login(acc.volA.username, PW)).statusCode).toBe(200);
  });

  test('without a valid session it is 401 and nothing is checked', async () => {
    const anonymous = await app.inject({ method: 'POST', url: '/api/me/password', payload: { currentPassword: PW, newPassword: NEW_PW } });
    expect([anonymous.statusCode, anonymous.json().error]).toEqual([401, 'unauthenticated']);
    await app.inject({ method: 'POST', url: '/api/logout', headers: bearer(acc.volA) });
    expect((await change(acc.volA, { currentPassword: PW, newPassword: NEW_PW })).statusCode).toBe(401);
    expect((await login(acc.volA.username, PW)).statusCode).toBe(200);
  });
});
