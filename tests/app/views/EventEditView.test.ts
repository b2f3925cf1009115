/**
 * The event form's attendance (惠及人次): it starts empty and must be typed; 0 is saved only once
 * the volunteer ticks "本次活动无现场群众（如媒体宣传）", and the field says so until then; a draft an
 * earlier version stored with its default 0 does not come back as a confirmed 0.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { i18n } from '../../../src/app/i18n';
import EventEditView from '../../../src/app/views/EventEditView.vue';
import { ledgerDb, setLedgerDbFactory } from '../../../src/app/db/database';
import { emptyEventContent } from '../../../src/domain/event';
import { serveHuidongFiles } from '../../fixtures/region-pack';
import { freshDb, sampleContent } from '../db/helpers';
import { useLedgerStore } from '../../../src/app/stores/ledger';

// Vant's style entry points import CSS, which Node cannot load; the tests need no styles.
vi.mock('vant/es/toast/style', () => ({}));
vi.mock('vant/es/empty/style', () => ({}));

const PINGSHAN = '441323001000';
const UNCONFIRMED = '人次为 0 请勾选“本次活动无现场群众”，否则请填写人数';

let pinia: Pinia;
let router: Router;
const mounted: VueWrapper[] = [];

async function render(path = '/events/new'): Promise<VueWrapper> {
  router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/events/new', name: 'event-new', component: EventEditView },
      { path: '/events/:id', name: 'event-detail', component: { template: '<div />' } },
      { path: '/', name: 'home', component: { template: '<div />' } },
      { path: '/drafts', name: 'drafts', component: { template: '<div />' } },
    ],
  });
  await router.push(path);
  const w = mount(EventEditView, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body });
  mounted.push(w);
  await vi.waitFor(() => expect(w.find('#ev-attendance').exists()).toBe(true));
  await vi.waitFor(() => expect(w.findAll('#ev-township option').length).toBeGreaterThan(1));
  return w;
}

/** Whether "no on-site audience" is ticked (a Vant checkbox: role=checkbox, aria-checked). */
function ticked(w: VueWrapper): boolean {
  return w.get('#ev-noOnSiteAudience').attributes('aria-checked') === 'true';
}
async function tick(w: VueWrapper): Promise<void> {
  await w.get('#ev-noOnSiteAudience').trigger('click');
}

/** The error Vant shows under the field holding `selector` ('' when none). */
function fieldError(w: VueWrapper, selector: string): string {
  const field = w.findAll('.van-field').find((f) => f.find(selector).exists());
  return field?.find('.van-field__error-message').exists() ? field.find('.van-field__error-message').text() : '';
}

async function fillAllButAttendance(w: VueWrapper): Promise<void> {
  await w.get('#ev-title').setValue('科普视频号直播');
  await w.get('#ev-format').setValue('media');
  await w.get('#ev-venue').setValue('other');
  await w.get('#ev-township').setValue(PINGSHAN);
}

