/**
 * Two server processes over one database (the scale-out path on PostgreSQL; two store objects on
 * one SQLite file stand for it there): each app has its OWN store object, so nothing is shared
 * but the database. A revocation on one is refused at once on the other, login limits add up
 * across both, and they survive a restart.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bearer, handleFor, seedAccounts, testApp, type Accounts, type StoreHandle, type StoreKind } from './helpers';

const PW = 'correct horse battery';

describe.each<StoreKind>(['sqlite', 'postgres'])('two servers over one %s database', (kind) => {
  let h: StoreHandle;
  let a: FastifyInstance;
  let b: FastifyInstance;
  let acc: Accounts;
  const apps: FastifyInstance[] = [];

  async function server(): Promise<FastifyInstance> {
    const app = await testApp(await h.reopen(), { rateLimits: { codePerAddress: 6 } });
    apps.push(app);
    return app;
  }

  beforeEach(async () => {
    h = await handleFor(kind);
    a = await server();
    b = await server();
    acc = await seedAccounts(a);
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await h.cleanup();
  });

  const me = (app: FastifyInstance, token: string) => app.inject({ url: '/api/me', headers: bearer(token) });
  const login = (app: FastifyInstance, username: string, password: string, ip = '10.9.0.1') =>
    app.inject({ method: 'POST', url: '/api/login', payload: { username, password }, remoteAddress: ip });

  test('a logout on A is refused at once on B, though B has just served that token', async () => {
    const token = (await login(a, 'staff1', PW)).json<{ token: string }>().token;
    expect((await me(b, token)).statusCode).toBe(200);
    expect((await a.inject({ method: 'POST', url: '/api/logout', headers: bearer(token) })).statusCode).toBe(204);
    const after = await me(b, token);
    expect([after.statusCode, after.json().error]).toEqual([401, 'unauthenticated']);
  });

  test('a user disabled on A is refused at once on B', async () => {
    expect((await me(b, acc.volA.token)).statusCode).toBe(200);
    const off = await a.inject({ method: 'PATCH', url: `/api/users/${acc.volA.userId}`, headers: bearer(acc.admin), payload: { disabled: true } });
    expect(off.statusCode).toBe(200);
    expect((await me(b, acc.volA.token)).statusCode).toBe(401);
    expect((await b.inject({ method: 'GET', url: '/api/sync/pull?cursor=0', headers: bearer(acc.volA) })).statusCode).toBe(401);
  });

  test('a password reset on A ends the old sessions on B at once', async () => {
    expect((await me(b, acc.volB.token)).statusCode).toBe(200);
    await a.inject({ method: 'PATCH', url: `/api/users/${acc.volB.userId}`, headers: bearer(acc.admin), payload: { password: 'a brand new password' } });
    expect((await me(b, acc.volB.token)).statusCode).toBe(401);
  });

  test('10 failed logins spread over A and B block the account on both', async () => {
    for (let i = 0; i < 10; i++) expect((await login(i % 2 ? a : b, 'staff1', 'wrong password', `10.9.1.${i}`)).statusCode).toBe(401);
    const onA = await login(a, 'staff1', PW, '10.9.2.1');
    const onB = await login(b, 'staff1', PW, '10.9.2.2');
    expect([onA.statusCode, onA.json().error, onB.statusCode, onB.json().error]).toEqual([429, 'rateLimited', 429, 'rateLimited']);
  });

  test('invite guesses from one address add up across A and B', async () => {
    const join = (app: FastifyInstance, i: number) =>
      app.inject({
        method: 'POST',
        url: '/api/join',
        payload: { code: `GUES-S00${i}-AAAA-BBBB`, name: '王五', phoneOrUsername: `guess${i}`, password: PW },
        remoteAddress: '10.9.3.1',
      });
    for (let i = 0; i < 6; i++) expect((await join(i % 2 ? a : b, i)).statusCode).toBe(403);
    expect((await join(a, 7)).statusCode).toBe(429);
    expect((await join(b, 8)).statusCode).toBe(429);
  });

  test('a blocked account stays blocked after a restart (a new app over the same database)', async () => {
    for (let i = 0; i < 10; i++) await login(a, 'staff1', 'wrong password', `10.9.4.${i}`);
    await a.close();
    await b.close();
    const restarted = await server();
    const res = await login(restarted, 'staff1', PW, '10.9.4.99');
    expect([res.statusCode, res.json().error]).toEqual([429, 'rateLimited']);
    expect((await login(restarted, '13800000001', PW, '10.9.4.99')).statusCode).toBe(200);
  });
});
