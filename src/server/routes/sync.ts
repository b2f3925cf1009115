/** Push and pull (protocol in src/sync/protocol.ts). */
import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_BODY_BYTES, PROTOCOL_VERSION, pullQuerySchema, pushRequestSchema, type PullResponse } from '../../sync/protocol.js';
import { parse, requireRole, userOf } from '../context.js';
import { fail } from '../errors.js';
import { planPush } from '../sync/plan.js';
import { orgTaxonomyOf } from './org.js';

/** Rows per pull page when the phone does not say. */
export const DEFAULT_PULL_LIMIT = 500;

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
  const enc = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return payload;
  if (enc !== 'gzip') fail('unsupportedMediaType', `Content-Encoding "${enc}" is not supported; send gzip or nothing.`);
  const counter = new CountingStream();
  const gunzip = createGunzip();
  const out = payload.pipe(counter).pipe(gunzip) as unknown as NodeJS.ReadableStream & { receivedEncodedLength: number };
  Object.defineProperty(out, 'receivedEncodedLength', { get: () => counter.receivedEncodedLength });
  counter.on('error', (e) => gunzip.destroy(e));
  return out;
}

export async function syncRoutes(app: FastifyInstance): Promise<void> {
  const k = app.kepu;

  app.post('/api/sync/push', { onRequest: requireRole(), preParsing: gunzipRequest }, async (req) => {
    const user = userOf(req);
    const body = parse(pushRequestSchema, req.body);
    const now = k.now().toISOString();
    const actor = { userId: user.id, orgId: user.orgId, role: user.role };
    // Events are checked against the org's taxonomy (staff add entries); codes are never removed
    // from it, so reading it before the push transaction can only miss a code added meanwhile.
    const refs = { ...k.refs, taxonomy: await orgTaxonomyOf(k, user.orgId) };
    const res = await k.store.push({ actor, clientId: body.clientId, mutations: body.mutations }, (state) =>
      planPush({ actor, clientId: body.clientId, mutations: body.mutations, now, refs }, state),
    );
    const rejected = res.results.filter((r) => r.status === 'rejected').length;
    req.log.info({ userId: user.id, clientId: body.clientId, mutations: body.mutations.length, rejected, lastAppliedSeq: res.lastAppliedSeq }, 'push');
    return res;
  });

  app.get('/api/sync/pull', { onRequest: requireRole() }, async (req): Promise<PullResponse> => {
    const user = userOf(req);
    const q = parse(pullQuerySchema, req.query);
    const limit = q.limit ?? DEFAULT_PULL_LIMIT;
    let cursor = q.cursor;
    if (cursor > 0 && cursor > (await k.store.currentRev())) {
      // The phone has seen revs this server never gave out: the database was restored from a
      // backup. Send everything again (applying a row twice is harmless) so nothing is missed.
      req.log.warn({ userId: user.id, cursor }, 'pull cursor ahead of the server (restored backup?); re-sending from 0');
      cursor = 0;
    }
    const { rows, more } = await k.store.pull(user.orgId, cursor, limit);
    const last = rows[rows.length - 1];
    return { v: PROTOCOL_VERSION, rows, cursor: last ? last.row.rev : cursor, more };
  });
}