describe('EventEditView: attendance', () => {
  beforeEach(() => {
    pinia = createPinia();
    setActivePinia(pinia);
    setLedgerDbFactory(freshDb);
    serveHuidongFiles();
  });
  afterEach(async () => {
    for (const w of mounted.splice(0)) w.unmount();
    // Vant's nav bar measures itself 100, 200 and 300 ms after mounting (use-height, timers it
    // never clears): let them run while the page still exists, or the last fires after the test
    // environment is gone ("window is not defined", an unhandled error that fails the run).
    await new Promise((r) => setTimeout(r, 350));
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('starts empty and, on save, says 必填 there and saves nothing', async () => {
    const w = await render();
    expect((w.get('#ev-attendance').element as HTMLInputElement).value).toBe('');
    expect(ticked(w)).toBe(false);
    await fillAllButAttendance(w);
    await w.get('[data-test=save]').trigger('click');
    await vi.waitFor(() => expect(fieldError(w, '#ev-attendance')).toBe('必填'));
    expect(w.get('#ev-attendance').classes()).toContain('kl-stepper__input--invalid');
    expect(await ledgerDb().events.count()).toBe(0);
  });

  it('marks a typed 0 at once, until "no on-site audience" is ticked; then saves 0', async () => {
    const w = await render();
    await fillAllButAttendance(w);
    await w.get('#ev-attendance').setValue('0');
    await vi.waitFor(() => expect(fieldError(w, '#ev-attendance')).toBe(UNCONFIRMED));
    expect(w.get('#ev-attendance').attributes('aria-invalid')).toBe('true');
    await w.get('[data-test=save]').trigger('click');
    await flushPromises();
    expect(await ledgerDb().events.count()).toBe(0);

    await tick(w);
    await vi.waitFor(() => expect(fieldError(w, '#ev-attendance')).toBe(''));
    expect((w.get('#ev-attendance').element as HTMLInputElement).value).toBe('0');
    await w.get('[data-test=save]').trigger('click');
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('event-detail'));
    const saved = await ledgerDb().events.toArray();
    expect(saved.map((e) => [e.title, e.format, e.attendance])).toEqual([['科普视频号直播', 'media', 0]]);
  });

  it('unticks "no on-site audience" when a number is typed, and empties the 0 when it is unticked', async () => {
    const w = await render();
    const box = () => ticked(w);
    const typed = () => (w.get('#ev-attendance').element as HTMLInputElement).value;
    await tick(w);
    await vi.waitFor(() => expect(typed()).toBe('0'));
    await w.get('#ev-attendance').setValue('45');
    await vi.waitFor(() => expect(box()).toBe(false));
    await tick(w);
    await vi.waitFor(() => expect(typed()).toBe('0'));
    await tick(w);
    await vi.waitFor(() => expect(typed()).toBe(''));
  });

  it('restores a draft the earlier version kept with its default 0 as an unconfirmed 0, marked at once', async () => {
    const db = ledgerDb();
    const key = '018a9b7c-1d2e-7f00-8a00-0000000000aa';
    await db.drafts.put({
      key,
      mode: 'new',
      content: { ...emptyEventContent('2026-03-05T09:30:00+08:00'), title: '急救培训' },
      savedAt: '2026-03-05T01:40:00.000Z',
    });
    const w = await render(`/events/new?draft=${key}`);
    await vi.waitFor(() => expect((w.get('#ev-title').element as HTMLInputElement).value).toBe('急救培训'));
    expect((w.get('#ev-attendance').element as HTMLInputElement).value).toBe('0');
    expect(ticked(w)).toBe(false);
    await vi.waitFor(() => expect(fieldError(w, '#ev-attendance')).toBe(UNCONFIRMED));
  });

  it('keeps the tick in the draft, so a confirmed 0 survives leaving the form', async () => {
    const w = await render();
    await w.get('#ev-title').setValue('广播科普');
    await tick(w);
    const db = ledgerDb();
    const key = router.currentRoute.value.query.draft as string;
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    await vi.waitFor(async () => expect((await db.drafts.get(key))?.content).toMatchObject({ title: '广播科普', attendance: 0, noOnSiteAudience: true }));
    w.unmount();
    const again = await render(`/events/new?draft=${key}`);
    await vi.waitFor(() => expect((again.get('#ev-title').element as HTMLInputElement).value).toBe('广播科普'));
    expect(ticked(again)).toBe(true);
    expect(fieldError(again, '#ev-attendance')).toBe('');
  });

  it('refuses a volunteer or partner name of only invisible characters and marks its input', async () => {
    const w = await render();
    await fillAllButAttendance(w);
    await w.get('#ev-attendance').setValue('30');
    await w.get('[data-test=rows-volunteers] .kl-rows__add').trigger('click');
    await w.get('#ev-volunteers-0-name').setValue('\u200B\u200D');
    await w.get('[data-test=rows-partners] .kl-rows__add').trigger('click');
    await w.get('#ev-partners-0').setValue('\u3000\u2060');
    await w.get('[data-test=save]').trigger('click');
    await vi.waitFor(() => expect(w.get('#ev-volunteers-0-name').classes()).toContain('kl-rows__text--invalid'));
    expect(w.get('#ev-partners-0').classes()).toContain('kl-rows__text--invalid');
    expect(w.get('#ev-partners-0').attributes('aria-invalid')).toBe('true');
    expect(w.findAll('.kl-rows__error').map((e) => e.text())).toEqual(['必填', '必填']);
    expect(await ledgerDb().events.count()).toBe(0);
  });

  it('marks an empty title with the error class that draws its red border', async () => {
    const w = await render();
    await w.get('[data-test=save]').trigger('click');
    await vi.waitFor(() => expect(fieldError(w, '#ev-title')).toBe('必填'));
    expect(w.get('#ev-title').classes()).toContain('van-field__control--error');
  });

  it('gives every new form its own draft: repeating the last event keeps an unsaved draft (it used to replace it)', async () => {
    const ledger = useLedgerStore();
    await ledger.repo.createEvent(ledger.repo.newEventId(), sampleContent({ title: '上次的活动' }), 'submitted');
    const w = await render();
    await w.get('#ev-title').setValue('写了一半');
    const first = router.currentRoute.value.query.draft as string;
    await vi.waitFor(async () => expect((await ledgerDb().drafts.get(first))?.content.title).toBe('写了一半'));
    w.unmount();
    const again = await render('/events/new?repeat=1');
    await vi.waitFor(() => expect(again.find('[data-test=other-drafts]').exists()).toBe(true));
    expect(again.get('[data-test=other-drafts]').text()).toContain('草稿箱里还有 1 份未完成的草稿');
    const second = router.currentRoute.value.query.draft as string;
    expect(second).not.toBe(first);
    await vi.waitFor(async () =>
      expect((await ledgerDb().drafts.toArray()).map((d) => [d.key, d.content.title]).sort()).toEqual(
        [
          [first, '写了一半'],
          [second, ''],
        ].sort(),
      ),
    );
  });
});
