/**
 * One counting basis (计入：已审核 / 全部已提交) for home, map and reports: a volunteer's phone starts on
 * all submitted events, staff on reviewed ones; the switch changes the home card's numbers, the
 * choice survives a reload (meta), and the map's filter and the report's selection count the same
 * events on the same basis (3 submitted of which 2 approved).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { defineComponent, h } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import { i18n } from '../../../../src/app/i18n';
import CountBasisSwitch from '../../../../src/app/components/ui/CountBasisSwitch.vue';
import CoverageCard from '../../../../src/app/components/map/CoverageCard.vue';
import { ledgerDb, setLedgerDbFactory } from '../../../../src/app/db/database';
import { createEventRepository } from '../../../../src/app/db/event-repository';
import { useRegionStore } from '../../../../src/app/stores/region';
import { useSessionStore, type StoredSession } from '../../../../src/app/stores/session';
import { useSettingsStore } from '../../../../src/app/stores/settings';
import { defaultCountBasis } from '../../../../src/app/composables/useCountBasis';
import { parseMapQuery, toEventFilter } from '../../../../src/app/components/map/map-query';
import { computeCoverage } from '../../../../src/domain/coverage';
import { selectEvents, yearFilter } from '../../../../src/domain/report-counts';
import { hasArea, type RegionPack } from '../../../../src/domain/region';
import { toZonedIso, yearOf } from '../../../../src/domain/year';
import { serveHuidongFiles } from '../../../fixtures/region-pack';
import { freshDb, sampleContent, testDeps } from '../../db/helpers';

const TZ = 'Asia/Shanghai';
const VOLUNTEER: StoredSession = {
  userId: 'u-1',
  orgId: 'o-1',
  role: 'volunteer',
  name: '张志愿',
  token: 't',
  serverUrl: '',
  username: 'zhang',
  orgName: '惠东县科协',
  expired: false,
};

const Home = defineComponent({ render: () => h('div', [h(CountBasisSwitch, { name: 'home-basis' }), h(CoverageCard)]) });

describe('the counting basis', () => {
  let pack: RegionPack;

  beforeEach(async () => {
    setActivePinia(createPinia());
    setLedgerDbFactory(freshDb);
    serveHuidongFiles();
    pack = (await useRegionStore().load())!;
    const session = useSessionStore();
    session.session = { ...VOLUNTEER };
    session.loaded = true;
  });
  afterEach(() => vi.unstubAllGlobals());

  it('starts on all submitted events for volunteers and signed-out phones, on reviewed ones for staff', () => {
    expect(defaultCountBasis('volunteer')).toBe('submitted');
    expect(defaultCountBasis(undefined)).toBe('submitted');
    expect(defaultCountBasis('staff')).toBe('reviewed');
    expect(defaultCountBasis('admin')).toBe('reviewed');
  });

  it('switches the home card between 3 submitted and 2 approved townships, labels it, and keeps the choice', async () => {
    const now = Date.now();
    const at = toZonedIso(now, TZ);
    const areas = pack.townships.filter(hasArea);
    const repo = createEventRepository(ledgerDb(), testDeps({ now: () => now }).deps);
    const content = (i: number) => sampleContent({ startAt: at, endAt: at, townshipCode: areas[i]!.code, villageCode: null });
    await repo.createEvents([
      { id: repo.newEventId(), content: content(0), status: 'reviewed' },
      { id: repo.newEventId(), content: content(1), status: 'reviewed' },
      { id: repo.newEventId(), content: content(2), status: 'submitted' },
    ]);

    const w = mount(Home, { global: { plugins: [i18n], stubs: { 'router-link': { template: '<a><slot /></a>' } } } });
    const title = () => w.get('.kl-coverage-card__title').text();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(title()).toBe(`今年已覆盖 3 / ${areas.length} 个乡镇`);
    });
    expect(w.get('[data-testid=coverage-card-basis]').text()).toBe('按全部已提交计');
    expect((w.get('[data-testid=count-basis-submitted]').element as HTMLInputElement).checked).toBe(true);
    expect(w.get('legend').text()).toBe('计入');

    await w.get('[data-testid=count-basis-reviewed]').setValue(true);
    await vi.waitFor(async () => {
      await flushPromises();
      expect(title()).toBe(`今年已覆盖 2 / ${areas.length} 个乡镇`);
    });
    expect(w.get('[data-testid=coverage-card-basis]').text()).toBe('按已审核计');
    w.unmount();

    // A reload: a new Pinia reads the choice back from meta.
    setActivePinia(createPinia());
    const settings = useSettingsStore();
    await settings.load();
    expect(settings.countBasis).toBe('reviewed');

    // The map's filter and the report's selection count the same events on each basis.
    const rows = await ledgerDb().events.toArray();
    const year = yearOf(now, TZ);
    for (const [basis, n] of [
      ['reviewed', 2],
      ['submitted', 3],
    ] as const) {
      const map = computeCoverage(pack, rows, toEventFilter(parseMapQuery({ year: String(year) }, year), basis), 'events', { now, timeZone: TZ });
      expect(map.coveredCount).toBe(n);
      expect(selectEvents(rows, yearFilter(year, basis), TZ).length).toBe(n);
    }
  });

  it('refuses a basis that is not one of the two and keeps the one in force', async () => {
    const settings = useSettingsStore();
    await settings.setCountBasis('reviewed');
    await expect(settings.setCountBasis('everything' as never)).rejects.toThrow();
    expect(settings.countBasis).toBe('reviewed');
  });
});
