/**
 * The staff's review page over a real ledger (fake-indexeddb) and a stubbed server API (names and
 * histories): a card shows who submitted, where, 人次/份 and what changed since the last review;
 * after a return the event is listed under 我退回的 — the page never again says 被退回的活动（0）
 * right after a return — and 退回给我的 is the list of events returned to the signed-in person;
 * filters narrow the queue, "approve all shown" approves exactly the filtered set, and 撤销 puts
 * them back.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n } from '../../../src/app/i18n';
import ReviewView from '../../../src/app/views/ReviewView.vue';
import { ledgerDb, setLedgerDbFactory } from '../../../src/app/db/database';
import { writeMeta } from '../../../src/app/db/meta-values';
import { createEventRepository, type Identity } from '../../../src/app/db/event-repository';
import { freshDb, sampleContent, testDeps } from '../db/helpers';

vi.mock('vant/es/image-preview/style', () => ({}));

const STAFF = { userId: 'u-wang', orgId: 'org-huidong', role: 'staff' as const };
const PINGSHAN = '441323001000';
const BAIHUA = '441323102000';
const ids = (n: number) => `018a9b7c-1d2e-7f00-8a00-0000000000${String(n).padStart(2, '0')}`;

let pinia: Pinia;
const mounted: VueWrapper[] = [];
const regionDir = resolve(process.cwd(), 'public/regions/huidong') + '/';

/** The server as the page sees it: the members' names and each event's history. */
function serveApi(history: Record<string, unknown[]>): void {
  vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
    const url = String(input);
    const region = /^\/regions\/huidong\/([\w.-]+)$/.exec(url);
    if (region) return new Response(readFileSync(regionDir + region[1]!, 'utf8'), { status: 200, headers: { 'content-type': 'application/json' } });
    const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    if (url.endsWith('/api/users')) {
      return json({
        users: [
          {
            id: 'u-zhang',
            orgId: 'org-huidong',
            role: 'volunteer',
            name: '张志愿',
            username: 'zhang',
            phone: null,
            disabled: false,
            createdAt: '2026-01-01T00:00:00Z',
          },
          {
            id: 'u-li',
            orgId: 'org-huidong',
            role: 'volunteer',
            name: '李志愿',
            username: 'li',
            phone: null,
            disabled: false,
            createdAt: '2026-01-01T00:00:00Z',
          },
        ],
      });
    }
    const h = /\/api\/events\/([^/]+)\/history$/.exec(url);
    if (h) return json({ history: history[decodeURIComponent(h[1]!)] ?? [] });
    return new Response('{}', { status: 404 });
  });
}

/** Events written as their authors would, then the staff member signed in on this phone. */
async function seed(): Promise<void> {
  let who: Identity = { userId: 'u-zhang', orgId: 'org-huidong', role: 'volunteer' };
  const { deps } = testDeps({ identity: () => who });
  const repo = createEventRepository(ledgerDb(), deps);
  for (let i = 1; i <= 3; i++) await repo.createEvent(ids(i), sampleContent({ title: `平山场次${i}`, attendance: 100 + i }), 'submitted');
  await repo.createEvent(ids(4), sampleContent({ title: '白花进村', townshipCode: BAIHUA, attendance: 60 }), 'submitted');
  who = { userId: 'u-li', orgId: 'org-huidong', role: 'volunteer' };
  await repo.createEvent(ids(5), sampleContent({ title: '李的讲座', attendance: 30 }), 'submitted');
  // The server's rev (as a pull would have set it), so the page reads each history.
  await ledgerDb()
    .events.toCollection()
    .modify((e) => void (e.rev = 7));
  await writeMeta('session', { ...STAFF, name: '王干事', token: 't-wang', serverUrl: '', username: 'wang', orgName: '惠东县科协', expired: false });
}

async function render(): Promise<VueWrapper> {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/review', component: ReviewView },
      { path: '/events/:id', component: { template: '<div />' } },
      { path: '/events/:id/edit', component: { template: '<div />' } },
    ],
  });
  await router.push('/review');
  const w = mount(ReviewView, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body });
  mounted.push(w);
  await vi.waitFor(() => expect(w.findAll('[data-testid=review-item]')).toHaveLength(5));
  return w;
}

const text = (w: VueWrapper, testid: string) => w.get(`[data-testid=${testid}]`).text();
const item = (w: VueWrapper, n: number) => w.get(`[data-testid=review-item][data-event-id="${ids(n)}"]`);
const shownIds = (w: VueWrapper) => w.findAll('[data-testid=review-item]').map((li) => li.attributes('data-event-id'));

