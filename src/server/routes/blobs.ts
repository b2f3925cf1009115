/** Content-addressed photos: PUT (idempotent, hash verified, size-capped, images only), GET, HEAD. */
import type { FastifyInstance } from 'fastify';
import { BLOB_CONTENT_TYPES, MAX_BLOB_BYTES, isSha256Hex } from '../../sync/protocol.js';
import { sha256Hex } from '../auth/tokens.js';
import { requireRole } from '../context.js';
import { fail } from '../errors.js';

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

export async function blobRoutes(app: FastifyInstance): Promise<void> {
  const k = app.kepu;
  // Only this plugin's routes accept image bodies (Fastify encapsulation).
  app.addContentTypeParser([...BLOB_CONTENT_TYPES], { parseAs: 'buffer', bodyLimit: MAX_BLOB_BYTES }, (_req, body, done) => done(null, body));

  app.put('/api/blobs/:sha256', { onRequest: requireRole(), bodyLimit: MAX_BLOB_BYTES }, async (req, reply) => {
    const name = nameOf(req.params);
    const contentType = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const body = req.body;
    if (!Buffer.isBuffer(body) || !(BLOB_CONTENT_TYPES as readonly string[]).includes(contentType)) {
      fail('unsupportedMediaType', `A blob must be sent as one of ${BLOB_CONTENT_TYPES.join(', ')}.`);
    }
    if (body.length === 0) fail('badRequest', 'The blob is empty.');
    if (sha256Hex(body) !== name) fail('hashMismatch');
    if (!looksLike(contentType, body)) fail('badRequest', `The bytes are not an image of type ${contentType}.`);
    const created = await k.store.putBlob(name, contentType, body);
    return reply.status(created ? 201 : 200).send({ sha256: name, size: body.length, contentType });
  });

  // HEAD is Fastify's automatic twin of this route: same headers and length, no body.
  app.get('/api/blobs/:sha256', { onRequest: requireRole() }, async (req, reply) => {
    const name = nameOf(req.params);
    const blob = await k.store.getBlob(name);
    if (!blob) fail('notFound', 'No such blob.');
    return reply
      .header('content-type', blob.contentType)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header('etag', `"${name}"`)
      .send(blob.bytes);
  });
}
