/**
 * The staff's feedback screens (意见办理) against the real server: fetch is answered by the
 * server's inject() over a throwaway SQLite store, so every path, body and answer is the one the
 * phone meets. A public submission reaches the inbox (phone masked), is accepted, assigned,
 * replied to and closed from the item screen (full phone there, every step in the history); the
 * home card counts an overdue item and asks nothing of the server for a phone nobody signed in
 * on or a volunteer's; staff log a call; the admin sets the deadlines; the poster's QR code reads
 * back as the event's link.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import type { FastifyInstance } from 'fastify';
import { i18n } from '../../../../src/app/i18n';
import FeedbackInboxView from '../../../../src/app/views/FeedbackInboxView.vue';
import FeedbackItemView from '../../../../src/app/views/FeedbackItemView.vue';
import FeedbackPosterView from '../../../../src/app/views/FeedbackPosterView.vue';
import HomeFeedbackCard from '../../../../src/app/components/feedback/HomeFeedbackCard.vue';
import FeedbackSettings from '../../../../src/app/components/feedback/FeedbackSettings.vue';
import HomeView from '../../../../src/app/views/HomeView.vue';
import { routes } from '../../../../src/app/router';
import { setLedgerDbFactory } from '../../../../src/app/db/database';
import { useSessionStore, type StoredSession } from '../../../../src/app/stores/session';
import { SESSION_KEY, useIdentityStore } from '../../../../src/app/stores/identity';
import { writeMeta } from '../../../../src/app/db/meta-values';
import { feedbackCodeOf } from '../../../../src/domain/feedback';
import { freshDb } from '../../db/helpers';
import { modulesOf, readQr } from '../admin/qr-read';
import { bearer, seedAccounts, sqliteHandle, testApp, type Account, type Accounts, type StoreHandle } from '../../../server/helpers';

vi.mock('vant/es/dialog/style', () => ({}));
vi.mock('vant/es/toast/style', () => ({}));

let pinia: Pinia;
let router: Router;
let h: StoreHandle;
let app: FastifyInstance;
let acc: Accounts;
let calls: string[];
const mounted: VueWrapper[] = [];

function serverFetch(): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push(`${init?.method ?? 'GET'} ${url}`);
    if (url.startsWith('/regions/')) return new Response('{}', { status: 404 });
    const res = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url,
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      ...(init?.body !== undefined ? { payload: String(init.body) } : {}),
    });
    return new Response(res.statusCode === 204 ? null : res.body, { status: res.statusCode, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

function signIn(a: Account, role: StoredSession['role'], name: string): void {
  const s = useSessionStore();
  s.session = { userId: a.userId, orgId: a.orgId, role, name, token: a.token, serverUrl: '', username: a.username, orgName: '惠东县科协', expired: false };
  s.loaded = true;
  useIdentityStore().adopt(s.session);
}

async function until(check: () => void | Promise<void>): Promise<void> {
  await vi.waitFor(
    async () => {
      await flushPromises();
      await check();
    },
    { timeout: 4000, interval: 20 },
  );
}

async function render(component: object, path: string, props: Record<string, unknown> = {}): Promise<VueWrapper> {
  router = createRouter({ history: createMemoryHistory(), routes: routes.map((r) => ({ ...r, component: { template: '<div />' } })) as typeof routes });
  await router.push(path);
  const w = mount(component, { props, global: { plugins: [pinia, i18n, router] }, attachTo: document.body });
  mounted.push(w);
  await flushPromises();
  return w;
}

/** A submission from the public page, through the public route. */
async function publicSubmission(body: Record<string, unknown>): Promise<{ queryCode: string; ref: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/public/feedback',
    payload: { code: feedbackCodeOf(acc.admin.orgId), clientId: crypto.randomUUID(), website: '', ...body },
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}

async function staffLog(body: Record<string, unknown>): Promise<{ id: string; ref: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/feedback', headers: bearer(acc.staff), payload: body });
  expect(res.statusCode).toBe(201);
  return res.json();
}

beforeEach(async () => {
  pinia = createPinia();
  setActivePinia(pinia);
  setLedgerDbFactory(freshDb);
  calls = [];
  h = await sqliteHandle();
  app = await testApp(h.store);
  acc = await seedAccounts(app);
  vi.stubGlobal('fetch', serverFetch());
});

afterEach(async () => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  for (const w of mounted.splice(0)) w.unmount();
  await app.close();
  await h.cleanup();
});

