/**
 * Content-addressed photos: PUT (idempotent, hash verified, size-capped, images only, within the
 * org's storage budget and the uploader's daily budget), GET and HEAD (only blobs the reader's org
 * holds or names). Photos no event names are swept after a grace period (blob-sweep.ts).
 */
import type { FastifyInstance } from 'fastify';
import { BLOB_CONTENT_TYPES, MAX_BLOB_BYTES, isSha256Hex } from '../../sync/protocol.js';
import { sha256Hex } from '../auth/tokens.js';
import { requireRole, userOf } from '../context.js';
import { fail } from '../errors.js';
import type { BlobPutDecider } from '../store/store.js';

/** Storage budgets for photos, in bytes. */
export interface BlobBudget {
  /** Bytes one org may hold in all (a blob counts once per org that holds it). */
  orgBytes: number;
  /** Bytes one user may add to their org's holdings in any 24 hours. */
  userDailyBytes: number;
}

const MIB = 1024 * 1024;

/**
 * Defaults. A county keeps a few thousand ~300 KB photos a year (~1 GB): 10 GiB lasts it years.
 * A heavy day for one volunteer (全国科普日: five events of twelve photos) is ~25 MB: 64 MiB a
 * day leaves room for 2.5 times that, while one account can no longer fill the disk (twelve
 * 8 MiB uploads in a second: the ninth is refused); a larger backlog waits on the phone a day.
 */
export const DEFAULT_BLOB_BUDGET: BlobBudget = { orgBytes: 10 * 1024 * MIB, userDailyBytes: 64 * MIB };

const DAY_MS = 86_400_000;

/** Whether the bytes start like the image type they claim to be. */
export function looksLike(contentType: string, b: Buffer): boolean {
  if (contentType === 'image/jpeg') return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
  if (contentType === 'image/png') return b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  if (contentType === 'image/webp') return b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP';
  return false;
}

function nameOf(params: unknown): string {
  const name = (params as { sha256?: unknown }).sha256;
  if (typeof name !== 'string' || !isSha256Hex(name)) fail('badRequest', 'The blob name must be the lower-case hex SHA-256 of its bytes.');
  return name;
}

/** The budget rule: a repeat upload is free; a new one must fit the org's and the user's budget. */
export function budgetDecider(budget: BlobBudget, size: number): BlobPutDecider {
  return (usage) => {
    if (usage.held) return null;
    if (usage.orgBytes + size > budget.orgBytes) return 'orgStorageFull';
    if (usage.userBytesToday + size > budget.userDailyBytes) return 'dailyUploadLimit';
    return null;
  };
}

export async function blobRoutes(app: FastifyInstance, opts: { budget?: BlobBudget }): Promise<void> {
  const k = app.kepu;
  const budget = opts.budget ?? DEFAULT_BLOB_BUDGET;
  // Only this plugin's routes accept image bodies (Fastify encapsulation).
  app.addContentTypeParser([...BLOB_CONTENT_TYPES], { parseAs: 'buffer', bodyLimit: MAX_BLOB_BYTES }, (_req, body, done) => done(null, body));

  app.put('/api/blobs/:sha256', { onRequest: requireRole(), bodyLimit: MAX_BLOB_BYTES }, async (req, reply) => {
    const user = userOf(req);
    const name = nameOf(req.params);
    const contentType = String(req.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    const body = req.body;
    if (!Buffer.isBuffer(body) || !(BLOB_CONTENT_TYPES as readonly string[]).includes(contentType)) {
      fail('unsupportedMediaType', `A blob must be sent as one of ${BLOB_CONTENT_TYPES.join(', ')}.`);
    }
    if (body.length === 0) fail('badRequest', 'The blob is empty.');
    if (sha256Hex(body) !== name) fail('hashMismatch');
    if (!looksLike(contentType, body)) fail('badRequest', `The bytes are not an image of type ${contentType}.`);
    const now = k.now();
    const res = await k.store.putBlob(
      {
        sha256: name,
        contentType,
        bytes: body,
        orgId: user.orgId,
        userId: user.id,
        at: now.toISOString(),
        dayStart: new Date(now.getTime() - DAY_MS).toISOString(),
      },
      budgetDecider(budget, body.length),
    );
    if (res.status === 'refused') {
      req.log.warn({ userId: user.id, orgId: user.orgId, size: body.length, reason: res.reason }, 'photo upload refused');
      fail(res.reason);
    }
    return reply.status(res.status === 'held' ? 200 : 201).send({ sha256: name, size: body.length, contentType });
  });

  // HEAD is Fastify's automatic twin of this route: same headers and length, no body.
  app.get('/api/blobs/:sha256', { onRequest: requireRole() }, async (req, reply) => {
    const user = userOf(req);
    const name = nameOf(req.params);
    // Another org's photo answers like a missing one: its existence is not ours to tell.
    const blob = await k.store.getBlob(user.orgId, name);
    if (!blob) fail('notFound', 'No such blob.');
    return reply
      .header('content-type', blob.contentType)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header('etag', `"${name}"`)
      .send(blob.bytes);
  });
}
