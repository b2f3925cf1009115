/**
 * The 首页 coverage card reads the kept year totals, the map reads the year's events: after seeded
 * random creates, edits and deletes both must give the same coverage, and the card must follow
 * new saves (its live query watches the totals store).
 */
import { ledgerDb } from '../../../../src/app/db/database';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import CoverageCard from '../../../../src/app/components/map/CoverageCard.vue';
import { i18n } from '../../../../src/app/i18n';
import { createEventRepository } from '../../../../src/app/db/event-repository';
import { readYearTotals } from '../../../../src/app/db/year-totals';
import { setLedgerDbFactory } from '../../../../src/app/db/database';
import { useRegionStore } from '../../../../src/app/stores/region';
import { computeCoverage, coverageOfTallies } from '../../../../src/domain/coverage';
import { hasArea, type RegionPack } from '../../../../src/domain/region';
import { toZonedIso, yearOf } from '../../../../src/domain/year';
import { serveHuidongFiles } from '../../../fixtures/region-pack';
import { seededRandom } from '../../../sync/sim/fault-fetch';
import { freshDb, sampleContent, testDeps } from '../../db/helpers';

const TZ = 'Asia/Shanghai';

/** Seeded, so a failing sequence can be replayed by its seed. */
function rng(seed: number) {
  const next = seededRandom(seed);
  return { next, int: (n: number) => Math.floor(next() * n) };
}

describe('coverage card', () => {
  let pack: RegionPack;

  beforeEach(async () => {
    setActivePinia(createPinia());
    setLedgerDbFactory(freshDb);
    serveHuidongFiles();
    pack = (await useRegionStore().load())!;
  });
  afterEach(() => vi.unstubAllGlobals());

  it('gives from the kept totals the coverage the map finds in the events, after random writes', async () => {
    const now = Date.now();
    const year = yearOf(now, TZ);
    const codes = pack.townships.map((t) => t.code);
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const db = freshDb();
      const { deps } = testDeps({ now: () => now });
      const repo = createEventRepository(db, deps);
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) {
        // Some events last year, so the year filter matters; townships include the special zones.
        const at = toZonedIso(now - (r.next() < 0.2 ? 400 : r.int(60)) * 86_400_000, TZ);
        const id = repo.newEventId();
        await repo.createEvent(id, sampleContent({ startAt: at, endAt: at, townshipCode: codes[r.int(codes.length)]!, villageCode: null }), 'submitted');
        ids.push(id);
      }
      for (let i = 0; i < 15; i++) {
        const id = ids[r.int(ids.length)]!;
        if (r.next() < 0.5) await repo.updateEvent(id, { townshipCode: codes[r.int(codes.length)]!, villageCode: null, attendance: r.int(300) });
        else if (r.next() < 0.7) await repo.deleteEvent(id);
        else await repo.undeleteEvent(id);
      }
      const events = await db.events.toArray();
      const totals = await readYearTotals(db, year, 'submitted');
      const fromTotals = coverageOfTallies(pack, totals.total, new Map(Object.entries(totals.byTownship)), 'events', { now, timeZone: TZ });
      const fromEvents = computeCoverage(pack, events, { year }, 'events', { now, timeZone: TZ });
      const view = (c: typeof fromEvents) => ({
        covered: c.coveredCount,
        areas: c.areaCount,
        gaps: c.gaps.map((g) => g.code),
        events: c.total.events,
        units: c.units.map((u) => [u.code, u.tally.events, u.tally.attendance, u.rank, u.classIndex]),
      });
      expect(view(fromTotals)).toEqual(view(fromEvents));
      expect(fromEvents.coveredCount).toBeGreaterThan(0);
      expect(fromEvents.gaps.length).toBeGreaterThan(0);
      db.close();
    }
  });

  it('shows this year’s coverage and follows a new save', async () => {
    const now = Date.now();
    const { deps } = testDeps({ now: () => now });
    const repo = createEventRepository(ledgerDb(), deps);
    const areas = pack.townships.filter(hasArea);
    const at = toZonedIso(now, TZ);
    await repo.createEvent(repo.newEventId(), sampleContent({ startAt: at, endAt: at, townshipCode: areas[0]!.code, villageCode: null }), 'submitted');
    const w = mount(CoverageCard, { global: { plugins: [i18n], stubs: { 'router-link': { template: '<a><slot /></a>' } } } });
    const title = () => w.get('.kl-coverage-card__title').text();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(title()).toBe(`今年已覆盖 1 / ${areas.length} 个乡镇`);
    });
    expect(w.text()).toContain(areas[1]!.shortName);
    await repo.createEvent(repo.newEventId(), sampleContent({ startAt: at, endAt: at, townshipCode: areas[1]!.code, villageCode: null }), 'submitted');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(title()).toBe(`今年已覆盖 2 / ${areas.length} 个乡镇`);
    });
    expect(w.text()).not.toContain(`${areas[1]!.shortName}、`);
    w.unmount();
  });
});