describe('意见办理 inbox and item', () => {
  it('lists a public submission with the phone masked, and runs it from 待受理 to 已办结 with its history', async () => {
    await publicSubmission({ text: '讲座很好，<b>希望</b>多办', category: 'suggestion', phone: '13812341234', consent: true });
    signIn(acc.staff, 'staff', '工作人员');
    const inbox = await render(FeedbackInboxView, '/feedback');
    await until(() => expect(inbox.findAll('[data-testid=feedback-row]')).toHaveLength(1));
    const row = inbox.get('[data-testid=feedback-row]');
    expect(row.attributes('data-state')).toBe('received');
    expect(row.text()).toContain('讲座很好，<b>希望</b>多办');
    expect(row.find('b').exists()).toBe(false);
    expect(row.text()).toContain('138****1234');
    expect(row.text()).not.toContain('13812341234');
    expect(row.text()).toContain('待受理');
    const id = row.attributes('data-id')!;

    // Filters: nothing overdue; a state filter that keeps it.
    await inbox.get('[data-testid=feedback-filter-overdue]').setValue(true);
    expect(inbox.findAll('[data-testid=feedback-row]')).toHaveLength(0);
    expect(inbox.find('[data-testid=feedback-empty]').exists()).toBe(true);
    await inbox.get('[data-testid=feedback-filter-overdue]').setValue(false);
    await inbox.get('[data-testid=feedback-filter-state]').setValue('replied');
    expect(inbox.findAll('[data-testid=feedback-row]')).toHaveLength(0);
    await inbox.get('[data-testid=feedback-filter-state]').setValue('received');
    expect(inbox.findAll('[data-testid=feedback-row]')).toHaveLength(1);

    const item = await render(FeedbackItemView, `/feedback/${id}`, { id });
    await until(() => expect(item.find('[data-testid=feedback-state]').exists()).toBe(true));
    expect(item.get('[data-testid=feedback-phone]').text()).toContain('13812341234');
    expect(item.get('[data-testid=feedback-state]').text()).toBe('待受理');

    await item.get('[data-testid=feedback-accept]').trigger('click');
    await until(() => expect(item.get('[data-testid=feedback-state]').attributes('data-state')).toBe('accepted'));

    await item.get('[data-testid=feedback-assign]').trigger('click');
    await until(() => expect(item.findAll('[data-testid=feedback-assignee] option').length).toBeGreaterThan(1));
    await item.get('[data-testid=feedback-assignee]').setValue(acc.staff.userId);
    await item.get('[data-testid=feedback-action-form]').trigger('submit');
    await until(() => expect(item.get('[data-testid=feedback-state]').attributes('data-state')).toBe('inProgress'));
    expect(item.get('[data-testid=feedback-assignee-name]').text()).toBe('工作人员');

    // The reply: empty is refused on the phone and nothing is sent.
    await item.get('[data-testid=feedback-reply]').trigger('click');
    const before = calls.length;
    await item.get('[data-testid=feedback-action-form]').trigger('submit');
    await flushPromises();
    expect(item.get('[role=alert]').text()).toBe('请填写');
    expect(calls.length).toBe(before);
    await item.get('[data-testid=feedback-action-text]').setValue('感谢建议，下月将再办一场。');
    await item.get('[data-testid=feedback-action-form]').trigger('submit');
    await until(() => expect(item.get('[data-testid=feedback-state]').attributes('data-state')).toBe('replied'));
    expect(item.get('[data-testid=feedback-reply-text]').text()).toBe('感谢建议，下月将再办一场。');

    await item.get('[data-testid=feedback-close]').trigger('click');
    await item.get('[data-testid=feedback-action-form]').trigger('submit');
    const dialog = () => [...document.querySelectorAll<HTMLElement>('.van-dialog')].filter((d) => d.style.display !== 'none').at(-1);
    await until(() => expect(dialog()?.querySelector('.van-dialog__confirm')).toBeTruthy());
    dialog()!.querySelector<HTMLButtonElement>('.van-dialog__confirm')!.click();
    await until(() => expect(item.get('[data-testid=feedback-state]').attributes('data-state')).toBe('closed'));

    const history = item.findAll('[data-testid=feedback-history] li').map((li) => li.text());
    expect(history).toHaveLength(5);
    expect(history[0]).toContain('办结');
    expect(history[2]).toContain('指派：工作人员');
    expect(history[4]).toContain('收到（群众提交）');
    // What the server holds agrees.
    const stored = (await app.inject({ url: `/api/feedback/${id}`, headers: bearer(acc.admin) })).json();
    expect(stored.state).toBe('closed');
    expect(stored.history.map((e: { action: string }) => e.action)).toEqual(['submit', 'accept', 'assign', 'reply', 'close']);
  });

  it('staff log a call: a phone without consent is refused on the phone, then the item is in the register', async () => {
    signIn(acc.staff, 'staff', '工作人员');
    const inbox = await render(FeedbackInboxView, '/feedback');
    await until(() => expect(inbox.find('[data-testid=feedback-count]').exists()).toBe(true));
    await inbox.get('[data-testid=feedback-log-toggle]').trigger('click');
    await until(() => expect(inbox.find('[data-testid=feedback-log-form]').exists()).toBe(true));
    await inbox.get('[data-testid=feedback-log-category]').setValue('complaint');
    await inbox.get('[data-testid=feedback-log-text]').setValue('村里的科普栏很久没更新');
    await inbox.get('[data-testid=feedback-log-phone]').setValue('0752-8812345');
    const before = calls.length;
    await inbox.get('[data-testid=feedback-log-form]').trigger('submit');
    await flushPromises();
    expect(inbox.get('[data-testid=feedback-log-form] [role=alert]').text()).toBe('留下电话需要对方同意');
    expect(calls.length).toBe(before);
    await inbox.get('[data-testid=feedback-log-consent]').setValue(true);
    await inbox.get('[data-testid=feedback-log-form]').trigger('submit');
    await until(() => expect(router.currentRoute.value.path).toMatch(/^\/feedback\/.+/));
    const list = (await app.inject({ url: '/api/feedback', headers: bearer(acc.staff) })).json().items;
    expect(list.map((i: { channel: string; category: string; text: string; phone: string }) => [i.channel, i.category, i.text, i.phone])).toEqual([
      ['phone', 'complaint', '村里的科普栏很久没更新', '0752-****2345'],
    ]);
  });

  it('tells a volunteer who may use it and asks the server nothing', async () => {
    signIn(acc.volA, 'volunteer', '志愿者甲');
    const inbox = await render(FeedbackInboxView, '/feedback');
    await until(() => expect(inbox.find('[data-testid=feedback-volunteer]').exists()).toBe(true));
    expect(calls).toEqual([]);
  });
});

