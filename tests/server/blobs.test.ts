/**
 * Photos over HTTP, on SQLite and PostgreSQL: the storage budgets (a code per case, nothing
 * stored when refused), reads limited to the reader's org, and pushes naming photos the server
 * does not hold (refused per mutation, `photoMissing`; other fields of old events stay editable).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DEFAULT_BLOB_BUDGET } from '../../src/server/routes/blobs';
import { sha256Hex } from '../../src/server/auth/tokens';
import type { PostgresStore } from '../../src/server/store/postgres';
import type { SqliteStore } from '../../src/server/store/sqlite';
import { planPush } from '../../src/server/sync/plan';
import { MAX_BLOB_BYTES, type PushResponse } from '../../src/sync/protocol';
import { AT, bearer, eventFields, handleFor, newId, push, putEvent, seedAccounts, testApp, type Accounts, type StoreHandle, type StoreKind } from './helpers';
import type { ReferenceContext } from '../../src/domain/event';

const KINDS: StoreKind[] = ['sqlite', 'postgres'];
const MIB = 1024 * 1024;

function jpeg(size: number): { bytes: Buffer; sha: string } {
  const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(size - 3)]);
  return { bytes, sha: createHash('sha256').update(bytes).digest('hex') };
}

describe.each(KINDS)('photos over HTTP on %s', (kind) => {
  let h: StoreHandle;
  let app: FastifyInstance;
  let acc: Accounts;

  async function start(budget?: { orgBytes: number; userDailyBytes: number }): Promise<void> {
    app = await testApp(h.store, budget ? { blobBudget: budget } : {});
    acc = await seedAccounts(app);
  }

  const upload = (who: { token: string }, b: { bytes: Buffer; sha: string }) =>
    app.inject({ method: 'PUT', url: `/api/blobs/${b.sha}`, headers: { ...bearer(who.token), 'content-type': 'image/jpeg' }, payload: b.bytes });
  const read = (who: { token: string }, sha: string) => app.inject({ url: `/api/blobs/${sha}`, headers: bearer(who.token) });

  beforeEach(async () => {
    h = await handleFor(kind);
  });
  afterEach(async () => {
    await app.close();
    await h.cleanup();
  });

  test('an upload beyond the org’s storage budget is refused with orgStorageFull and stores nothing', async () => {
    await start({ orgBytes: 3000, userDailyBytes: 100_000 });
    const [a, b, c] = [jpeg(1000), jpeg(1000), jpeg(1001)];
    expect((await upload(acc.volA, a)).statusCode).toBe(201);
    expect((await upload(acc.volB, b)).statusCode).toBe(201);
    const before = await h.store.dump();
    const refused = await upload(acc.staff, c);
    expect([refused.statusCode, refused.json()]).toEqual([
      403,
      { error: 'orgStorageFull', message: "The association's photo storage is full; ask the administrator to raise BLOB_ORG_QUOTA_MB." },
    ]);
    expect(await h.store.dump()).toEqual(before);
    // Sending again what the org holds is free, so a phone retrying an upload is never refused.
    expect((await upload(acc.staff, a)).statusCode).toBe(200);
    expect((await read(acc.staff, c.sha)).statusCode).toBe(404);
  });

  test('an upload beyond the user’s 24-hour budget is refused with dailyUploadLimit; the budget frees up a day later', async () => {
    const t0 = Date.now();
    let now = new Date(t0);
    app = await testApp(h.store, { blobBudget: { orgBytes: 1_000_000, userDailyBytes: 2500 }, now: () => now });
    acc = await seedAccounts(app);
    expect((await upload(acc.volA, jpeg(1000))).statusCode).toBe(201);
    expect((await upload(acc.volA, jpeg(1000))).statusCode).toBe(201);
    const refused = await upload(acc.volA, jpeg(1000));
    expect([refused.statusCode, refused.json().error]).toEqual([403, 'dailyUploadLimit']);
    expect((await upload(acc.volB, jpeg(1000))).statusCode).toBe(201);
    now = new Date(t0 + 24 * 3_600_000 + 1);
    expect((await upload(acc.volA, jpeg(1000))).statusCode).toBe(201);
  });

  test('a signed-in user reads only photos their own org holds or names', async () => {
    await start();
    const a = jpeg(500);
    expect((await upload(acc.volA, a)).statusCode).toBe(201);
    // A second association on the same server, with a user and a token.
    const otherOrg = newId();
    const otherUser = newId();
    if (h.store.kind === 'sqlite')
      (h.store as SqliteStore).db.prepare('INSERT INTO orgs (id, name, created_at) VALUES (?, ?, ?)').run(otherOrg, '博罗县科协', AT);
    else await (h.store as PostgresStore).pool.query('INSERT INTO orgs (id, name, created_at) VALUES ($1, $2, $3)', [otherOrg, '博罗县科协', AT]);
    await h.store.createUser({
      id: otherUser,
      orgId: otherOrg,
      role: 'staff',
      name: '外',
      username: 'boluo',
      passwordHash: 'x',
      disabled: false,
      createdAt: AT,
    });
    // Made now: a token from AT would have expired long ago (SESSION_MAX_DAYS).
    await h.store.createToken(sha256Hex('token-of-another-association'), otherUser, new Date().toISOString());
    const stranger = { token: 'token-of-another-association' };
    expect([(await read(acc.volB, a.sha)).statusCode, (await read(stranger, a.sha)).statusCode]).toEqual([200, 404]);
    expect((await app.inject({ method: 'HEAD', url: `/api/blobs/${a.sha}`, headers: bearer('token-of-another-association') })).statusCode).toBe(404);
    const named = await push(app, acc.volA, newId(), [putEvent(1, newId(), eventFields({ photos: [a.sha] }))]);
    expect(named.json<PushResponse>().results[0]!.status).toBe('applied');
    expect((await read(stranger, a.sha)).statusCode).toBe(404);
    // The stranger's own copy of the same bytes: their org holds it now, and reads it.
    expect((await upload(stranger, a)).statusCode).toBe(201);
    expect(Buffer.compare((await read(stranger, a.sha)).rawPayload, a.bytes)).toBe(0);
  });

  test('a push naming a photo the server does not hold is refused per mutation; other fields of an old event stay editable', async () => {
    await start();
    const held = jpeg(300);
    const missing = jpeg(300);
    expect((await upload(acc.volA, held)).statusCode).toBe(201);
    const client = newId();
    const [e1, e2] = [newId(), newId()];
    const res = await push(app, acc.volA, client, [
      putEvent(1, e1, eventFields({ photos: [held.sha, missing.sha] })),
      putEvent(2, e2, eventFields({ photos: [held.sha] })),
    ]);
    expect(res.json<PushResponse>()).toEqual({
      v: 1,
      epoch: (await h.store.ledger()).epoch,
      lastAppliedSeq: 2,
      results: [
        { seq: 1, status: 'rejected', reason: 'photoMissing', problems: [{ field: 'photos.1', code: 'photoMissing' }] },
        { seq: 2, status: 'applied', rev: 1 },
      ],
    });
    // An event stored before the rule, naming a photo never uploaded (written past the planner).
    const old = newId();
    const refs = (app as unknown as { kepu: { refs: ReferenceContext } }).kepu.refs;
    const actor = { userId: acc.volA.userId, orgId: acc.volA.orgId, role: 'volunteer' as const };
    const mutations = [putEvent(1, old, eventFields({ photos: [missing.sha] }))];
    await h.store.push({ actor, clientId: newId(), mutations }, (state) =>
      planPush({ actor, clientId: 'legacy', mutations, now: AT, refs }, { ...state, storedPhotos: new Set([missing.sha]) }),
    );
    const edit = await push(app, acc.volA, client, [putEvent(3, old, { title: '只改标题' }), putEvent(4, old, { photos: [missing.sha, held.sha] })]);
    expect(edit.json<PushResponse>().results).toEqual([
      { seq: 3, status: 'applied', rev: 3 },
      { seq: 4, status: 'applied', rev: 4 },
    ]);
    const another = jpeg(300);
    const adds = await push(app, acc.volA, client, [putEvent(5, old, { photos: [missing.sha, held.sha, another.sha] })]);
    expect(adds.json<PushResponse>().results).toEqual([
      { seq: 5, status: 'rejected', reason: 'photoMissing', problems: [{ field: 'photos.2', code: 'photoMissing' }] },
    ]);
    // Uploaded, the same change goes through.
    expect((await upload(acc.volA, another)).statusCode).toBe(201);
    const again = await push(app, acc.volA, client, [putEvent(6, old, { photos: [missing.sha, held.sha, another.sha] })]);
    expect(again.json<PushResponse>().results).toEqual([{ seq: 6, status: 'applied', rev: 5 }]);
  });

  test.runIf(kind === 'sqlite')('twelve 8 MiB photos sent at once by one volunteer: the default daily budget stores eight and refuses four', async () => {
    await start();
    const blobs = Array.from({ length: 12 }, () => jpeg(MAX_BLOB_BYTES));
    const answers = await Promise.all(blobs.map((b) => upload(acc.volA, b)));
    expect(answers.map((r) => r.statusCode).sort()).toEqual([...Array(8).fill(201), ...Array(4).fill(403)]);
    expect(answers.filter((r) => r.statusCode === 403).map((r) => r.json().error)).toEqual(Array(4).fill('dailyUploadLimit'));
    expect((await h.store.dump()).blobs!.length).toBe(8);
    expect(DEFAULT_BLOB_BUDGET.userDailyBytes).toBe(64 * MIB);
  });
});