describe('ReviewView', () => {
  beforeEach(async () => {
    pinia = createPinia();
    setActivePinia(pinia);
    setLedgerDbFactory(freshDb);
    serveApi({
      [ids(1)]: [
        { field: 'status', oldValue: 'submitted', newValue: 'returned', rev: 3, userId: 'u-wang', at: '2023-09-16T10:00:00+08:00' },
        { field: 'attendance', oldValue: 500, newValue: 101, rev: 5, userId: 'u-zhang', at: '2023-09-16T11:00:00+08:00' },
        { field: 'townshipCode', oldValue: BAIHUA, newValue: PINGSHAN, rev: 5, userId: 'u-zhang', at: '2023-09-16T11:00:00+08:00' },
      ],
    });
    await seed();
  });
  afterEach(async () => {
    for (const w of mounted.splice(0)) w.unmount();
    // Vant measures its bars 100, 200 and 300 ms after mounting (timers it never clears).
    await new Promise((r) => setTimeout(r, 350));
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('shows on each card who submitted it, where and when, 人次/份, and what changed since the last review', async () => {
    const w = await render();
    await vi.waitFor(() => expect(item(w, 1).find('[data-testid=review-change]').exists()).toBe(true));
    expect(item(w, 1).get('[data-testid=review-meta]').text()).toBe('提交人：张志愿 · 平山街道 · 2023年9月16日 09:30');
    expect(item(w, 1).get('[data-testid=review-reach]').text()).toBe('科普讲座/报告会 · 101 人次 · 200 份');
    expect(
      item(w, 1)
        .findAll('[data-testid=review-change]')
        .map((l) => l.text()),
    ).toEqual(['惠及群众（人次）：500 → 101', '乡镇/街道：白花镇 → 平山街道']);
    await vi.waitFor(() => expect(item(w, 5).get('[data-testid=review-meta]').text()).toContain('提交人：李志愿'));
    expect(item(w, 2).get('[data-testid=review-changes]').text()).toBe('首次提交，尚未审核');
    expect(item(w, 2).get('[data-testid=review-no-photo]').text()).toBe('无照片');
    expect(item(w, 2).get('[data-testid=review-open-detail]').attributes('href')).toBe(`/events/${ids(2)}`);
  });

  it('lists a returned event under 我退回的 right after the return, and never says 被退回的活动（0）', async () => {
    const w = await render();
    expect(text(w, 'returned-by-me-title')).toBe('我退回的（0）');
    await item(w, 4).get('button.row').trigger('click');
    await item(w, 4).get('[data-testid=review-reason]').setValue('请补充现场照片');
    await item(w, 4).get('[data-testid=review-return]').trigger('click');
    await vi.waitFor(() => expect(text(w, 'returned-by-me-title')).toBe('我退回的（1）'));
    await vi.waitFor(() => expect(text(w, 'review-queue-title')).toBe('待审核（4）'));
    expect(w.get('[data-testid=returned-by-me-item]').text()).toContain('白花进村');
    expect(w.get('[data-testid=returned-by-me-item]').text()).toContain('退回原因：请补充现场照片');
    // The staff member wrote none of these, so nothing is returned to them; the label says to whom.
    expect(text(w, 'returned-to-me-title')).toBe('退回给我的（0）');
    expect(w.text()).not.toContain('被退回的活动');
  });

  it('filters the queue, approves exactly the events shown, and 撤销 puts them back in the queue', async () => {
    const w = await render();
    await w.get('[data-testid=review-filter-township]').setValue(PINGSHAN);
    await w.get('[data-testid=review-filter-submitter]').setValue('u-zhang');
    await flushPromises();
    expect(shownIds(w)).toEqual([ids(1), ids(2), ids(3)]);
    expect(text(w, 'review-shown')).toBe('显示 3 / 5 条');
    expect(text(w, 'review-approve-shown')).toBe('全部通过（显示的 3 条）');

    await w.get('[data-testid=review-approve-shown]').trigger('click');
    await vi.waitFor(() => expect(text(w, 'review-queue-title')).toBe('待审核（2）'));
    expect(text(w, 'undo-bar')).toBe('已审核通过 3 条撤销');
    const statuses = async () => (await ledgerDb().events.orderBy('id').toArray()).map((e) => e.status);
    expect(await statuses()).toEqual(['reviewed', 'reviewed', 'reviewed', 'submitted', 'submitted']);

    await w.get('[data-testid=undo-action]').trigger('click');
    await vi.waitFor(() => expect(text(w, 'review-queue-title')).toBe('待审核（5）'));
    expect(await statuses()).toEqual(['submitted', 'submitted', 'submitted', 'submitted', 'submitted']);
    expect(text(w, 'review-status')).toBe('已撤销，3 条回到待审核');
    expect(w.find('[data-testid=undo-bar]').exists()).toBe(false);
  });

  it('approves only the selected events', async () => {
    const w = await render();
    await item(w, 2).get('[data-testid=review-select]').setValue(true);
    await item(w, 5).get('[data-testid=review-select]').setValue(true);
    expect(text(w, 'review-approve-selected')).toBe('通过所选（2）');
    await w.get('[data-testid=review-approve-selected]').trigger('click');
    await vi.waitFor(() => expect(shownIds(w)).toEqual([ids(1), ids(3), ids(4)]));
    expect(text(w, 'review-approve-selected')).toBe('通过所选（0）');
  });
});
