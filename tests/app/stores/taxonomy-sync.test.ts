import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import type { OrgTaxonomyResponse } from '../../../src/app/api/admin-api';
import { ApiError } from '../../../src/sync/api-error';
import { ledgerDb, setLedgerDbFactory } from '../../../src/app/db/database';
import { useSessionStore, type StoredSession } from '../../../src/app/stores/session';
import { useSettingsStore } from '../../../src/app/stores/settings';
import { useSyncStore } from '../../../src/app/stores/sync';
import { startTaxonomySync, syncTaxonomyOnce, type TaxonomySyncDeps } from '../../../src/app/stores/taxonomy-sync';
import { DEFAULT_TAXONOMY, type Taxonomy } from '../../../src/domain/taxonomy';
import { blankLine, DEFAULT_REPORT_LINES } from '../../../src/domain/report-line-schema';
import { freshDb } from '../db/helpers';

const film = { code: 'film', zh: '科普电影放映' };
const radio = { code: 'radio', zh: '广播科普' };
const withFormats = (extra: Taxonomy['formats'], base: Taxonomy = DEFAULT_TAXONOMY): Taxonomy => ({ ...base, formats: [...base.formats, ...extra] });

/** A fake org taxonomy endpoint: `server` is what GET answers; PUT stores (unless told to fail). */
function fakeApi(initial: Taxonomy) {
  const state = { server: initial, puts: [] as Taxonomy[], gets: 0, failPut: null as ApiError | null, beforePut: null as (() => void) | null };
  const answer = (taxonomy: Taxonomy): OrgTaxonomyResponse => ({ taxonomy, updatedAt: '2026-11-26T08:00:00.000Z', updatedBy: 'u-staff' });
  const api: TaxonomySyncDeps['api'] = {
    async getTaxonomy() {
      state.gets += 1;
      return answer(state.server);
    },
    async putTaxonomy(t) {
      state.beforePut?.();
      state.beforePut = null;
      if (state.failPut) throw state.failPut;
      const missing = state.server.formats.filter((e) => !t.formats.some((x) => x.code === e.code));
      if (missing.length)
        throw new ApiError('rejected', 'invalid', {
          status: 400,
          code: 'invalid',
          problems: missing.map((e) => ({ field: 'formats', code: `removedCode:${e.code}` })),
        });
      state.puts.push(t);
      state.server = t;
      return answer(t);
    },
  };
  return { api, state };
}

const SESSION: StoredSession = {
  userId: 'u-staff',
  orgId: 'o-1',
  role: 'staff',
  name: '王工作',
  token: 'tok',
  serverUrl: '',
  username: 'wang',
  orgName: '惠东县科协',
  expired: false,
};

