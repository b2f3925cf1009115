/**
 * Accounts over HTTP: first-start setup code, login and its rate limits, logout, invites and
 * joining, disabling and password resets, hashed secrets at rest.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { buildApp } from '../../src/server/app';
import { bearer, handleFor, SETUP_CODE, seedAccounts, testApp, type Accounts, type StoreHandle, type StoreKind } from './helpers';

const PW = 'correct horse battery';
const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

describe.each<StoreKind>(['sqlite', 'postgres'])('accounts on %s', (kind) => {
  let h: StoreHandle;
  let app: FastifyInstance;

  beforeEach(async () => {
    h = await handleFor(kind);
    app = await testApp(h.store, { rateLimits: { loginPerAccount: 3, loginPerAddress: 8, codePerAddress: 6 } });
  });
  afterEach(async () => {
    await app.close();
    await h.cleanup();
  });

  const setup = (code: string, extra: Record<string, unknown> = {}) =>
    app.inject({ method: 'POST', url: '/api/setup', payload: { code, orgName: '惠东县科协', adminName: '李管理', password: PW, ...extra } });

  test('before setup the health check says so; a wrong setup code is refused and writes nothing', async () => {
    expect((await app.inject('/api/health')).json()).toEqual({ status: 'ok', v: 1, setupNeeded: true });
    const before = await h.store.dump();
    const wrong = await setup('WRNG-CODE');
    expect([wrong.statusCode, wrong.json().error]).toEqual([403, 'badSetupCode']);
    // Only the attempt is counted (against guessing), nothing else.
    const after = await h.store.dump();
    expect(after.auth_limits).toEqual([{ key: 'code:address:127.0.0.1', window_start: expect.any(Number), hits: 1 }]);
    expect({ ...after, auth_limits: [] }).toEqual(before);
  });

  test('the setup code creates the association and admin once (any case, dash optional); then setup is closed', async () => {
    const ok = await setup(SETUP_CODE.toLowerCase().replace('-', ''), { username: 'Boss' });
    expect(ok.statusCode).toBe(201);
    const s = ok.json<{ token: string; user: { role: string; username: string; name: string }; org: { name: string } }>();
    expect([s.user.role, s.user.username, s.user.name, s.org.name]).toEqual(['admin', 'boss', '李管理', '惠东县科协']);
    expect((await app.inject({ url: '/api/me', headers: bearer(s.token) })).json().user.username).toBe('boss');
    expect((await app.inject('/api/health')).json().setupNeeded).toBe(false);
    const again = await setup(SETUP_CODE);
    expect([again.statusCode, again.json().error]).toEqual([409, 'setupDone']);
  });

  test('without a given code the server makes a random one-time code, and none once an admin exists', async () => {
    const fresh = await buildApp({ store: h.store, staticDir: null, scryptN: 1024 });
    expect(fresh.kepu.setupCode).toMatch(/^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$/);
    await fresh.close();
    await setup(SETUP_CODE);
    const later = await buildApp({ store: h.store, staticDir: null, scryptN: 1024 });
    expect(later.kepu.setupCode).toBeNull();
    await later.close();
  });

  test('passwords are stored as scrypt hashes and tokens only as their SHA-256', async () => {
    const s = (await setup(SETUP_CODE)).json<{ token: string }>();
    const dump = await h.store.dump();
    const users = dump.users as { password_hash: string }[];
    expect(users[0]!.password_hash).toMatch(/^scrypt\$16\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(JSON.stringify(dump)).not.toContain(PW);
    expect(JSON.stringify(dump)).not.toContain(s.token);
    expect((dump.tokens as { token_hash: string }[])[0]!.token_hash).toBe(createHash('sha256').update(s.token).digest('hex'));
  });

  describe('with accounts', () => {
    let acc: Accounts;
    beforeEach(async () => {
      acc = await seedAccounts(app);
    });

    const login = (username: string, password: string, ip = '10.0.0.1') =>
      app.inject({ method: 'POST', url: '/api/login', payload: { username, password }, remoteAddress: ip });

    test('a wrong password and an unknown user get the same 401', async () => {
      const a = await login('staff1', 'wrong password');
      const b = await login('nobody', 'wrong password');
      expect([a.statusCode, a.json()]).toEqual([401, { error: 'badCredentials', message: 'Wrong username or password.' }]);
      expect([b.statusCode, b.json()]).toEqual([401, { error: 'badCredentials', message: 'Wrong username or password.' }]);
    });

    test('logins are limited per account: after 3 failures even the right password gets 429; other accounts are unaffected', async () => {
      for (let i = 0; i < 3; i++) expect((await login('staff1', 'wrong password', `10.0.1.${i}`)).statusCode).toBe(401);
      const blocked = await login('staff1', PW, '10.0.1.9');
      expect([blocked.statusCode, blocked.json().error]).toEqual([429, 'rateLimited']);
      expect(blocked.json().message).toMatch(/Too many attempts/);
      expect((await login('13800000001', PW, '10.0.1.9')).statusCode).toBe(200);
    });

    test('logins are limited per address', async () => {
      for (let i = 0; i < 8; i++) await login(`user${i}`, 'wrong password', '10.0.2.1');
      expect((await login('staff1', PW, '10.0.2.1')).statusCode).toBe(429);
      expect((await login('staff1', PW, '10.0.2.2')).statusCode).toBe(200);
    });

    test('a successful login clears the account’s failures', async () => {
      await login('staff1', 'wrong password');
      await login('staff1', 'wrong password');
      expect((await login('staff1', PW)).statusCode).toBe(200);
      await login('staff1', 'wrong password');
      await login('staff1', 'wrong password');
      expect((await login('staff1', PW)).statusCode).toBe(200);
    });

    test('logout revokes that token only', async () => {
      const second = (await login('13800000001', PW)).json<{ token: string }>().token;
      expect((await app.inject({ method: 'POST', url: '/api/logout', headers: bearer(second) })).statusCode).toBe(204);
      expect((await app.inject({ url: '/api/me', headers: bearer(second) })).statusCode).toBe(401);
      expect((await app.inject({ url: '/api/me', headers: bearer(acc.volA) })).statusCode).toBe(200);
    });

    test('GET /api/me says who and which association', async () => {
      const me = (await app.inject({ url: '/api/me', headers: bearer(acc.volA) })).json();
      expect(me).toEqual({
        user: {
          id: acc.volA.userId,
          orgId: acc.volA.orgId,
          role: 'volunteer',
          name: '志愿者甲',
          username: '13800000001',
          disabled: false,
          createdAt: expect.any(String),
        },
        org: { id: acc.volA.orgId, name: '惠东县科协' },
      });
    });

    async function invite(payload: Record<string, unknown>, who = acc.staff) {
      return app.inject({
        method: 'POST',
        url: '/api/invites',
        headers: bearer(who),
        payload: { role: 'volunteer', expiresAt: inAWeek(), maxUses: 1, ...payload },
      });
    }
    const join = (code: string, username: string, ip = '10.0.3.1') =>
      app.inject({ method: 'POST', url: '/api/join', payload: { code, name: '王五', phoneOrUsername: username, password: PW }, remoteAddress: ip });

    test('an invite works up to its uses; then, and when revoked, it is refused', async () => {
      const inv = (await invite({ maxUses: 1 })).json<{ id: string; code: string; uses: number }>();
      expect(inv.code).toMatch(/^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$/);
      const ok = await join(inv.code.toLowerCase(), '13900000001');
      expect(ok.statusCode).toBe(201);
      expect(ok.json().user.role).toBe('volunteer');
      const used = await join(inv.code, '13900000002');
      expect([used.statusCode, used.json().error]).toEqual([403, 'badInvite']);
      const inv2 = (await invite({ maxUses: 5 })).json<{ id: string; code: string }>();
      expect((await app.inject({ method: 'DELETE', url: `/api/invites/${inv2.id}`, headers: bearer(acc.staff) })).statusCode).toBe(204);
      expect((await join(inv2.code, '13900000003')).statusCode).toBe(403);
      const list = (await app.inject({ url: '/api/invites', headers: bearer(acc.staff) })).json<{
        invites: { id: string; uses: number; revoked: boolean; code?: string }[];
      }>().invites;
      expect(list.find((i) => i.id === inv.id)).toMatchObject({ uses: 1, revoked: false });
      expect(list.find((i) => i.id === inv2.id)).toMatchObject({ uses: 0, revoked: true });
      expect(list.every((i) => i.code === undefined)).toBe(true);
    });

    test('an expired invite is refused; an invite must expire in the future and within a year', async () => {
      let clock = Date.now();
      const app2 = await testApp(h.store, { now: () => new Date(clock) });
      const inv = (
        await app2.inject({
          method: 'POST',
          url: '/api/invites',
          headers: bearer(acc.staff),
          payload: { role: 'volunteer', expiresAt: new Date(clock + 3_600_000).toISOString(), maxUses: 3 },
        })
      ).json<{ code: string }>();
      clock += 2 * 3_600_000;
      const late = await app2.inject({
        method: 'POST',
        url: '/api/join',
        payload: { code: inv.code, name: '迟到', phoneOrUsername: 'late-user', password: PW },
      });
      expect([late.statusCode, late.json().error]).toEqual([403, 'badInvite']);
      await app2.close();
      const past = await invite({ expiresAt: new Date(Date.now() - 1000).toISOString() });
      expect([past.statusCode, past.json().problems]).toEqual([400, [{ field: 'expiresAt', code: 'inPast' }]]);
      const far = await invite({ expiresAt: new Date(Date.now() + 400 * 86_400_000).toISOString() });
      expect([far.statusCode, far.json().problems]).toEqual([400, [{ field: 'expiresAt', code: 'tooFar' }]]);
    });

    test('joining with a taken phone number is a 409 and uses nothing', async () => {
      const inv = (await invite({ maxUses: 1 })).json<{ code: string }>();
      const taken = await join(inv.code, '13800000001');
      expect([taken.statusCode, taken.json().error]).toEqual([409, 'usernameTaken']);
      expect((await join(inv.code, '13900000009')).statusCode).toBe(201);
    });

    test('staff may not invite staff; the admin may, and the joiner becomes staff', async () => {
      expect((await invite({ role: 'staff' })).statusCode).toBe(403);
      const inv = (await invite({ role: 'staff' }, acc.admin)).json<{ code: string }>();
      const j = await join(inv.code, 'new-staff');
      expect(j.json().user.role).toBe('staff');
    });

    test('guessing invite codes is rate-limited per address', async () => {
      for (let i = 0; i < 6; i++) expect((await join(`GUES-S00${i}-AAAA-BBBB`, `guess${i}`, '10.0.4.1')).json().error).toBe('badInvite');
      expect((await join('GUES-S009-AAAA-BBBB', 'guess9', '10.0.4.1')).statusCode).toBe(429);
    });

    test('the admin resets a password: old sessions end, the new password works', async () => {
      const res = await app.inject({
        method: 'PATCH',
        url: `/api/users/${acc.volA.userId}`,
        headers: bearer(acc.admin),
        payload: { password: 'a brand new password' },
      });
      expect(res.statusCode).toBe(200);
      expect((await app.inject({ url: '/api/me', headers: bearer(acc.volA) })).statusCode).toBe(401);
      expect((await login('13800000001', PW)).statusCode).toBe(401);
      expect((await login('13800000001', 'a brand new password')).statusCode).toBe(200);
    });

    test('the admin cannot disable themselves; unknown users are 404; an empty patch is 400', async () => {
      const self = await app.inject({ method: 'PATCH', url: `/api/users/${acc.admin.userId}`, headers: bearer(acc.admin), payload: { disabled: true } });
      expect([self.statusCode, self.json().error]).toEqual([400, 'badRequest']);
      const unknown = await app.inject({
        method: 'PATCH',
        url: '/api/users/0190a000-0000-7000-8000-000000000000',
        headers: bearer(acc.admin),
        payload: { name: 'x' },
      });
      expect(unknown.statusCode).toBe(404);
      const empty = await app.inject({ method: 'PATCH', url: `/api/users/${acc.volA.userId}`, headers: bearer(acc.admin), payload: {} });
      expect([empty.statusCode, empty.json().problems]).toEqual([400, [{ field: '', code: 'empty' }]]);
    });

    test('a re-enabled user signs in again but old tokens stay dead', async () => {
      await app.inject({ method: 'PATCH', url: `/api/users/${acc.volB.userId}`, headers: bearer(acc.admin), payload: { disabled: true } });
      await app.inject({ method: 'PATCH', url: `/api/users/${acc.volB.userId}`, headers: bearer(acc.admin), payload: { disabled: false } });
      expect((await app.inject({ url: '/api/me', headers: bearer(acc.volB) })).statusCode).toBe(401);
      expect((await login('13800000002', PW)).statusCode).toBe(200);
    });

    test('bad input gets a 400 naming every problem', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/users',
        headers: bearer(acc.admin),
        payload: { role: 'boss', name: '', username: 'x', password: 'short', extra: 1 },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        error: 'invalid',
        message: 'The request body or parameters are invalid; see problems.',
        problems: [
          { field: 'role', code: 'badRole' },
          { field: 'name', code: 'required' },
          { field: 'username', code: 'tooShort' },
          { field: 'password', code: 'tooShort' },
          { field: 'extra', code: 'unknownField' },
        ],
      });
    });
  });
});
