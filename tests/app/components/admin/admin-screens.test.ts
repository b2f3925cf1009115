/**
 * The admin screens against the real server: fetch is answered by the server's inject() over a
 * throwaway SQLite store, so every path, body and answer is the one the phone will meet.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import type { FastifyInstance } from 'fastify';
import { i18n, mergeFeatureMessages } from '../../../../src/app/i18n';
import adminMessages from '../../../../src/app/i18n/messages/admin';
import AdminView from '../../../../src/app/views/AdminView.vue';
import AdminLink from '../../../../src/app/components/admin/AdminLink.vue';
import { ledgerDb, setLedgerDbFactory } from '../../../../src/app/db/database';
import { useSessionStore, type StoredSession } from '../../../../src/app/stores/session';
import { useSyncStore } from '../../../../src/app/stores/sync';
import { freshDb } from '../../db/helpers';
import { modulesOf, readQr } from './qr-read';
import { SETUP_CODE, seedAccounts, sqliteHandle, testApp, type Account, type Accounts, type StoreHandle } from '../../../server/helpers';

vi.mock('vant/es/dialog/style', () => ({}));
vi.mock('vant/es/toast/style', () => ({}));

mergeFeatureMessages(adminMessages);

let pinia: Pinia;
let router: Router;
let h: StoreHandle;
let app: FastifyInstance;
let calls: string[];
let offline: boolean;
const mounted: { unmount(): void }[] = [];

/** fetch answered by the server (or failing like a phone without network). */
function serverFetch(): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push(`${init?.method ?? 'GET'} ${url}`);
    if (offline) throw new TypeError('Failed to fetch');
    const res = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url,
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      ...(init?.body !== undefined ? { payload: String(init.body) } : {}),
    });
    return new Response(res.statusCode === 204 ? null : res.body, { status: res.statusCode, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

function sessionFor(a: Account, role: StoredSession['role'], name: string): StoredSession {
  return { userId: a.userId, orgId: a.orgId, role, name, token: a.token, serverUrl: '', username: a.username, orgName: '惠东县科协', expired: false };
}

async function render(component: typeof AdminView | typeof AdminLink = AdminView) {
  router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div />' } }] });
  await router.push('/admin');
  const w = mount(component, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body });
  mounted.push(w);
  await flushPromises();
  if (component === AdminView) await until(() => expect(w.find('.kl-admin > .kl-admin__state .van-loading').exists()).toBe(false));
  return w;
}

async function until(check: () => void | Promise<void>): Promise<void> {
  await vi.waitFor(
    async () => {
      await flushPromises();
      await check();
    },
    { timeout: 3000, interval: 20 },
  );
}

/** Clicks the confirm button of the dialog now shown (Vant hides closed dialogs with display: none). */
async function confirmDialog(): Promise<void> {
  const shown = () => [...document.querySelectorAll<HTMLElement>('.van-dialog')].filter((d) => d.style.display !== 'none').at(-1);
  await until(() => expect(shown()?.querySelector('.van-dialog__confirm')).toBeTruthy());
  shown()!.querySelector<HTMLButtonElement>('.van-dialog__confirm')!.click();
  await flushPromises();
}

const login = async (username: string, password: string) => app.inject({ method: 'POST', url: '/api/login', payload: { username, password } });

beforeEach(async () => {
  pinia = createPinia();
  setActivePinia(pinia);
  setLedgerDbFactory(freshDb);
  calls = [];
  offline = false;
  h = await sqliteHandle();
  app = await testApp(h.store);
  vi.stubGlobal('fetch', serverFetch());
  vi.spyOn(useSyncStore(), 'syncNow').mockImplementation(() => undefined);
});

afterEach(async () => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  // Vant's dialog is a singleton mounted once in <body>: unmount our views, keep it.
  for (const w of mounted.splice(0)) w.unmount();
  await app.close();
  await h.cleanup();
});

