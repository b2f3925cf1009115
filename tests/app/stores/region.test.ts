import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { ledgerDb, setLedgerDbFactory } from '../../../src/app/db/database';
import { useLedgerStore } from '../../../src/app/stores/ledger';
import { useRegionStore } from '../../../src/app/stores/region';
import { townshipAt, villagesOf, type RegionPack } from '../../../src/domain/region';
import { LedgerDb } from '../../../src/app/db/ledger-db';
import { freshDb, sampleContent } from '../db/helpers';
import type { ValidationError } from '../../../src/app/db/errors';

const dir = join(process.cwd(), 'public/regions/huidong/'); // vitest's root is the repo
const requested: string[] = [];

/** Serves public/regions/huidong from disk, as the dev server would. */
function stubFetch() {
  vi.stubGlobal('fetch', async (url: string) => {
    requested.push(url);
    const m = /^\/regions\/huidong\/([\w.-]+)$/.exec(url);
    try {
      const text = readFileSync(dir + m![1]!, 'utf8');
      return { ok: true, status: 200, json: async () => JSON.parse(text) as unknown };
    } catch {
      return { ok: false, status: 404, json: async () => null };
    }
  });
}

describe('useRegionStore', () => {
  beforeEach(() => {
    requested.length = 0;
    setActivePinia(createPinia());
    setLedgerDbFactory(freshDb);
    stubFetch();
  });
  afterEach(() => vi.unstubAllGlobals());

  it('builds the Huidong pack from the shipped files', async () => {
    const region = useRegionStore();
    const pack = await region.load();
    expect(requested.sort()).toEqual(['region.json', 'townships.geojson', 'county.geojson', 'villages.json'].map((f) => `/regions/huidong/${f}`).sort());
    expect(region.pack).toBe(pack);
    expect(region.source).toBe('shipped');
    expect(pack!.meta).toMatchObject({ id: 'huidong', code: '441323000000', name: '惠东县', timeZone: 'Asia/Shanghai' });
    expect(pack!.townships).toHaveLength(16);
    expect(pack!.villages).toHaveLength(305);
    expect(pack!.county?.type).toMatch(/Polygon/);
    expect(townshipAt(pack!, 114.71311, 22.99376)?.name).toBe('平山街道');
  });

  it('gives every township of the shipped pack its villages (codes clean of stray CRs)', async () => {
    const pack = (await useRegionStore().load())!;
    expect(
      villagesOf(pack, '441323001000')
        .map((v) => v.name)
        .slice(0, 2),
    ).toEqual(['园岭社区居民委员会', '城东社区居民委员会']);
    expect(pack.villages.every((v) => /^\d{12}$/.test(v.townshipCode))).toBe(true);
    expect(new Set(pack.villages.map((v) => v.townshipCode)).size).toBeGreaterThan(10);
  });

  it('prefers an imported pack kept in meta, and replacePack stores one', async () => {
    const shipped = (await useRegionStore().load())!;
    const imported: RegionPack = { ...shipped, meta: { ...shipped.meta, id: 'imported', name: '测试县' } };
    await useRegionStore().replacePack(imported);
    const name = ledgerDb().name;
    setActivePinia(createPinia());
    setLedgerDbFactory(() => new LedgerDb(name));
    requested.length = 0;
    const region = useRegionStore();
    expect((await region.load())?.meta.name).toBe('测试县');
    expect(region.source).toBe('imported');
    // The shipped files were asked for while the database opened (speculatively), and unused.
    expect(region.pack?.meta.id).toBe('imported');
  });

  it('asks for the manifest and the default-named files at once, not the files after the manifest', async () => {
    let releaseManifest!: () => void;
    const manifestHeld = new Promise<void>((done) => (releaseManifest = done));
    const serve = (globalThis.fetch as unknown as (u: string) => Promise<unknown>).bind(globalThis);
    vi.stubGlobal('fetch', async (url: string) => {
      if (url.endsWith('region.json')) await manifestHeld;
      return serve(url);
    });
    const loading = useRegionStore().load();
    // All three data files are on their way while the manifest has not answered yet.
    await vi.waitFor(() => expect([...requested].sort()).toEqual(['county.geojson', 'townships.geojson', 'villages.json'].map((f) => `/regions/huidong/${f}`)));
    releaseManifest();
    expect((await loading)?.townships).toHaveLength(16);
  });

  it('fetches the files a manifest names instead of the defaults (a default-named file may be missing)', async () => {
    const manifest = JSON.parse(readFileSync(dir + 'region.json', 'utf8')) as Record<string, unknown>;
    const served = new Map<string, unknown>([
      ['/regions/huidong/region.json', { ...manifest, files: { townships: 'towns-v2.geojson' } }],
      ['/regions/huidong/towns-v2.geojson', JSON.parse(readFileSync(dir + 'townships.geojson', 'utf8'))],
      ['/regions/huidong/county.geojson', JSON.parse(readFileSync(dir + 'county.geojson', 'utf8'))],
      ['/regions/huidong/villages.json', JSON.parse(readFileSync(dir + 'villages.json', 'utf8'))],
    ]);
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    vi.stubGlobal('fetch', async (url: string) => {
      requested.push(url);
      return served.has(url) ? { ok: true, status: 200, json: async () => served.get(url) } : { ok: false, status: 404, json: async () => null };
    });
    try {
      const pack = await useRegionStore().load();
      expect(pack?.townships).toHaveLength(16);
      expect(requested).toContain('/regions/huidong/towns-v2.geojson');
      await new Promise((done) => setTimeout(done, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('reports a missing shipped file as an error and leaves pack null', async () => {
    vi.stubGlobal('fetch', async () => ({ ok: false, status: 404, json: async () => null }));
    const region = useRegionStore();
    expect(await region.load()).toBeNull();
    expect(region.error).toBe('region pack: /regions/huidong/region.json answered 404');
  });

  it('lets the ledger refuse an event in a township the loaded pack lacks', async () => {
    await useRegionStore().load();
    const ledger = useLedgerStore();
    const err = await ledger.repo.createEvent(ledger.repo.newEventId(), sampleContent({ townshipCode: '441323999000' }), 'draft').catch((e: unknown) => e);
    expect((err as ValidationError).problems).toEqual([{ field: 'townshipCode', code: 'unknownTownship' }]);
    const ok = await ledger.repo.createEvent(ledger.repo.newEventId(), sampleContent({ villageCode: '441323001001' }), 'draft');
    expect(ok.villageCode).toBe('441323001001');
  });
});
