import { describe, expect, it, vi } from 'vitest';
import { createAdminApi } from '../../../src/app/api/admin-api';
import type { ApiError } from '../../../src/sync/api-error';

function apiAnswering(status: number, body: string | null, onUnauthorized = vi.fn()) {
  const calls: { url: string; method: string; auth: string | null; body: unknown }[] = [];
  const api = createAdminApi({
    baseUrl: () => 'https://kepu.example/',
    token: () => 'tok-1',
    onUnauthorized,
    fetch: (async (url: string, init: RequestInit) => {
      calls.push({
        url,
        method: init.method ?? 'GET',
        auth: new Headers(init.headers).get('authorization'),
        body: init.body ? JSON.parse(String(init.body)) : null,
      });
      return new Response(body, { status });
    }) as unknown as typeof fetch,
  });
  return { api, calls, onUnauthorized };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as ApiError,
  );

describe('admin api', () => {
  it('sends the bearer token and the body to the session’s server', async () => {
    const { api, calls } = apiAnswering(201, JSON.stringify({ id: 'i-1', code: 'ABCD-EFGH' }));
    expect(await api.createInvite({ role: 'volunteer', expiresAt: '2026-12-01T00:00:00.000Z', maxUses: 5 })).toEqual({ id: 'i-1', code: 'ABCD-EFGH' });
    expect(calls).toEqual([
      {
        url: 'https://kepu.example/api/invites',
        method: 'POST',
        auth: 'Bearer tok-1',
        body: { role: 'volunteer', expiresAt: '2026-12-01T00:00:00.000Z', maxUses: 5 },
      },
    ]);
  });

  it('answers undefined for a 204 (revoke)', async () => {
    const { api, calls } = apiAnswering(204, null);
    expect(await api.revokeInvite('i/1')).toBeUndefined();
    expect(calls.map((c) => [c.method, c.url])).toEqual([['DELETE', 'https://kepu.example/api/invites/i%2F1']]);
  });

  it('no answer at all, or a proxy without a server behind it, is offline', async () => {
    const api = createAdminApi({
      baseUrl: () => '',
      token: () => null,
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as unknown as typeof fetch,
    });
    expect(await failure(api.listUsers())).toMatchObject({ kind: 'offline', code: null, reason: 'offline', status: null });
    expect(await failure(apiAnswering(502, '<html>Bad gateway</html>').api.listUsers())).toMatchObject({
      kind: 'offline',
      code: null,
      reason: 'http502',
      status: 502,
    });
  });

  it('a 401 marks the session expired through the callback', async () => {
    const { api, onUnauthorized } = apiAnswering(401, JSON.stringify({ error: 'unauthenticated', message: 'Sign in first' }));
    expect(await failure(api.listInvites())).toMatchObject({ kind: 'unauthorized', code: 'unauthenticated', status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('waits for the session before a request, and a 401 to a request sent without a token does not end the session', async () => {
    let token: string | null = null;
    const onUnauthorized = vi.fn();
    const sent: (string | null)[] = [];
    const api = createAdminApi({
      baseUrl: () => '',
      token: () => token,
      ready: async () => {
        await new Promise((r) => setTimeout(r, 5));
        token = 'tok-late';
      },
      onUnauthorized,
      fetch: (async (_url: string, init: RequestInit) => {
        sent.push(new Headers(init.headers).get('authorization'));
        return new Response(JSON.stringify({ users: [] }), { status: 200 });
      }) as unknown as typeof fetch,
    });
    await api.listUsers();
    expect(sent).toEqual(['Bearer tok-late']);
    const anonymous = createAdminApi({
      baseUrl: () => '',
      token: () => null,
      onUnauthorized,
      fetch: (async () => new Response(JSON.stringify({ error: 'unauthenticated', message: '' }), { status: 401 })) as unknown as typeof fetch,
    });
    expect(await failure(anonymous.listUsers())).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('tells a role refusal from other refusals and keeps the problems', async () => {
    expect(await failure(apiAnswering(403, JSON.stringify({ error: 'forbidden', message: '' })).api.listUsers())).toMatchObject({
      kind: 'rejected',
      code: 'forbidden',
      status: 403,
    });
    const bad = await failure(
      apiAnswering(403, JSON.stringify({ error: 'badSetupCode', message: '' })).api.setup({
        code: 'X',
        orgName: 'o',
        adminName: 'a',
        username: 'admin',
        password: 'long enough',
      }),
    );
    expect(bad).toMatchObject({ kind: 'rejected', code: 'badSetupCode', status: 403 });
    const invalid = await failure(
      apiAnswering(400, JSON.stringify({ error: 'invalid', message: '', problems: [{ field: 'expiresAt', code: 'inPast' }] })).api.createInvite({
        role: 'volunteer',
        expiresAt: '2020-01-01T00:00:00Z',
        maxUses: 1,
      }),
    );
    expect(invalid).toMatchObject({ kind: 'rejected', code: 'invalid', problems: [{ field: 'expiresAt', code: 'inPast' }] });
  });

  it('a server fault or a page that is not JSON is a server error, never a crash', async () => {
    expect(await failure(apiAnswering(500, JSON.stringify({ error: 'internal', message: '' })).api.listUsers())).toMatchObject({
      kind: 'server',
      code: 'internal',
    });
    expect(await failure(apiAnswering(200, '<html>captive portal</html>').api.getTaxonomy())).toMatchObject({
      kind: 'server',
      code: null,
      reason: 'server',
      status: 200,
    });
  });
});
