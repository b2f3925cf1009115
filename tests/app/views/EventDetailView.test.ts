/**
 * The event detail names its 填报人 and 审核人 — never a user id — from what the phone holds: the
 * session (the signed-in person), the cached staff list (meta 'peopleNames'), and for an approved
 * imported row the import batch's importer; an id nobody named reads 未知用户.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n } from '../../../src/app/i18n';
import EventDetailView from '../../../src/app/views/EventDetailView.vue';
import { ledgerDb, setLedgerDbFactory } from '../../../src/app/db/database';
import { writeMeta } from '../../../src/app/db/meta-values';
import { createEventRepository, type Identity } from '../../../src/app/db/event-repository';
import { PEOPLE_NAMES_KEY } from '../../../src/app/export/people';
import { freshDb, sampleContent, testDeps } from '../db/helpers';

vi.mock('vant/es/image-preview/style', () => ({}));
vi.mock('vant/es/dialog/style', () => ({}));
vi.mock('vant/es/toast/style', () => ({}));

const ids = (n: number) => `018a9b7c-1d2e-7f00-8a00-0000000000${String(n).padStart(2, '0')}`;
const BATCH = { id: '018c2a3b-4c5d-7e6f-8a9b-0c1d2e3f4a5b', file: 'seed.csv', row: 2, key: 'a'.repeat(64), at: '2024-01-05T09:00:00+08:00', by: '王科协' };
const regionDir = resolve(process.cwd(), 'public/regions/huidong') + '/';
const mounted: VueWrapper[] = [];

async function seed(): Promise<void> {
  let who: Identity = { userId: 'u-zhang', orgId: 'org-huidong', role: 'volunteer' };
  const { deps } = testDeps({ identity: () => who });
  const repo = createEventRepository(ledgerDb(), deps);
  await repo.createEvent(ids(1), sampleContent({ title: '张的讲座' }), 'submitted');
  who = { userId: 'u-wang', orgId: 'org-huidong', role: 'staff' };
  await repo.updateEvent(ids(1), { status: 'reviewed', reviewedBy: 'u-wang', reviewedAt: '2023-09-17T10:00:00+08:00', reviewNote: null });
  who = { userId: 'u-import', orgId: 'org-huidong', role: 'staff' };
  await repo.createEvents([{ id: ids(2), content: sampleContent({ title: '导入的活动' }), status: 'reviewed', importBatch: BATCH }]);
  who = { userId: 'u-gone', orgId: 'org-huidong', role: 'volunteer' };
  await repo.createEvent(ids(3), sampleContent({ title: '无名的活动' }), 'submitted');
  // An approved row imported before imports recorded their reviewer.
  await ledgerDb().events.update(ids(2), { reviewedBy: null, reviewedAt: null });
  await writeMeta('session', {
    userId: 'u-wang',
    orgId: 'org-huidong',
    role: 'staff',
    name: '王干事',
    token: 't',
    serverUrl: '',
    username: 'wang',
    orgName: '惠东县科协',
    expired: false,
  });
  await writeMeta(PEOPLE_NAMES_KEY, [['u-zhang', '张志愿']]);
}

async function render(id: string): Promise<VueWrapper> {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/events/:id', component: EventDetailView, props: true },
      { path: '/events', name: 'events', component: { template: '<div />' } },
      { path: '/events/:id/edit', name: 'event-edit', component: { template: '<div />' } },
    ],
  });
  await router.push(`/events/${id}`);
  const w = mount(EventDetailView, { props: { id }, global: { plugins: [createPinia(), i18n, router] }, attachTo: document.body });
  mounted.push(w);
  await vi.waitFor(() => expect(w.find('[data-test=detail-title]').exists()).toBe(true));
  await flushPromises();
  return w;
}

describe('EventDetailView names people', () => {
  beforeEach(async () => {
    setActivePinia(createPinia());
    setLedgerDbFactory(freshDb);
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      const region = /^\/regions\/huidong\/([\w.-]+)$/.exec(String(input));
      if (region) return new Response(readFileSync(regionDir + region[1]!, 'utf8'), { status: 200, headers: { 'content-type': 'application/json' } });
      return new Response('{}', { status: 404 });
    });
    await seed();
  });
  afterEach(async () => {
    for (const w of mounted.splice(0)) w.unmount();
    await new Promise((r) => setTimeout(r, 350));
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('a volunteer’s event approved by the signed-in staff member: both by name', async () => {
    const w = await render(ids(1));
    await vi.waitFor(() => expect(w.get('[data-test=detail-submitter]').text()).toContain('张志愿'));
    expect(w.get('[data-test=detail-submitter]').text()).toContain('填报人');
    expect(w.get('[data-test=detail-reviewer]').text()).toBe('审核人王干事');
    expect(w.text()).not.toContain('u-zhang');
    expect(w.text()).not.toContain('u-wang');
  });

  it('an approved imported row names its importer as both', async () => {
    const w = await render(ids(2));
    await vi.waitFor(() => expect(w.get('[data-test=detail-submitter]').text()).toBe('填报人王科协'));
    expect(w.get('[data-test=detail-reviewer]').text()).toBe('审核人王科协');
  });

  it('an id nobody named reads 未知用户, and a submitted event has no 审核人', async () => {
    const w = await render(ids(3));
    await vi.waitFor(() => expect(w.get('[data-test=detail-submitter]').text()).toBe('填报人未知用户'));
    expect(w.find('[data-test=detail-reviewer]').exists()).toBe(false);
    expect(w.text()).not.toContain('u-gone');
  });
});
