/**
 * A sign-in that expires on the server (the real server through inject(), its clock moved on by
 * AppOptions.now): the phone keeps its ledger, outbox and drafts, marks the session expired with
 * its reason, and the sign-in screen says in Chinese that the sign-in expired.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { FastifyInstance } from 'fastify';
import { i18n } from '../../../src/app/i18n';
import LoginView from '../../../src/app/views/LoginView.vue';
import { saveDraft } from '../../../src/app/db/draft-repository';
import { ledgerDb, setLedgerDbFactory } from '../../../src/app/db/database';
import { useLedgerStore } from '../../../src/app/stores/ledger';
import { useSessionStore, type StoredSession } from '../../../src/app/stores/session';
import { useSyncStore } from '../../../src/app/stores/sync';
import { freshDb, sampleContent } from '../db/helpers';
import { seedAccounts, sqliteHandle, testApp, type Accounts, type StoreHandle } from '../../server/helpers';

vi.mock('vant/es/toast/style', () => ({}));

const DAY = 86_400_000;

let h: StoreHandle;
let app: FastifyInstance;
let acc: Accounts;
let clock: number;
let pinia: Pinia;

/** fetch answered by the server's inject(). */
function serverFetch(): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const res = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: String(input),
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      ...(init?.body !== undefined ? { payload: typeof init.body === 'string' ? init.body : Buffer.from(await new Response(init.body).arrayBuffer()) } : {}),
    });
    return new Response(res.statusCode === 204 ? null : new Uint8Array(res.rawPayload), {
      status: res.statusCode,
      headers: { 'content-type': String(res.headers['content-type'] ?? 'application/json') },
    });
  }) as typeof fetch;
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeEach(async () => {
  pinia = createPinia();
  setActivePinia(pinia);
  setLedgerDbFactory(freshDb);
  clock = Date.now();
  h = await sqliteHandle();
  app = await testApp(h.store, { now: () => new Date(clock) });
  acc = await seedAccounts(app);
  vi.stubGlobal('fetch', serverFetch());
  const session: StoredSession = {
    userId: acc.volA.userId,
    orgId: acc.volA.orgId,
    role: 'volunteer',
    name: '志愿者甲',
    token: acc.volA.token,
    serverUrl: '',
    username: acc.volA.username,
    orgName: '惠东县科协',
    expired: false,
  };
  await ledgerDb().meta.put({ key: 'session', value: session });
});

afterEach(async () => {
  useSyncStore().pause();
  vi.unstubAllGlobals();
  await app.close();
  await h.cleanup();
});

describe('a sign-in that expires on the server', () => {
  it('keeps the ledger, the outbox and the drafts, and the sign-in screen says it expired', async () => {
    const ledger = useLedgerStore();
    const db = ledgerDb();
    const session = useSessionStore();
    const sync = useSyncStore();
    await sync.start();
    const synced = await ledger.repo.createEvent(ledger.repo.newEventId(), sampleContent({ title: '已同步的活动' }), 'submitted');
    // The whole round, not just the push: the pull after it rewrites the event in the server's form,
    // and a snapshot taken between the two would differ from the rows later (createdAt's form).
    await until(async () => sync.pendingCount === 0 && (await db.outbox.count()) === 0 && sync.status?.state === 'idle', 'the first round of sync');

    // 31 days without the app; meanwhile the phone logs an event and leaves a draft, offline.
    sync.pause();
    clock += 31 * DAY;
    const pending = await ledger.repo.createEvent(ledger.repo.newEventId(), sampleContent({ title: '未同步的活动' }), 'submitted');
    await saveDraft(db, ledger.repo.newEventId(), sampleContent({ title: '写了一半' }), clock);
    const before = { events: await db.events.toArray(), outbox: await db.outbox.toArray(), drafts: await db.drafts.toArray() };
    expect(before.outbox).toHaveLength(1);

    sync.resume();
    await until(() => session.expired, 'the session to be marked expired');
    expect([session.expiredReason, session.signedIn, sync.status?.state]).toEqual(['sessionExpired', false, 'stopped']);
    expect({ events: await db.events.toArray(), outbox: await db.outbox.toArray(), drafts: await db.drafts.toArray() }).toEqual(before);
    expect(before.events.map((e) => e.id).sort()).toEqual([synced.id, pending.id].sort());
    expect((await db.meta.get('session'))?.value as StoredSession).toMatchObject({ token: acc.volA.token, expired: true, expiredReason: 'sessionExpired' });

    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div />' } }] });
    await router.push('/login');
    const view = mount(LoginView, { global: { plugins: [pinia, i18n, router] } });
    await flushPromises();
    expect(view.get('[data-testid=login-again]').text()).toBe(
      '登录已过期（长时间未使用，或登录时间已久），请重新登录。本机的记录、未同步的修改和草稿都保留，登录后继续同步。',
    );
    expect((view.get('[data-testid=login-username] input').element as HTMLInputElement).value).toBe(acc.volA.username);
    view.unmount();
  });

  it('a token revoked on the server is told apart: the screen says the sign-in is no longer valid', async () => {
    const session = useSessionStore();
    const sync = useSyncStore();
    await app.inject({
      method: 'PATCH',
      url: `/api/users/${acc.volA.userId}`,
      headers: { authorization: `Bearer ${acc.admin.token}` },
      payload: { password: 'a brand new password' },
    });
    await sync.start();
    await until(() => session.expired, 'the session to be marked expired');
    expect(session.expiredReason).toBe('revoked');
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div />' } }] });
    await router.push('/login');
    const view = mount(LoginView, { global: { plugins: [pinia, i18n, router] } });
    await flushPromises();
    expect(view.get('[data-testid=login-again]').text()).toBe(
      '登录已失效（可能已在别处退出、修改了密码或账号被停用），请重新登录。本机的记录、未同步的修改和草稿都保留，登录后继续同步。',
    );
    view.unmount();
  });
});
