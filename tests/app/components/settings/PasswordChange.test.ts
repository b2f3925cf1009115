/**
 * 设置 → 修改密码 against the real server (fetch answered by its inject() over a throwaway SQLite
 * store): every role can change their own password; refusals are said under their fields.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import type { FastifyInstance } from 'fastify';
import { i18n } from '../../../../src/app/i18n';
import PasswordChange from '../../../../src/app/components/settings/PasswordChange.vue';
import { ledgerDb, setLedgerDbFactory } from '../../../../src/app/db/database';
import { useSessionStore, type StoredSession } from '../../../../src/app/stores/session';
import { freshDb } from '../../db/helpers';
import { seedAccounts, sqliteHandle, testApp, type Account, type Accounts, type StoreHandle } from '../../../server/helpers';

vi.mock('vant/es/toast/style', () => ({}));

const NEW_PW = 'my own new passphrase';

let pinia: Pinia;
let h: StoreHandle;
let app: FastifyInstance;
let acc: Accounts;
const mounted: VueWrapper[] = [];

function serverFetch(): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const res = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: String(input),
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      ...(init?.body !== undefined ? { payload: String(init.body) } : {}),
    });
    return new Response(res.statusCode === 204 ? null : res.body, { status: res.statusCode, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

async function signInAs(a: Account, role: StoredSession['role']): Promise<void> {
  const s: StoredSession = {
    userId: a.userId,
    orgId: a.orgId,
    role,
    name: a.username,
    token: a.token,
    serverUrl: '',
    username: a.username,
    orgName: '惠东县科协',
    expired: false,
  };
  await ledgerDb().meta.put({ key: 'session', value: s });
  await useSessionStore().load();
}

async function render(): Promise<VueWrapper> {
  const w = mount(PasswordChange, { global: { plugins: [pinia, i18n] }, attachTo: document.body });
  mounted.push(w);
  await flushPromises();
  return w;
}

async function fill(w: VueWrapper, current: string, next: string, confirm = next): Promise<void> {
  await w.get('[data-testid=password-current] input').setValue(current);
  await w.get('[data-testid=password-new] input').setValue(next);
  await w.get('[data-testid=password-confirm] input').setValue(confirm);
  await w.get('form').trigger('submit');
  await flushPromises();
}

const errorOf = (w: VueWrapper, id: string) => w.find(`[data-testid=${id}] .van-field__error-message`);
const login = (username: string, password: string) => app.inject({ method: 'POST', url: '/api/login', payload: { username, password } });
const me = (token: string) => app.inject({ url: '/api/me', headers: { authorization: `Bearer ${token}` } });

beforeEach(async () => {
  pinia = createPinia();
  setActivePinia(pinia);
  setLedgerDbFactory(freshDb);
  h = await sqliteHandle();
  app = await testApp(h.store);
  acc = await seedAccounts(app);
  vi.stubGlobal('fetch', serverFetch());
});

afterEach(async () => {
  for (const w of mounted.splice(0)) w.unmount();
  vi.unstubAllGlobals();
  await app.close();
  await h.cleanup();
});

describe('修改密码', () => {
  it.each<[keyof Accounts, StoredSession['role']]>([
    ['volA', 'volunteer'],
    ['staff', 'staff'],
    ['admin', 'admin'],
  ])('as %s: changes the password, stays signed in here, and ends the other sessions', async (who, role) => {
    const a = acc[who];
    await signInAs(a, role);
    const elsewhere = (await login(a.username, a.password)).json<{ token: string }>().token;
    const w = await render();
    expect(w.get('[data-testid=password-change] .van-cell-group__title').text()).toBe('修改密码');
    await w.get('[data-testid=password-open]').trigger('click');
    await fill(w, a.password, NEW_PW);
    await vi.waitFor(() => expect(w.find('[data-testid=password-open]').exists()).toBe(true));
    expect([(await me(a.token)).statusCode, (await me(elsewhere)).statusCode]).toEqual([200, 401]);
    expect([(await login(a.username, a.password)).statusCode, (await login(a.username, NEW_PW)).statusCode]).toEqual([401, 200]);
    expect([useSessionStore().signedIn, useSessionStore().session?.token]).toEqual([true, a.token]);
  });

  it('says under each field what is wrong: mismatch and a short password on the phone, a wrong current password from the server', async () => {
    await signInAs(acc.volA, 'volunteer');
    const w = await render();
    await w.get('[data-testid=password-open]').trigger('click');
    await fill(w, '', 'short', 'shorter');
    expect([errorOf(w, 'password-current').text(), errorOf(w, 'password-new').text(), errorOf(w, 'password-confirm').exists()]).toEqual([
      '请填写当前密码',
      '新密码至少需要 8 位',
      false,
    ]);
    await fill(w, acc.volA.password, NEW_PW, 'something else entirely');
    expect(errorOf(w, 'password-confirm').text()).toBe('两次输入的新密码不一致');
    expect(w.get('[data-testid=password-error]').text()).toBe('有 1 处需要修改：两次输入的新密码不一致');
    await fill(w, acc.volA.password, acc.volA.password);
    expect(errorOf(w, 'password-new').text()).toBe('新密码不能与当前密码相同');
    await fill(w, 'not my password', NEW_PW);
    await vi.waitFor(() => expect(errorOf(w, 'password-current').text()).toBe('当前密码不对'));
    expect((await login(acc.volA.username, acc.volA.password)).statusCode).toBe(200);
  });

  it('is not shown to someone not signed in, or whose sign-in expired', async () => {
    expect((await render()).find('[data-testid=password-change]').exists()).toBe(false);
    await signInAs(acc.volA, 'volunteer');
    await useSessionStore().markExpired('sessionExpired');
    expect((await render()).find('[data-testid=password-change]').exists()).toBe(false);
  });
});
