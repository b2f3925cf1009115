/**
 * The JSON body parser for every route: Fastify's own parser (empty body, proto poisoning and
 * syntax errors answered as before) over a strict UTF-8 decode. Fastify decodes JSON bodies
 * leniently, so bytes that are not UTF-8 became U+FFFD and were stored as if the volunteer had
 * typed them; JSON text must be UTF-8 (RFC 8259 §8.1), so such a body is refused (400 badUtf8)
 * before any route sees it, and nothing is written.
 *
 * The body is read as a buffer by Fastify's raw body reader, so the body limit and the
 * preParsing streams (the gzip decoding of /api/sync/push) work as they did for the default
 * parser: the bytes checked here are the inflated ones.
 */
import type { FastifyInstance } from 'fastify';
import { ApiFailure } from '../errors.js';

/** Replaces the application/json parser of `app` (call before registering routes). */
export function installStrictJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  // fatal: throw on the first invalid sequence instead of substituting U+FFFD. A leading BOM is
  // dropped, as Fastify's parser drops it.
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new ApiFailure('badUtf8'), undefined);
      return;
    }
    parseJson(req, text, done);
  });
}
