import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { ledgerDb, setLedgerDbFactory } from '../../../src/app/db/database';
import { useLedgerStore } from '../../../src/app/stores/ledger';
import { useSessionStore, type StoredSession } from '../../../src/app/stores/session';
import { ApiError } from '../../../src/sync/api-error';
import { freshDb, sampleContent } from '../db/helpers';

const ANSWER = {
  token: 'tok-1',
  user: { id: 'u-zhang', orgId: 'org-1', role: 'volunteer', name: '张志愿', username: 'zhang', disabled: false, createdAt: '2026-01-01T00:00:00Z' },
  org: { id: 'org-1', name: '惠东县科协' },
};
const STORED: StoredSession = {
  userId: 'u-zhang',
  orgId: 'org-1',
  role: 'volunteer',
  name: '张志愿',
  token: 'tok-1',
  serverUrl: 'https://kepu.example',
  username: 'zhang',
  orgName: '惠东县科协',
  expired: false,
};

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('useSessionStore', () => {
  let calls: { url: string; method: string; auth: string | null; body: unknown }[];
  let reply: () => Response;

  beforeEach(() => {
    setActivePinia(createPinia());
    setLedgerDbFactory(freshDb);
    calls = [];
    reply = () => answer(200, ANSWER);
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({
        url,
        method: init.method ?? 'GET',
        auth: new Headers(init.headers).get('authorization'),
        body: init.body ? JSON.parse(String(init.body)) : null,
      });
      return reply();
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('signs in and keeps the identity, token and server in meta session', async () => {
    const session = useSessionStore();
    await session.signIn('https://kepu.example/', { username: 'zhang', password: 'secret-123' });
    expect(calls).toEqual([{ url: 'https://kepu.example/api/login', method: 'POST', auth: null, body: { username: 'zhang', password: 'secret-123' } }]);
    const db = ledgerDb();
    expect((await db.meta.get('session'))?.value).toEqual({ ...STORED, serverUrl: 'https://kepu.example/' });
    expect([session.signedIn, session.needsSignIn]).toEqual([true, false]);
  });

  it('joins with an invite code', async () => {
    const session = useSessionStore();
    await session.join('', { code: 'ABCD-EFGH', name: '张志愿', phoneOrUsername: 'zhang', password: 'secret-123' });
    expect(calls.map((c) => [c.url, c.body])).toEqual([['/api/join', { code: 'ABCD-EFGH', name: '张志愿', phoneOrUsername: 'zhang', password: 'secret-123' }]]);
    expect(session.session).toEqual({ ...STORED, serverUrl: '' });
  });

  it('turns a refused login into an ApiError with the server code, and stores nothing', async () => {
    reply = () => answer(401, { error: 'badCredentials', message: 'Wrong username or password.' });
    const session = useSessionStore();
    await expect(session.signIn('', { username: 'zhang', password: 'nope' })).rejects.toMatchObject({ name: 'ApiError', code: 'badCredentials', status: 401 });
    expect(await ledgerDb().meta.get('session')).toBeUndefined();
  });

  it('reports an unreachable server as offline', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(useSessionStore().signIn('', { username: 'zhang', password: 'x' })).rejects.toMatchObject({
      name: 'ApiError',
      kind: 'offline',
      status: null,
      reason: 'offline',
    });
    expect(useSessionStore().session).toBeNull();
  });

  it('asks to sign in again after a 401 without touching the ledger or the outbox', async () => {
    const ledger = useLedgerStore();
    const db = ledgerDb();
    await db.meta.put({ key: 'session', value: STORED });
    const row = await ledger.repo.createEvent(ledger.repo.newEventId(), sampleContent(), 'submitted');
    const session = useSessionStore();
    await session.load();
    await session.markExpired();
    expect([session.expired, session.needsSignIn]).toEqual([true, true]);
    expect((await db.meta.get('session'))?.value).toEqual({ ...STORED, expired: true, expiredReason: 'revoked' });
    expect(session.expiredReason).toBe('revoked');
    expect(await db.events.get(row.id)).toEqual(row);
    expect(await db.outbox.count()).toBe(1);
    // Signing in again clears the mark and keeps everything.
    await session.signIn('https://kepu.example', { username: 'zhang', password: 'secret-123' });
    expect([session.expired, session.signedIn, await db.outbox.count()]).toEqual([false, true, 1]);
  });

  it('remembers that the sign-in expired (401 sessionExpired) rather than was revoked', async () => {
    await ledgerDb().meta.put({ key: 'session', value: STORED });
    const session = useSessionStore();
    await session.load();
    expect(session.expiredReason).toBeNull();
    await session.markExpired('sessionExpired');
    expect([session.expired, session.expiredReason]).toEqual([true, 'sessionExpired']);
    expect((await ledgerDb().meta.get('session'))?.value).toEqual({ ...STORED, expired: true, expiredReason: 'sessionExpired' });
  });

  it('changes the password with the session’s token and stays signed in', async () => {
    await ledgerDb().meta.put({ key: 'session', value: STORED });
    reply = () => new Response(null, { status: 204 });
    const session = useSessionStore();
    await session.changePassword({ currentPassword: 'secret-123', newPassword: 'secret-456-new' });
    expect(calls).toEqual([
      {
        url: 'https://kepu.example/api/me/password',
        method: 'POST',
        auth: 'Bearer tok-1',
        body: { currentPassword: 'secret-123', newPassword: 'secret-456-new' },
      },
    ]);
    expect([session.signedIn, session.session?.token]).toEqual([true, 'tok-1']);
  });

  it('a wrong current password is an ApiError naming the field; a 401 marks the session expired', async () => {
    await ledgerDb().meta.put({ key: 'session', value: STORED });
    const session = useSessionStore();
    reply = () =>
      answer(403, { error: 'wrongPassword', message: 'The current password is wrong.', problems: [{ field: 'currentPassword', code: 'wrongPassword' }] });
    await expect(session.changePassword({ currentPassword: 'nope', newPassword: 'secret-456-new' })).rejects.toMatchObject({
      code: 'wrongPassword',
      status: 403,
      problems: [{ field: 'currentPassword', code: 'wrongPassword' }],
    });
    expect(session.expired).toBe(false);
    reply = () => answer(401, { error: 'sessionExpired', message: 'The session has expired.' });
    await expect(session.changePassword({ currentPassword: 'secret-123', newPassword: 'secret-456-new' })).rejects.toMatchObject({
      code: 'sessionExpired',
      status: 401,
    });
    expect([session.expired, session.expiredReason]).toEqual([true, 'sessionExpired']);
  });

  it('signs out by forgetting the token only, telling the server when it can', async () => {
    const db = ledgerDb();
    await db.meta.put({ key: 'session', value: STORED });
    reply = () => new Response(null, { status: 204 });
    const session = useSessionStore();
    await session.signOut();
    expect(calls.map((c) => [c.url, c.auth])).toEqual([['https://kepu.example/api/logout', 'Bearer tok-1']]);
    expect((await db.meta.get('session'))?.value).toEqual({ ...STORED, token: null });
    expect(session.signedIn).toBe(false);
  });

  it('refuses to sign in as another user while this phone holds unsynced records', async () => {
    const ledger = useLedgerStore();
    await ledgerDb().meta.put({ key: 'session', value: { ...STORED, userId: 'u-li' } });
    await ledger.repo.createEvent(ledger.repo.newEventId(), sampleContent(), 'submitted');
    const session = useSessionStore();
    await expect(session.signIn('', { username: 'zhang', password: 'secret-123' })).rejects.toMatchObject({ code: 'otherUserPending' });
    expect(session.session?.userId).toBe('u-li');
  });
});
