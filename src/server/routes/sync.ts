/** Push and pull (protocol in src/sync/protocol.ts). */
import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { feedbackCodeOf } from '../../domain/feedback.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  EPOCH_CHANGED,
  MAX_BODY_BYTES,
  PROTOCOL_VERSION,
  pullQuerySchema,
  pushRequestSchema,
  recoverRequestSchema,
  type PullResponse,
  type RecoverResponse,
} from '../../sync/protocol.js';
import { parse, requireRole, userOf } from '../context.js';
import { ApiFailure, fail } from '../errors.js';
import { EpochChangedError, planPush } from '../sync/plan.js';
import { planRecovery } from '../sync/plan-recovery.js';
import { verifyRecord } from '../sync/signature.js';
import type { PullPage, PushState, Store } from '../store/store.js';
import { scopeOf, scopeUser } from '../../domain/scope.js';
import { totalsOf, type TotalsRow } from '../../domain/totals.js';
import type { ReferenceContext } from '../../domain/event.js';

/** Rows per pull page when the phone does not say. */
export const DEFAULT_PULL_LIMIT = 500;

/**
 * The org's year totals as a scoped phone gets them (PullResponse.totals), counted from every live
 * event of the org and kept per org under the sum of the org's event revs (Store.liveEvents):
 * any committed write of an org's event raises that sum, so an unchanged sum means unchanged
 * totals and the count is reused. Per process; small (a few dozen rows a year).
 */
const totalsCache = new WeakMap<Store, Map<string, { revSum: number; rows: TotalsRow[] }>>();

export async function orgTotals(store: Store, orgId: string): Promise<{ revSum: number; rows: TotalsRow[] }> {
  let byOrg = totalsCache.get(store);
  if (!byOrg) totalsCache.set(store, (byOrg = new Map()));
  const cached = byOrg.get(orgId);
  if (cached && cached.revSum === (await store.eventRevSum(orgId))) return cached;
  const { events, revSum } = await store.liveEvents(orgId);
  const counted = { revSum, rows: totalsOf(events) };
  byOrg.set(orgId, counted);
  return counted;
}

/** Counts the compressed bytes so Fastify can compare them with Content-Length. */
class CountingStream extends Transform {
  receivedEncodedLength = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.receivedEncodedLength += chunk.length;
    if (this.receivedEncodedLength > MAX_BODY_BYTES) {
      cb(Object.assign(new Error('The compressed request body is too large.'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }));
      return;
    }
    cb(null, chunk);
  }
}

/**
 * Accepts `Content-Encoding: gzip` request bodies: the decompressed stream goes to the JSON parser,
 * whose bodyLimit (MAX_BODY_BYTES) bounds the inflated size, so a zip bomb stops at the limit.
 */
async function gunzipRequest(req: FastifyRequest, _reply: unknown, payload: NodeJS.ReadableStream): Promise<NodeJS.ReadableStream> {
  const enc = String(req.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (enc === 'identity' || enc === '') return payload;
  if (enc !== 'gzip') fail('unsupportedMediaType', `Content-Encoding "${enc}" is not supported; send gzip or nothing.`);
  const counter = new CountingStream();
  const gunzip = createGunzip();
  const out = payload.pipe(counter).pipe(gunzip) as unknown as NodeJS.ReadableStream & { receivedEncodedLength: number };
  Object.defineProperty(out, 'receivedEncodedLength', { get: () => counter.receivedEncodedLength });
  counter.on('error', (e) => gunzip.destroy(e));
  return out;
}

/** The 409 a phone gets when its epoch is not the ledger's: it must recover, then pull from 0. */
function epochChanged(epoch: string): never {
  throw new ApiFailure(
    EPOCH_CHANGED,
    'The ledger was restored from a backup: send back what this phone holds (POST /api/sync/recover), then pull from 0.',
    undefined,
    { epoch },
  );
}

/** The references a push is checked against: the region's, and the org's taxonomy or the default. */
function refsOf(k: FastifyInstance['kepu'], state: PushState): ReferenceContext {
  return { ...k.refs, taxonomy: state.taxonomy ?? k.refs.taxonomy };
}

/** Runs a store call that plans in a transaction, turning EpochChangedError into the 409. */
async function withinEpoch<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof EpochChangedError) epochChanged(e.epoch);
    throw e;
  }
}

