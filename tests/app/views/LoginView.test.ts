import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { i18n } from '../../../src/app/i18n';
import LoginView from '../../../src/app/views/LoginView.vue';
import { setLedgerDbFactory } from '../../../src/app/stores/ledger';
import { useSessionStore } from '../../../src/app/stores/session';
import { useSyncStore } from '../../../src/app/stores/sync';
import { freshDb } from '../db/helpers';

// Vant's style entry points import CSS, which Node cannot load; the tests need no styles.
vi.mock('vant/es/dialog/style', () => ({}));
vi.mock('vant/es/toast/style', () => ({}));

const ANSWER = {
  token: 'tok-9',
  user: { id: 'u-9', orgId: 'o-1', role: 'volunteer', name: '陈志愿', username: 'chen', disabled: false, createdAt: '2026-01-01T00:00:00Z' },
  org: { id: 'o-1', name: '惠东县科协' },
};

let pinia: Pinia;
let router: Router;
let bodies: { url: string; body: unknown }[];
let reply: () => Response;

async function render(query = '') {
  router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div />' } }] });
  await router.push(`/login${query}`);
  return mount(LoginView, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body });
}

describe('LoginView', () => {
  beforeEach(() => {
    pinia = createPinia();
    setActivePinia(pinia);
    setLedgerDbFactory(freshDb);
    bodies = [];
    reply = () => new Response(JSON.stringify(ANSWER), { status: 200 });
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      bodies.push({ url, body: init.body ? JSON.parse(String(init.body)) : null });
      return reply();
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('signs in, starts a sync and goes where the user was headed', async () => {
    const syncNow = vi.spyOn(useSyncStore(), 'syncNow').mockImplementation(() => undefined);
    const w = await render('?redirect=/settings');
    await w.get('[data-testid=login-username] input').setValue(' chen ');
    await w.get('[data-testid=login-password] input').setValue('pass-word-1');
    await w.get('form').trigger('submit');
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/settings'));
    expect(bodies).toEqual([{ url: '/api/login', body: { username: 'chen', password: 'pass-word-1' } }]);
    expect(useSessionStore().session?.name).toBe('陈志愿');
    expect(syncNow).toHaveBeenCalledTimes(1);
  });

  it('joins with an invite code on the second tab', async () => {
    vi.spyOn(useSyncStore(), 'syncNow').mockImplementation(() => undefined);
    const w = await render('?tab=join');
    await w.get('[data-testid=join-code] input').setValue('abcd-efgh');
    await w.get('[data-testid=join-name] input').setValue('陈志愿');
    await w.get('[data-testid=join-username] input').setValue('13800000000');
    await w.get('[data-testid=join-password] input').setValue('pass-word-1');
    await w.get('form').trigger('submit');
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/'));
    expect(bodies).toEqual([{ url: '/api/join', body: { code: 'abcd-efgh', name: '陈志愿', phoneOrUsername: '13800000000', password: 'pass-word-1' } }]);
  });

  it('says in Chinese why the server refused, and stays on the page', async () => {
    reply = () => new Response(JSON.stringify({ error: 'badCredentials', message: 'Wrong username or password.' }), { status: 401 });
    const w = await render();
    await w.get('[data-testid=login-username] input').setValue('chen');
    await w.get('[data-testid=login-password] input').setValue('wrong');
    await w.get('form').trigger('submit');
    await vi.waitFor(() => expect(w.find('[data-testid=login-error]').exists()).toBe(true));
    expect(w.get('[data-testid=login-error]').text()).toBe('用户名或密码错误');
    expect(router.currentRoute.value.path).toBe('/login');
  });

  it('explains that records stay on the phone when the sign-in has expired', async () => {
    const session = useSessionStore();
    session.session = { userId: 'u-9', orgId: 'o-1', role: 'volunteer', name: '陈志愿', token: 't', serverUrl: 'https://kepu.example', username: 'chen', orgName: '', expired: true };
    const w = await render();
    await flushPromises();
    expect(w.get('[data-testid=login-again]').text()).toBe('登录已失效，请重新登录。本机未同步的记录会保留，登录后继续同步。');
    expect((w.get('[data-testid=login-username] input').element as HTMLInputElement).value).toBe('chen');
    expect((w.get('[data-testid=login-server] input').element as HTMLInputElement).value).toBe('https://kepu.example');
  });
});
