import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { i18n } from '../../../src/app/i18n';
import LoginView from '../../../src/app/views/LoginView.vue';
import { setLedgerDbFactory } from '../../../src/app/db/database';
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

async function render(query = '', path = '/login') {
  router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/join', name: 'join', component: { template: '<div />' } },
      { path: '/:p(.*)*', component: { template: '<div />' } },
    ],
  });
  await router.push(`${path}${query}`);
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
    await w.get('[data-testid=join-code] input').setValue('abcd efgh jkmn pqrs');
    // The code reads as it is written on the invite: upper case, four groups of four.
    expect((w.get('[data-testid=join-code] input').element as HTMLInputElement).value).toBe('ABCD-EFGH-JKMN-PQRS');
    await w.get('[data-testid=join-name] input').setValue('陈志愿');
    await w.get('[data-testid=join-username] input').setValue('13800000000');
    await w.get('[data-testid=join-password] input').setValue('pass-word-1');
    await w.get('form').trigger('submit');
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/'));
    expect(bodies).toEqual([
      { url: '/api/join', body: { code: 'ABCD-EFGH-JKMN-PQRS', name: '陈志愿', phoneOrUsername: '13800000000', password: 'pass-word-1' } },
    ]);
  });

  /** Fills the join tab: the fields given, the rest valid. */
  async function fillJoin(w: Awaited<ReturnType<typeof render>>, over: Partial<Record<'code' | 'name' | 'username' | 'password', string>> = {}) {
    const v = { code: 'ABCD-EFGH-JKMN-PQRS', name: '陈志愿', username: '13800000000', password: 'pass-word-1', ...over };
    await w.get('[data-testid=join-code] input').setValue(v.code);
    await w.get('[data-testid=join-name] input').setValue(v.name);
    await w.get('[data-testid=join-username] input').setValue(v.username);
    await w.get('[data-testid=join-password] input').setValue(v.password);
    await w.get('form').trigger('submit');
    await flushPromises();
  }
  const fieldError = (w: Awaited<ReturnType<typeof render>>, id: string) => w.find(`[data-testid=${id}] .van-field__error-message`);

  it('names the field and its rule for a short password, under the field, and sends nothing', async () => {
    // What the server answers for it, had the form sent it.
    reply = () =>
      new Response(JSON.stringify({ error: 'invalid', message: 'see problems', problems: [{ field: 'password', code: 'tooShort' }] }), { status: 400 });
    const w = await render('?tab=join');
    await fillJoin(w, { password: 'short' });
    await vi.waitFor(() => expect(w.find('[data-testid=login-error]').exists()).toBe(true));
    expect(fieldError(w, 'join-password').text()).toBe('密码至少需要 8 位');
    expect(w.get('[data-testid=login-error]').text()).toBe('有 1 处需要修改：密码至少需要 8 位');
    expect(bodies).toEqual([]);
  });

  it('says what is wrong with every join field the form refuses', async () => {
    const w = await render('?tab=join');
    await fillJoin(w, { code: 'ABCD-EF', name: '陈'.repeat(41), username: 'ab', password: '' });
    expect(['join-code', 'join-name', 'join-username', 'join-password'].map((id) => fieldError(w, id).text())).toEqual([
      '邀请码应为 16 位字母和数字，如 ABCD-EFGH-JKMN-PQRS',
      '姓名最多 40 个字',
      '用户名至少需要 3 个字符',
      '请填写密码',
    ]);
    await fillJoin(w, { code: '', name: ' ', username: 'Bad Name!' });
    expect(['join-code', 'join-name', 'join-username'].map((id) => fieldError(w, id).text())).toEqual([
      '请填写邀请码',
      '请填写姓名',
      '用户名只能用小写字母、数字和 . _ @ + -，并以字母或数字开头',
    ]);
    expect(w.get('[data-testid=login-error]').text()).toBe(
      '有 3 处需要修改：请填写邀请码；请填写姓名；用户名只能用小写字母、数字和 . _ @ + -，并以字母或数字开头',
    );
    expect(bodies).toEqual([]);
  });

  it('puts the server’s field problems, a taken username and an old invite code under their fields', async () => {
    const w = await render('?tab=join');
    reply = () =>
      new Response(
        JSON.stringify({
          error: 'invalid',
          message: 'see problems',
          problems: [
            { field: 'phoneOrUsername', code: 'tooLong' },
            { field: 'name', code: 'badText' },
          ],
        }),
        { status: 400 },
      );
    await fillJoin(w);
    await vi.waitFor(() =>
      expect([fieldError(w, 'join-username').text(), fieldError(w, 'join-name').text()]).toEqual([
        '用户名最多 40 个字符',
        '姓名：有无法保存的字符（如控制字符），请删掉后重试',
      ]),
    );
    reply = () => new Response(JSON.stringify({ error: 'usernameTaken', message: 'taken' }), { status: 409 });
    await fillJoin(w);
    await vi.waitFor(() =>
      expect([fieldError(w, 'join-username').text(), w.get('[data-testid=login-error]').text()]).toEqual(['该用户名或手机号已注册', '该用户名或手机号已注册']),
    );
    reply = () => new Response(JSON.stringify({ error: 'inviteOutdated', message: 'old code' }), { status: 403 });
    await fillJoin(w, { code: 'abcd-efgh' });
    const outdated = '这是旧格式的 8 位邀请码，服务器升级后已停用。请向科协工作人员索取新的邀请码。';
    await vi.waitFor(() => expect([fieldError(w, 'join-code').text(), w.get('[data-testid=login-error]').text()]).toEqual([outdated, outdated]));
    expect(bodies.map((b) => (b.body as { code: string }).code)).toEqual(['ABCD-EFGH-JKMN-PQRS', 'ABCD-EFGH-JKMN-PQRS', 'ABCD-EFGH']);
  });

  it('names the empty fields of the sign-in tab', async () => {
    const w = await render();
    await w.get('[data-testid=login-username] input').setValue('');
    await w.get('form').trigger('submit');
    await flushPromises();
    expect([fieldError(w, 'login-username').text(), fieldError(w, 'login-password').text()]).toEqual(['请填写用户名或手机号', '请填写密码']);
    expect(bodies).toEqual([]);
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

  it('explains that records stay on the phone when the sign-in has ended', async () => {
    const session = useSessionStore();
    session.session = {
      userId: 'u-9',
      orgId: 'o-1',
      role: 'volunteer',
      name: '陈志愿',
      token: 't',
      serverUrl: 'https://kepu.example',
      username: 'chen',
      orgName: '',
      expired: true,
    };
    const w = await render();
    await flushPromises();
    expect(w.get('[data-testid=login-again]').text()).toBe(
      '登录已失效（可能已在别处退出、修改了密码或账号被停用），请重新登录。本机的记录、未同步的修改和草稿都保留，登录后继续同步。',
    );
    expect((w.get('[data-testid=login-username] input').element as HTMLInputElement).value).toBe('chen');
    expect((w.get('[data-testid=login-server] input').element as HTMLInputElement).value).toBe('https://kepu.example');
  });

  it('opens an invite link on the join tab with the code filled and no server field until 高级设置 is opened', async () => {
    vi.spyOn(useSyncStore(), 'syncNow').mockImplementation(() => undefined);
    const w = await render('?code=abcdefghjkmnpqrs', '/join');
    expect(w.get('[role=tab][aria-selected=true]').text()).toBe('邀请码加入');
    expect((w.get('[data-testid=join-code] input').element as HTMLInputElement).value).toBe('ABCD-EFGH-JKMN-PQRS');
    expect(w.get('[data-testid=join-from-link]').text()).toBe('邀请码已从邀请链接填好，请填写姓名、用户名和密码。');
    expect(w.find('[data-testid=login-server]').exists()).toBe(false);
    expect(w.get('[data-testid=login-advanced]').attributes('aria-expanded')).toBe('false');
    await w.get('[data-testid=login-advanced]').trigger('click');
    expect(w.get('[data-testid=login-advanced]').attributes('aria-expanded')).toBe('true');
    expect((w.get('[data-testid=login-server] input').element as HTMLInputElement).value).toBe('');
    await w.get('[data-testid=join-name] input').setValue('陈志愿');
    await w.get('[data-testid=join-username] input').setValue('13800000000');
    await w.get('[data-testid=join-password] input').setValue('pass-word-1');
    await w.get('form').trigger('submit');
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/'));
    // The link's origin is the server: the request goes to this site.
    expect(bodies).toEqual([
      { url: '/api/join', body: { code: 'ABCD-EFGH-JKMN-PQRS', name: '陈志愿', phoneOrUsername: '13800000000', password: 'pass-word-1' } },
    ]);
  });

  it('keeps the server address under 高级设置 on the sign-in form too', async () => {
    const w = await render();
    expect(w.find('[data-testid=login-server]').exists()).toBe(false);
    await w.get('[data-testid=login-advanced]').trigger('click');
    await w.get('[data-testid=login-server] input').setValue('https://kepu.example');
    await w.get('[data-testid=login-advanced]').trigger('click');
    expect(w.find('[data-testid=login-server]').exists()).toBe(false);
  });
});