describe('first-start setup', () => {
  it('sets up the association with the server’s code and signs this phone in as the admin', async () => {
    const w = await render();
    expect(w.find('[data-testid=setup-form]').exists()).toBe(true);
    await w.get('[data-testid=setup-code] input').setValue(SETUP_CODE.toLowerCase());
    await w.get('[data-testid=setup-org] input').setValue('惠东县科协');
    await w.get('[data-testid=setup-name] input').setValue('李管理');
    await w.get('[data-testid=setup-username] input').setValue('lee');
    await w.get('[data-testid=setup-password] input').setValue('long enough pw');
    await w.get('form').trigger('submit');
    await until(() => expect(w.find('[data-testid=admin-tabs]').exists()).toBe(true));
    const stored = (await ledgerDb().meta.get('session'))?.value as StoredSession;
    expect({ ...stored, token: typeof stored.token, userId: typeof stored.userId, orgId: typeof stored.orgId }).toEqual({
      userId: 'string',
      orgId: 'string',
      role: 'admin',
      name: '李管理',
      token: 'string',
      serverUrl: '',
      username: 'lee',
      orgName: '惠东县科协',
      expired: false,
    });
    expect(useSessionStore().signedIn).toBe(true);
    const me = await app.inject({ url: '/api/me', headers: { authorization: `Bearer ${stored.token}` } });
    expect(me.json().user.role).toBe('admin');
    expect(useSyncStore().syncNow).toHaveBeenCalledTimes(1);
  });

  it('says the setup code is wrong and signs nobody in', async () => {
    const w = await render();
    await w.get('[data-testid=setup-code] input').setValue('WRON-GCOD');
    await w.get('[data-testid=setup-org] input').setValue('惠东县科协');
    await w.get('[data-testid=setup-name] input').setValue('李管理');
    await w.get('[data-testid=setup-password] input').setValue('long enough pw');
    await w.get('form').trigger('submit');
    await until(() => expect(w.find('[data-testid=setup-error]').exists()).toBe(true));
    expect(w.get('[data-testid=setup-error]').text()).toBe('设置码不对，请查看服务器日志中的一次性设置码');
    expect(await ledgerDb().meta.get('session')).toBeUndefined();
    expect(await h.store.hasAdmin()).toBe(false);
  });

  it('checks the fields on the phone first: a short password is not sent', async () => {
    const w = await render();
    await w.get('[data-testid=setup-code] input').setValue(SETUP_CODE);
    await w.get('[data-testid=setup-org] input').setValue('惠东县科协');
    await w.get('[data-testid=setup-name] input').setValue('李管理');
    await w.get('[data-testid=setup-password] input').setValue('short');
    await w.get('form').trigger('submit');
    await flushPromises();
    expect(w.get('[data-testid=setup-password] .van-field__error-message').text()).toBe('密码至少需要 8 位');
    expect(calls).toEqual(['GET /api/health']);
  });
});

describe('states of the admin screen', () => {
  it('without a network says 需要联网 with 重试, and 重试 goes on once the server answers', async () => {
    offline = true;
    const w = await render();
    expect(w.get('[data-testid=admin-offline]').text()).toContain('需要联网');
    expect(w.text()).not.toMatch(/TypeError|Failed to fetch/);
    offline = false;
    await seedAccounts(app);
    await w.get('[data-testid=admin-retry]').trigger('click');
    await until(() => expect(w.find('[data-testid=admin-sign-in]').exists()).toBe(true));
  });

  it('tells a volunteer who may use it and asks the server nothing', async () => {
    const acc = await seedAccounts(app);
    useSessionStore().session = sessionFor(acc.volA, 'volunteer', '志愿者甲');
    useSessionStore().loaded = true;
    const w = await render();
    expect(w.get('[data-testid=admin-volunteer]').text()).toBe('只有科协工作人员和管理员可以管理邀请码和用户。');
    expect(calls).toEqual([]);
  });

  it('loses a network mid-way: the panels switch to 需要联网', async () => {
    const acc = await seedAccounts(app);
    useSessionStore().session = sessionFor(acc.staff, 'staff', '工作人员');
    useSessionStore().loaded = true;
    offline = true;
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
    const w = await render();
    await until(() => expect(w.find('[data-testid=admin-offline]').exists()).toBe(true));
  });
});

