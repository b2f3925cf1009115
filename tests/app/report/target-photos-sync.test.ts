// @vitest-environment node
/**
 * A manual indicator's evidence photos (issue 14 §3) from the phone's database to the real server:
 * the target repository writes the photos into the target and its outbox put, the sync engine
 * uploads the photo before the push that names it (as for an event or an award), the server keeps
 * the target with its photos and the photo past the sweep; an old target without photos edits
 * as before and gains photos by a put of that field alone.
 */
import '../db/node-blob';
import { afterEach, describe, expect, it } from 'vitest';
import { DexieLocalStore } from '../../../src/app/db/dexie-local-store';
import { getOrCreateClientId } from '../../../src/app/db/meta';
import { addPhoto } from '../../../src/app/db/photo-repository';
import { createTargetRepository } from '../../../src/app/db/target-repository';
import type { PhotoResizer } from '../../../src/app/photos/resize';
import { sweepUnnamedBlobs } from '../../../src/server/blob-sweep';
import type { Target, TargetFields } from '../../../src/domain/targets';
import { createHttpTransport } from '../../../src/sync/http-transport';
import { runSync } from '../../../src/sync/sync-engine';
import { startRealServer, type RealServer, type SimAccount } from '../../sync/sim/real-server';
import { freshDb, testDeps } from '../db/helpers';

const DAY = 86_400_000;
const INDICATOR: TargetFields = {
  year: 2023,
  kind: 'count',
  measure: 'events',
  axis: 'all',
  axisCode: null,
  min: 95,
  level1: '产出指标',
  level2: '质量指标',
  level3: '资金支出率',
  unit: '%',
  weight: 5,
  source: 'manual',
  manualValue: 97.3,
  valueNote: '决算数 / 预算数',
  evidence: '2023年部门决算报表（档案号 2024-01）',
};

/** Stands in for the canvas resizer: the "resized" photo is a JPEG made of the input's bytes. */
const resizer: PhotoResizer = async (file) => {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return {
    blob: new Blob([new Uint8Array([0xff, 0xd8, 0xff]), bytes], { type: 'image/jpeg' }),
    thumb: new Blob([bytes.slice(0, 4)], { type: 'image/jpeg' }),
    width: 800,
    height: 600,
  };
};
const picture = (seed: number) => new Blob([new Uint8Array(300).map((_, i) => (i * seed + 7) % 256)], { type: 'image/png' });

describe('a target’s evidence photos through the outbox to the server', () => {
  let server: RealServer;
  let staff: SimAccount;
  afterEach(() => server.close());

  async function phone() {
    server = await startRealServer();
    staff = await server.makeUser('staff', 'staff-evidence');
    const db = freshDb();
    const random16 = () => new Uint8Array(16).fill(9);
    const { deps } = testDeps({
      identity: () => ({ userId: staff.userId, orgId: staff.orgId, role: 'staff' }),
      clientId: () => getOrCreateClientId(db, random16),
    });
    const store = new DexieLocalStore(db, { random16, timeZone: 'Asia/Shanghai' });
    const transport = createHttpTransport({ baseUrl: () => '', token: () => staff.token, gzip: false, fetch: server.fetch });
    const targets = async () => {
      const res = await server.fetch('/api/sync/pull?cursor=0&limit=100', { headers: { authorization: `Bearer ${staff.token}` } });
      const body = (await res.json()) as { rows: { entity: string; row: Target }[] };
      return body.rows.filter((r) => r.entity === 'target').map((r) => r.row);
    };
    return { db, repo: createTargetRepository(db, deps), sync: () => runSync(store, transport), targets };
  }

  it('uploads the photo before the push that names it; the server keeps both, the photo past the sweep', async () => {
    const { db, repo, sync, targets } = await phone();
    const photo = await addPhoto(db, picture(3), Date.now(), resizer);
    const id = repo.newTargetId();
    await repo.createTarget(id, { ...INDICATOR, photos: [photo.hash] });
    expect((await db.outbox.toArray()).map((m) => [m.entity, m.op, 'fields' in m ? m.fields.photos : null])).toEqual([['target', 'put', [photo.hash]]]);
    expect(await sync()).toMatchObject({ blobsUploaded: 1, pushed: 1, quarantined: 0 });
    expect(await db.outbox.count()).toBe(0);
    expect((await targets()).map((t) => [t.id, t.level3, t.photos, t.evidence])).toEqual([[id, '资金支出率', [photo.hash], INDICATOR.evidence]]);
    expect(await sweepUnnamedBlobs(server.store(), new Date(Date.now() + 30 * DAY), 7)).toEqual({ owners: 0, blobs: 0, bytes: 0 });
    const got = await server.fetch(`/api/blobs/${photo.hash}`, { headers: { authorization: `Bearer ${staff.token}` } });
    expect([got.status, (await got.arrayBuffer()).byteLength]).toEqual([200, photo.blob.size]);
  });

  it('an old target without photos syncs as before, then gains a photo by an edit of that field alone; removing it sends the empty list', async () => {
    const { db, repo, sync, targets } = await phone();
    const id = repo.newTargetId();
    await repo.createTarget(id, INDICATOR);
    expect(await sync()).toMatchObject({ blobsUploaded: 0, pushed: 1, quarantined: 0 });
    expect((await targets())[0]).not.toHaveProperty('photos');
    const photo = await addPhoto(db, picture(5), Date.now(), resizer);
    await repo.updateTarget(id, { ...INDICATOR, photos: [photo.hash] });
    expect((await db.outbox.toArray()).map((m) => ('fields' in m ? m.fields : null))).toEqual([{ photos: [photo.hash] }]);
    expect(await sync()).toMatchObject({ blobsUploaded: 1, pushed: 1, quarantined: 0 });
    expect((await targets())[0]!.photos).toEqual([photo.hash]);
    await repo.updateTarget(id, { photos: [] });
    expect(await sync()).toMatchObject({ pushed: 1, quarantined: 0 });
    expect((await targets())[0]!.photos).toEqual([]);
  });
});