export async function syncRoutes(app: FastifyInstance): Promise<void> {
  const k = app.kepu;

  app.post('/api/sync/push', { onRequest: requireRole(), preParsing: gunzipRequest }, async (req) => {
    const user = userOf(req);
    const body = parse(pushRequestSchema, req.body);
    const now = k.now().toISOString();
    const actor = { userId: user.id, orgId: user.orgId, role: user.role };
    // Events are checked against the org's taxonomy (staff add entries), which the store reads in
    // the push's transaction (PushState.taxonomy): no extra round trip, and never stale.
    const res = await withinEpoch(() =>
      k.store.push({ actor, clientId: body.clientId, mutations: body.mutations }, (state) =>
        planPush({ actor, clientId: body.clientId, mutations: body.mutations, now, refs: refsOf(k, state), clientEpoch: body.epoch ?? null }, state),
      ),
    );
    const rejected = res.results.filter((r) => r.status === 'rejected').length;
    req.log.info({ userId: user.id, clientId: body.clientId, mutations: body.mutations.length, rejected, lastAppliedSeq: res.lastAppliedSeq }, 'push');
    // Issue 15: the public feedback code of each event this push names, so the code resolves (and
    // feedback sent before the event synced is linked). Only events that exist are recorded; a
    // failure here loses nothing (the hourly feedback sweep records codes still missing).
    const eventIds = [...new Set(body.mutations.flatMap((m) => (m.entity === 'event' ? [m.eventId] : [])))];
    if (eventIds.length) {
      await k.store
        .recordFeedbackCodes(eventIds.map((id) => ({ code: feedbackCodeOf(id), eventId: id })))
        .catch((err: unknown) => req.log.warn({ err }, 'feedback codes not recorded'));
    }
    return res;
  });

  app.get('/api/sync/pull', { onRequest: requireRole() }, async (req): Promise<PullResponse> => {
    const user = userOf(req);
    const q = parse(pullQuerySchema, req.query);
    const limit = q.limit ?? DEFAULT_PULL_LIMIT;
    // Issue 13 §5: a volunteer pulls their own events and those they are listed on (domain/scope.ts).
    const scope = scopeOf(user);
    const scoped = scopeUser(scope) === null ? undefined : { userId: user.id };
    // Phones that send `scope` (even empty) understand `dropped` and `totals`.
    const knowsScopes = q.scope !== undefined;
    const answer = async (page: PullPage, from: number): Promise<PullResponse> => {
      const lastRow = page.rows[page.rows.length - 1]?.row.rev ?? from;
      const lastDrop = page.dropped[page.dropped.length - 1]?.rev ?? from;
      const res: PullResponse = { v: PROTOCOL_VERSION, epoch: page.epoch, rows: page.rows, cursor: Math.max(lastRow, lastDrop), more: page.more, scope };
      if (knowsScopes && scoped) {
        res.dropped = page.dropped.map((d) => d.id);
        if (!page.more) {
          const counted = await orgTotals(k.store, user.orgId);
          res.totalsKey = `${page.epoch}.${counted.revSum}`;
          if (q.totalsKey !== res.totalsKey) res.totals = counted.rows;
        }
      }
      return res;
    };
    const cursor = q.cursor;
    const page = await k.store.pull(user.orgId, cursor, limit, scoped);
    if (q.epoch === undefined) {
      // A phone older than epochs. Its cursor ahead of the server means a restore: send everything
      // again (applying a row twice is harmless). Phones that know epochs recover properly.
      if (cursor > 0 && cursor > (await k.store.currentRev())) {
        req.log.warn({ userId: user.id, cursor }, 'pull cursor ahead of the server (restored backup?); re-sending from 0');
        return answer(await k.store.pull(user.orgId, 0, limit, scoped), 0);
      }
    } else if (q.epoch !== page.epoch && (q.epoch !== '' || cursor > 0)) {
      // The phone's cursor and rows belong to another copy of the ledger (or to one it cannot
      // name, from before epochs): it must send back what it holds before pulling from 0.
      epochChanged(page.epoch);
    }
    return answer(page, cursor);
  });

  /**
   * After a restore: a phone sends back every row it holds (in pages), under the new epoch. Rows
   * carrying the server's own signature are taken as issued; others count as the sender's changes
   * (plan-recovery.ts). A volunteer's phone thus restores the whole org's rows it pulled, but can
   * vouch only for its own edits.
   */
  app.post('/api/sync/recover', { onRequest: requireRole(), preParsing: gunzipRequest }, async (req): Promise<RecoverResponse> => {
    const user = userOf(req);
    const body = parse(recoverRequestSchema, req.body);
    const now = k.now().toISOString();
    const actor = { userId: user.id, orgId: user.orgId, role: user.role };
    const { signKey } = await k.store.ledger();
    const rows = body.rows.map((r) => ({ entity: r.entity, row: r.row, trusted: verifyRecord(signKey, r.row, r.sig) }));
    const records = {
      events: rows.filter((r) => r.entity === 'event').map((r) => r.row.id),
      targets: rows.filter((r) => r.entity === 'target').map((r) => r.row.id),
    };
    const res = await withinEpoch(() =>
      k.store.push<RecoverResponse>({ actor, clientId: body.clientId, mutations: [], records }, (state) =>
        planRecovery({ actor, clientId: body.clientId, now, refs: refsOf(k, state), epoch: body.epoch, rows }, state),
      ),
    );
    const count = (status: string) => res.results.filter((r) => r.status === status).length;
    req.log.info(
      {
        userId: user.id,
        clientId: body.clientId,
        rows: rows.length,
        trusted: rows.filter((r) => r.trusted).length,
        restored: count('restored'),
        kept: count('kept'),
        rejected: count('rejected'),
      },
      'recover',
    );
    return res;
  });
}