describe('the staff home card', () => {
  it('counts an overdue item for staff', async () => {
    await staffLog({ channel: 'letter', category: 'inquiry', text: '来信咨询', receivedAt: new Date(Date.now() - 20 * 86_400_000).toISOString() });
    await publicSubmission({ satisfaction: 5 });
    signIn(acc.staff, 'staff', '工作人员');
    const w = await render(HomeFeedbackCard, '/');
    await until(() => expect(w.find('[data-test=home-feedback-overdue]').exists()).toBe(true));
    expect(w.get('[data-test=home-feedback-overdue]').text()).toBe('1 条已超期');
    expect(w.text()).toContain('2 条待办理');
    expect(calls).toEqual(['GET /api/feedback/counts']);
  });

  it('is not there, and nothing is asked, on a phone nobody signed in on or a volunteer’s', async () => {
    const home = await render(HomeView, '/');
    useSessionStore().loaded = true;
    await flushPromises();
    expect(home.find('[data-test=home-feedback]').exists()).toBe(false);
    // As the app signs in: the session is stored, and the identity follows it.
    const signInStored = async (a: Account, role: StoredSession['role'], name: string) => {
      signIn(a, role, name);
      await writeMeta(SESSION_KEY, { ...useSessionStore().session });
      await flushPromises();
    };
    await signInStored(acc.volA, 'volunteer', '志愿者甲');
    await until(() => expect(useIdentityStore().identity.role).toBe('volunteer'));
    expect(home.find('[data-test=home-feedback]').exists()).toBe(false);
    expect(calls.filter((c) => c.includes('/api/'))).toEqual([]);
    await signInStored(acc.staff, 'staff', '工作人员');
    await until(() => expect(home.find('[data-test=home-feedback]').exists()).toBe(true));
    await until(() => expect(calls.filter((c) => c.includes('/api/'))).toEqual(['GET /api/feedback/counts']));
  });
});

