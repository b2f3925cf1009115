/**
 * useReportData counts a year's report once: the people's names (填报人/审核人, the 落款's
 * organisation), which arrive a moment after the screen shows (people-source.ts, staff code), label
 * the bundle without counting the events again — before, their arrival rebuilt the whole bundle
 * (every table, target and clause) in a second long task on the report's first seconds.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { setLedgerDbFactory } from '../../../../src/app/db/database';
import { freshDb } from '../../db/helpers';
import type { PeopleNames } from '../../../../src/app/export/people';

const counting = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../../../../src/app/export/report-bundle', async (original) => {
  const real = await original<typeof import('../../../../src/app/export/report-bundle')>();
  return {
    ...real,
    buildReportBundle: (...args: Parameters<typeof real.buildReportBundle>) => {
      counting.calls += 1;
      return real.buildReportBundle(...args);
    },
  };
});
const people = vi.hoisted(() => ({ asked: 0, release: (_: { names: PeopleNames; orgName: string }) => undefined as void }));
vi.mock('../../../../src/app/export/people-source', () => ({
  loadPeople: () => {
    people.asked += 1;
    return new Promise((done) => (people.release = done));
  },
}));

import { useReportData } from '../../../../src/app/components/report/use-report-data';

const regionDir = resolve(process.cwd(), 'public/regions/huidong') + '/';
let pinia: Pinia;
let w: VueWrapper | null = null;

beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  setLedgerDbFactory(freshDb);
  counting.calls = 0;
  people.asked = 0;
  vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
    const m = /^\/regions\/huidong\/([\w.-]+)$/.exec(String(input));
    if (m) return new Response(readFileSync(regionDir + m[1]!, 'utf8'), { status: 200, headers: { 'content-type': 'application/json' } });
    return new Response('{}', { status: 404 });
  });
});
afterEach(() => {
  w?.unmount();
  w = null;
  vi.unstubAllGlobals();
});

describe('useReportData', () => {
  it('labels the counted bundle with the people when they arrive, without counting again', async () => {
    let data: ReturnType<typeof useReportData> | null = null;
    w = mount(
      defineComponent({
        setup() {
          data = useReportData(ref(2023), ref(false), ref(true));
          return () => h('p', data!.bundle.value ? `${data!.bundle.value.orgName} ${data!.bundle.value.names.size}` : '…');
        },
      }),
      { global: { plugins: [pinia] } },
    );
    await vi.waitFor(() => expect(w!.text()).toBe('惠东县 0'), { timeout: 5000 });
    const counted = counting.calls;
    expect(counted).toBeGreaterThanOrEqual(1);
    const before = data!.bundle.value!;

    // Asked for once the counted report has been shown, not before.
    await vi.waitFor(() => expect(people.asked).toBe(1));
    people.release({ names: new Map([['u-li', '李志愿']]), orgName: '惠东县科学技术协会' });
    await vi.waitFor(() => expect(w!.text()).toBe('惠东县科学技术协会 1'));
    const after = data!.bundle.value!;
    expect(counting.calls).toBe(counted);
    expect(after.names.get('u-li')).toBe('李志愿');
    // The same counts, tables and narrative: the very objects of the first count.
    expect(after.report).toBe(before.report);
    expect(after.narrative).toBe(before.narrative);
  });
});