describe('invite codes', () => {
  let acc: Accounts;
  beforeEach(async () => {
    acc = await seedAccounts(app);
  });

  it('staff create a volunteer invite: the code is shown big, copies, lets a volunteer join, and is listed as active', async () => {
    useSessionStore().session = sessionFor(acc.staff, 'staff', '工作人员');
    useSessionStore().loaded = true;
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    const w = await render();
    expect(w.find('[data-testid=invite-role]').exists()).toBe(false);
    await w.get('[data-testid=invite-max-uses] input').setValue('3');
    await w.get('[data-testid=invite-panel] form').trigger('submit');
    await until(() => expect(w.find('[data-testid=invite-code]').exists()).toBe(true));
    const code = w.get('[data-testid=invite-code]').text();
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$/);
    expect(w.get('[data-testid=invite-code]').attributes('data-code')).toBe(code);
    expect(w.get('[data-testid=invite-new]').text()).toContain('志愿者邀请码');
    await w.get('[data-testid=invite-copy]').trigger('click');
    expect(writeText).toHaveBeenCalledWith(code);
    // The invite link (this site's join form with the code) copies, and its QR code reads back as it.
    const link = `${window.location.origin}/join?code=${code}`;
    expect(w.get('[data-testid=invite-link]').text()).toBe(link);
    await w.get('[data-testid=invite-copy-link]').trigger('click');
    expect(writeText).toHaveBeenLastCalledWith(link);
    await until(() => expect(w.find('[data-testid=invite-qr]').exists()).toBe(true));
    expect(readQr(modulesOf(w.get('[data-testid=invite-qr]').element))).toBe(link);
    const invites = (await h.store.listInvites(acc.staff.orgId)).filter((i) => i.maxUses === 3);
    expect(invites.map((i) => [i.role, i.createdBy])).toEqual([['volunteer', acc.staff.userId]]);
    const expiresInDays = (Date.parse(invites[0]!.expiresAt) - Date.now()) / 86_400_000;
    expect(expiresInDays).toBeGreaterThan(6.99);
    expect(expiresInDays).toBeLessThanOrEqual(7);
    const join = await app.inject({
      method: 'POST',
      url: '/api/join',
      payload: { code, name: '新志愿者', phoneOrUsername: '13900000009', password: 'long enough pw' },
    });
    expect(join.statusCode).toBe(201);
    const first = w.findAll('[data-testid=invite-item]')[0]!;
    expect(first.get('[data-testid=invite-status]').text()).toBe('有效');
  });

  it('revoking an invite asks first, marks it 已作废, and the code no longer works', async () => {
    useSessionStore().session = sessionFor(acc.staff, 'staff', '工作人员');
    useSessionStore().loaded = true;
    const w = await render();
    await w.get('[data-testid=invite-panel] form').trigger('submit');
    await until(() => expect(w.find('[data-testid=invite-code]').exists()).toBe(true));
    const code = w.get('[data-testid=invite-code]').text();
    const item = w.findAll('[data-testid=invite-item]')[0]!;
    await item.get('[data-testid=invite-revoke]').trigger('click');
    await confirmDialog();
    await until(() => expect(w.findAll('[data-testid=invite-item]').some((i) => i.text().includes('已作废'))).toBe(true));
    expect(w.find('[data-testid=invite-code]').exists()).toBe(false);
    const join = await app.inject({
      method: 'POST',
      url: '/api/join',
      payload: { code, name: '迟到者', phoneOrUsername: '13900000010', password: 'long enough pw' },
    });
    expect([join.statusCode, join.json().error]).toEqual([403, 'badInvite']);
  });

  it('the admin may invite staff', async () => {
    useSessionStore().session = sessionFor(acc.admin, 'admin', '管理员');
    useSessionStore().loaded = true;
    const w = await render();
    const radios = w.get('[data-testid=invite-role]').findAll('[role=radio]');
    expect(radios.map((r) => r.text())).toEqual(['志愿者', '科协工作人员']);
    await radios[1]!.trigger('click');
    await w.get('[data-testid=invite-panel] form').trigger('submit');
    await until(() => expect(w.find('[data-testid=invite-code]').exists()).toBe(true));
    expect(w.get('[data-testid=invite-new]').text()).toContain('科协工作人员邀请码');
    expect((await h.store.listInvites(acc.admin.orgId)).filter((i) => i.role === 'staff')).toHaveLength(1);
  });
});