describe('taxonomy sync', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    setLedgerDbFactory(freshDb);
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('no network in this test');
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  const deps = (api: TaxonomySyncDeps['api'], staff: boolean, online = true): TaxonomySyncDeps => ({
    api,
    signedIn: () => true,
    isStaff: () => staff,
    online: () => online,
  });

  it('staff report lines and clause edits go up with the taxonomy; once the server has them they are no longer pending, and other phones adopt them', async () => {
    const settings = useSettingsStore();
    await settings.load();
    const lines = [...DEFAULT_REPORT_LINES, { ...blankLine('caravan-school', '大篷车进校园'), formats: ['caravan'], venues: ['school'] }];
    await settings.saveReportLines(lines);
    await settings.saveClauseEdit({ year: 2023, key: 'line:caravan', text: '二是…', generated: '二是…5场次' });
    const { api, state } = fakeApi(DEFAULT_TAXONOMY);
    expect(await syncTaxonomyOnce(deps(api, true))).toBe('pushed');
    expect(state.puts.at(-1)!.reportLines).toEqual(lines);
    expect(state.puts.at(-1)!.clauseEdits).toHaveLength(1);
    expect([...settings.taxonomyPending]).toEqual([]);

    // Another phone (a volunteer's) adopts them from the server.
    setActivePinia(createPinia());
    setLedgerDbFactory(freshDb);
    const other = useSettingsStore();
    await other.load();
    expect(other.reportLines).toEqual(DEFAULT_REPORT_LINES);
    expect(await syncTaxonomyOnce(deps(api, false))).toBe('adopted');
    expect(other.reportLines).toEqual(lines);
    expect(other.clauseEdits).toEqual([{ year: 2023, key: 'line:caravan', text: '二是…', generated: '二是…5场次' }]);
  });

  it('a volunteer adopts the org taxonomy: server wins for its codes, local-only codes stay on the phone and are not sent', async () => {
    const settings = useSettingsStore();
    await settings.load();
    await settings.adoptTaxonomy({ ...withFormats([film]), venues: DEFAULT_TAXONOMY.venues.map((e) => (e.code === 'school' ? { ...e, zh: '旧叫法' } : e)) });
    const { api, state } = fakeApi({ ...withFormats([radio]), venues: DEFAULT_TAXONOMY.venues.map((e) => (e.code === 'school' ? { ...e, zh: '学校' } : e)) });
    expect(await syncTaxonomyOnce(deps(api, false))).toBe('adopted');
    expect(state.puts).toEqual([]);
    expect(settings.taxonomy.formats.slice(-2)).toEqual([radio, film]);
    expect(settings.taxonomy.venues.find((e) => e.code === 'school')?.zh).toBe('学校');
    expect((await ledgerDb().meta.get('taxonomy'))?.value).toEqual(settings.taxonomy);
  });

  it('staff edits are sent as the whole merged taxonomy and leave the pending set', async () => {
    const settings = useSettingsStore();
    await settings.load();
    await settings.addEntry('formats', film);
    await settings.renameEntry('formats', 'media', '新媒体科普');
    expect([...settings.taxonomyPending]).toEqual(['formats:film', 'formats:media']);
    const { api, state } = fakeApi(withFormats([radio]));
    expect(await syncTaxonomyOnce(deps(api, true))).toBe('pushed');
    expect(state.puts).toHaveLength(1);
    const sent = state.puts[0]!;
    expect(sent.formats.map((e) => e.code)).toEqual([...DEFAULT_TAXONOMY.formats.map((e) => e.code), 'radio', 'film']);
    expect(sent.formats.find((e) => e.code === 'media')?.zh).toBe('新媒体科普');
    expect(settings.taxonomy).toEqual(sent);
    expect(settings.taxonomyPending.size).toBe(0);
    expect((await ledgerDb().meta.get('taxonomyPending'))?.value).toEqual([]);
  });

  it('a send that fails stays local and pending; it is sent after the next successful sync', async () => {
    const { api, state } = fakeApi(DEFAULT_TAXONOMY);
    state.failPut = new ApiError('offline', 'no answer');
    const runner = startTaxonomySync({ ...deps(api, true), now: () => 0 });
    const settings = useSettingsStore();
    await settings.load();
    await settings.addEntry('formats', film);
    await nextTick();
    await runner.idle();
    expect(state.puts).toEqual([]);
    expect(settings.taxonomy.formats.at(-1)).toEqual(film);
    expect([...settings.taxonomyPending]).toEqual(['formats:film']);

    state.failPut = null;
    useSyncStore().lastSuccessAt = 1_000;
    await nextTick();
    await runner.idle();
    expect(state.puts.map((t) => t.formats.at(-1))).toEqual([film]);
    expect(settings.taxonomyPending.size).toBe(0);
  });

  it('merges again when another device added a code between the fetch and the send', async () => {
    const settings = useSettingsStore();
    await settings.load();
    await settings.addEntry('formats', film);
    const { api, state } = fakeApi(DEFAULT_TAXONOMY);
    state.beforePut = () => {
      state.server = withFormats([radio]);
    };
    expect(await syncTaxonomyOnce(deps(api, true))).toBe('pushed');
    expect(state.puts.map((t) => t.formats.slice(-2).map((e) => e.code))).toEqual([['radio', 'film']]);
    expect(settings.taxonomy.formats.slice(-2)).toEqual([radio, film]);
  });

  it('offline, nothing is asked and the phone keeps its taxonomy', async () => {
    const settings = useSettingsStore();
    await settings.load();
    await settings.addEntry('formats', film);
    const { api, state } = fakeApi(withFormats([radio]));
    expect(await syncTaxonomyOnce(deps(api, true, false))).toBe('offline');
    expect(state.gets).toBe(0);
    expect(settings.taxonomy.formats.at(-1)).toEqual(film);
  });

  it('after sign-in the phone fetches the org taxonomy and adopts it', async () => {
    const { api, state } = fakeApi(withFormats([radio]));
    const session = useSessionStore();
    const runner = startTaxonomySync({ api, online: () => true, now: () => 0 });
    await runner.idle();
    expect(state.gets).toBe(0);
    session.session = SESSION;
    await nextTick();
    await runner.idle();
    expect(state.gets).toBe(1);
    expect(useSettingsStore().taxonomy.formats.at(-1)).toEqual(radio);
  });
});