describe('settings and the QR poster', () => {
  it('the admin changes the deadlines; a bad value is refused on the phone and staff only read them', async () => {
    signIn(acc.admin, 'admin', '管理员');
    const w = await render(FeedbackSettings, '/settings/staff');
    await until(() => expect(w.find('[data-testid=feedback-setting-acceptDays]').exists()).toBe(true));
    expect((w.get('[data-testid=feedback-setting-acceptDays]').element as HTMLInputElement).value).toBe('15');
    expect((w.get('[data-testid=feedback-setting-replyDays]').element as HTMLInputElement).value).toBe('60');
    await w.get('[data-testid=feedback-setting-replyDays]').setValue('0');
    await w.get('form').trigger('submit');
    await flushPromises();
    expect(w.get('[role=alert]').text()).toContain('答复期限');
    await w.get('[data-testid=feedback-setting-replyDays]').setValue('45');
    await w.get('form').trigger('submit');
    await until(async () =>
      expect((await app.inject({ url: '/api/org/feedback-settings', headers: bearer(acc.staff) })).json()).toEqual({
        acceptDays: 15,
        replyDays: 45,
        extensionMaxDays: 30,
        retentionDays: 1095,
      }),
    );
    expect(w.find('[role=alert]').exists()).toBe(false);
    expect(calls.filter((c) => c.startsWith('PUT'))).toEqual(['PUT /api/org/feedback-settings']);

    signIn(acc.staff, 'staff', '工作人员');
    const s = await render(FeedbackSettings, '/settings/staff');
    await until(() => expect(s.find('[data-testid=feedback-setting-replyDays]').exists()).toBe(true));
    expect(s.get('[data-testid=feedback-setting-replyDays]').attributes('readonly')).toBeDefined();
    expect(s.find('[data-testid=feedback-settings-save]').exists()).toBe(false);
  });

  it('the admin exports one person’s records by phone number, in full; staff have no such form', async () => {
    await publicSubmission({ text: '第一条意见', phone: '13800001111', consent: true });
    await publicSubmission({ text: '第二条意见', phone: '13800001111', consent: true });
    await publicSubmission({ text: '别人的意见', phone: '13900002222', consent: true });
    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob);
      return 'blob:person';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    signIn(acc.admin, 'admin', '管理员');
    const w = await render(FeedbackSettings, '/settings/staff');
    await until(() => expect(w.find('[data-testid=feedback-person]').exists()).toBe(true));
    const note = () => w.find('[data-testid=feedback-person-note]').text();
    await w.get('[data-testid=feedback-person]').trigger('submit');
    await flushPromises();
    expect([note(), blobs.length]).toEqual(['请填写电话号码', 0]);
    await w.get('[data-testid=feedback-person-phone]').setValue('13700000000');
    await w.get('[data-testid=feedback-person]').trigger('submit');
    await until(() => expect(note()).toBe('没有该号码的记录'));
    await w.get('[data-testid=feedback-person-phone]').setValue('138 0000 1111');
    await w.get('[data-testid=feedback-person]').trigger('submit');
    await until(() => expect(note()).toMatch(/^已导出 2 条：个人信息导出-1111-\d{4}-\d{2}-\d{2}\.json$/));
    const file = JSON.parse(await blobs[0]!.text()) as { items: { text: string; phone: string }[] };
    expect(file.items.map((i) => [i.text, i.phone]).sort()).toEqual([
      ['第一条意见', '13800001111'],
      ['第二条意见', '13800001111'],
    ]);

    signIn(acc.staff, 'staff', '工作人员');
    const s = await render(FeedbackSettings, '/settings/staff');
    await until(() => expect(s.find('[data-testid=feedback-setting-replyDays]').exists()).toBe(true));
    expect(s.find('[data-testid=feedback-person]').exists()).toBe(false);
  });

  it('draws the 意见箱 QR code on the phone, without the server: it reads back as the org’s link', async () => {
    signIn(acc.staff, 'staff', '工作人员');
    const w = await render(FeedbackPosterView, '/feedback/box');
    await until(() => expect(w.find('[data-testid=feedback-qr] svg').exists()).toBe(true));
    const link = `${window.location.origin}/f/${feedbackCodeOf(acc.staff.orgId)}`;
    expect(w.get('[data-testid=feedback-link]').text()).toBe(link);
    expect(readQr(modulesOf(w.get('[data-testid=feedback-qr] svg').element))).toBe(link);
    expect(calls.filter((c) => c.includes('/api/'))).toEqual([]);
  });
});