describe('users', () => {
  let acc: Accounts;
  beforeEach(async () => {
    acc = await seedAccounts(app);
  });

  async function usersTab() {
    const w = await render();
    const tabs = w.findAll('.van-tab');
    await tabs[1]!.trigger('click');
    await until(() => expect(w.findAll('[data-testid=user-item]').length).toBeGreaterThan(0));
    return w;
  }

  it('the admin adds a staff member who can then sign in', async () => {
    useSessionStore().session = sessionFor(acc.admin, 'admin', '管理员');
    useSessionStore().loaded = true;
    const w = await usersTab();
    expect(w.findAll('[data-testid=user-item]').map((u) => u.find('.kl-users__name').text())).toEqual(['管理员（我）', '工作人员', '志愿者甲', '志愿者乙']);
    await w.get('[data-testid=user-name] input').setValue('赵工作');
    await w.get('[data-testid=user-username] input').setValue('Zhao');
    await w.get('[data-testid=user-password] input').setValue('long enough pw');
    await w.get('[data-testid=user-panel] form').trigger('submit');
    await until(() => expect(w.findAll('[data-testid=user-item]')).toHaveLength(5));
    expect(w.text()).toContain('科协工作人员 · zhao');
    expect((await login('zhao', 'long enough pw')).statusCode).toBe(200);
  });

  it('a taken username is said plainly', async () => {
    useSessionStore().session = sessionFor(acc.admin, 'admin', '管理员');
    useSessionStore().loaded = true;
    const w = await usersTab();
    await w.get('[data-testid=user-name] input').setValue('重复');
    await w.get('[data-testid=user-username] input').setValue('staff1');
    await w.get('[data-testid=user-password] input').setValue('long enough pw');
    await w.get('[data-testid=user-panel] form').trigger('submit');
    await until(() => expect(w.find('[data-testid=user-error]').exists()).toBe(true));
    expect(w.get('[data-testid=user-error]').text()).toBe('该用户名或手机号已被使用');
  });

  it('the admin disables a volunteer (after asking) and enables them again', async () => {
    useSessionStore().session = sessionFor(acc.admin, 'admin', '管理员');
    useSessionStore().loaded = true;
    const w = await usersTab();
    const row = () => w.findAll('[data-testid=user-item]').find((u) => u.text().includes('志愿者甲'))!;
    await row().get('[data-testid=user-toggle]').trigger('click');
    await confirmDialog();
    await until(() => expect(row().find('[data-testid=user-disabled]').exists()).toBe(true));
    expect((await app.inject({ url: '/api/me', headers: { authorization: `Bearer ${acc.volA.token}` } })).statusCode).toBe(401);
    expect((await login(acc.volA.username, acc.volA.password)).json().error).toBe('userDisabled');
    expect(row().get('[data-testid=user-toggle]').text()).toBe('启用');
    await row().get('[data-testid=user-toggle]').trigger('click');
    await until(() => expect(row().find('[data-testid=user-disabled]').exists()).toBe(false));
    expect((await login(acc.volA.username, acc.volA.password)).statusCode).toBe(200);
  });

  it('the admin resets a password: a short one is refused in the dialog, a good one works at once', async () => {
    useSessionStore().session = sessionFor(acc.admin, 'admin', '管理员');
    useSessionStore().loaded = true;
    const w = await usersTab();
    const row = w.findAll('[data-testid=user-item]').find((u) => u.text().includes('志愿者乙'))!;
    await row.get('[data-testid=user-reset]').trigger('click');
    await flushPromises();
    const input = () => document.querySelector('[data-testid=user-reset-password] input') as HTMLInputElement;
    await until(() => expect(input()).not.toBeNull());
    input().value = 'short';
    input().dispatchEvent(new Event('input'));
    await confirmDialog();
    await until(() => expect(document.querySelector('[data-testid=user-reset-password] .van-field__error-message')?.textContent).toBe('新密码至少需要 8 位'));
    input().value = 'a brand new password';
    input().dispatchEvent(new Event('input'));
    await confirmDialog();
    await until(async () => expect((await login(acc.volB.username, 'a brand new password')).statusCode).toBe(200));
    expect((await login(acc.volB.username, acc.volB.password)).statusCode).toBe(401);
  });

  it('staff see the list but no admin actions', async () => {
    useSessionStore().session = sessionFor(acc.staff, 'staff', '工作人员');
    useSessionStore().loaded = true;
    const w = await usersTab();
    expect(w.find('[data-testid=user-readonly]').text()).toBe('只有管理员可以添加、停用用户或重置密码。');
    expect(w.findAll('[data-testid=user-item]')).toHaveLength(4);
    expect(w.findAll('[data-testid=user-toggle]')).toHaveLength(0);
    expect(w.findAll('[data-testid=user-reset]')).toHaveLength(0);
  });
});

describe('settings link', () => {
  it('offers 初始化服务器 while the server has no admin', async () => {
    const w = await render(AdminLink);
    await until(() => expect(w.find('[data-testid=admin-link]').exists()).toBe(true));
    expect(w.get('[data-testid=admin-link]').text()).toContain('初始化服务器');
  });

  it('offers 用户与邀请码 to staff and nothing to a volunteer once set up', async () => {
    const acc = await seedAccounts(app);
    useSessionStore().session = sessionFor(acc.staff, 'staff', '工作人员');
    useSessionStore().loaded = true;
    const staff = await render(AdminLink);
    expect(staff.get('[data-testid=admin-link]').text()).toContain('用户与邀请码');
    staff.unmount();
    mounted.splice(mounted.indexOf(staff), 1);
    useSessionStore().session = sessionFor(acc.volA, 'volunteer', '志愿者甲');
    const vol = await render(AdminLink);
    await flushPromises();
    expect(vol.find('[data-testid=admin-link]').exists()).toBe(false);
  });
});
