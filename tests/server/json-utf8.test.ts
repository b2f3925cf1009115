/**
 * JSON bodies must be UTF-8: a body with an invalid byte sequence is refused with 400 badUtf8
 * and changes nothing (it used to be decoded leniently, stored with U+FFFD in place of the
 * bytes). Plain and gzip pushes, and a login, on SQLite and PostgreSQL; valid multi-byte text
 * and the body limit still work through the strict parser.
 */
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { PushResponse } from '../../src/sync/protocol';
import { MAX_BODY_BYTES } from '../../src/sync/protocol';
import { bearer, eventFields, handleFor, newId, pushBody, putEvent, seedAccounts, testApp, type Accounts, type StoreHandle, type StoreKind } from './helpers';

const BAD_UTF8 = { error: 'badUtf8', message: 'The request body is not valid UTF-8.' };
const MARK = '@@MARK@@';

/**
 * The JSON of `value` as UTF-8 bytes with `bytes` in place of the one MARK inside a string:
 * the JSON around them is valid, only the bytes are not UTF-8.
 */
function withBytes(value: unknown, bytes: number[]): Buffer {
  const [before, after] = JSON.stringify(value).split(MARK) as [string, string];
  return Buffer.concat([Buffer.from(before, 'utf8'), Buffer.from(bytes), Buffer.from(after, 'utf8')]);
}

/** Invalid sequences: a lone 0xFF, a truncated 3-byte 科 (E7 A7), an overlong '/', a UTF-16 surrogate (CESU-8). */
const INVALID: [string, number[]][] = [
  ['a 0xFF byte', [0xff]],
  ['a truncated sequence', [0xe7, 0xa7]],
  ['an overlong encoding', [0xc0, 0xaf]],
  ['an encoded surrogate', [0xed, 0xa0, 0x80]],
];

describe.each<StoreKind>(['sqlite', 'postgres'])('JSON bodies that are not UTF-8 on %s', (kind) => {
  let h: StoreHandle;
  let app: FastifyInstance;
  let acc: Accounts;

  beforeEach(async () => {
    h = await handleFor(kind);
    app = await testApp(h.store);
    acc = await seedAccounts(app);
  });
  afterEach(async () => {
    await app.close();
    await h.cleanup();
  });

  const json = { 'content-type': 'application/json' };

  test.each(INVALID)('a push with %s is refused with 400 badUtf8 and writes nothing', async (_name, bytes) => {
    const before = await h.store.dump();
    const body = withBytes(pushBody(newId(), [putEvent(1, newId(), eventFields({ title: `科普${MARK}大篷车` }))]), bytes);
    const plain = await app.inject({ method: 'POST', url: '/api/sync/push', headers: { ...bearer(acc.volA), ...json }, payload: body });
    expect([plain.statusCode, plain.json()]).toEqual([400, BAD_UTF8]);
    const gz = await app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers: { ...bearer(acc.volA), ...json, 'content-encoding': 'gzip' },
      payload: gzipSync(body),
    });
    expect([gz.statusCode, gz.json()]).toEqual([400, BAD_UTF8]);
    expect(await h.store.dump()).toEqual(before);
  });

  test('a login with an invalid byte in the password is refused with 400 badUtf8 and writes nothing', async () => {
    const before = await h.store.dump();
    const body = withBytes({ username: acc.volA.username, password: `${acc.volA.password}${MARK}` }, [0xff]);
    const res = await app.inject({ method: 'POST', url: '/api/login', headers: json, payload: body });
    expect([res.statusCode, res.json()]).toEqual([400, BAD_UTF8]);
    // Not even a login attempt was counted.
    expect(await h.store.dump()).toEqual(before);
    // The same password with U+FFFD typed in it is just a wrong password (the parser is not the judge).
    const typed = await app.inject({ method: 'POST', url: '/api/login', payload: { username: acc.volA.username, password: `${acc.volA.password}\uFFFD` } });
    expect([typed.statusCode, typed.json().error]).toEqual([401, 'badCredentials']);
  });

  test('valid UTF-8 (Chinese, a 4-byte character, a leading BOM) is stored exactly, plain and gzipped', async () => {
    const title = '科普大篷车进校园 𠀋';
    const e1 = newId();
    const e2 = newId();
    const client = newId();
    const plain = await app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers: { ...bearer(acc.volA), ...json },
      payload: Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from(JSON.stringify(pushBody(client, [putEvent(1, e1, eventFields({ title }))])), 'utf8'),
      ]),
    });
    expect([plain.statusCode, plain.json<PushResponse>().results]).toEqual([200, [{ seq: 1, status: 'applied', rev: 1 }]]);
    const gz = await app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers: { ...bearer(acc.volA), ...json, 'content-encoding': 'gzip' },
      payload: gzipSync(JSON.stringify(pushBody(client, [putEvent(2, e2, eventFields({ title }))]))),
    });
    expect([gz.statusCode, gz.json<PushResponse>().results]).toEqual([200, [{ seq: 2, status: 'applied', rev: 2 }]]);
    for (const id of [e1, e2]) {
      const got = await app.inject({ url: `/api/events/${id}`, headers: bearer(acc.volA) });
      expect(got.json<{ event: { title: string } }>().event.title).toBe(title);
    }
  });

  test('broken JSON is still badJson, an empty body badJson, and a body over the limit 413, plain and gzipped', async () => {
    const before = await h.store.dump();
    const headers = { ...bearer(acc.volA), ...json };
    const broken = await app.inject({ method: 'POST', url: '/api/sync/push', headers, payload: '{"v":1,' });
    expect([broken.statusCode, broken.json().error]).toEqual([400, 'badJson']);
    const empty = await app.inject({ method: 'POST', url: '/api/sync/push', headers, payload: '' });
    expect([empty.statusCode, empty.json().error]).toEqual([400, 'badJson']);
    const proto = await app.inject({ method: 'POST', url: '/api/login', headers: json, payload: '{"__proto__":{"x":1},"username":"a","password":"b"}' });
    expect([proto.statusCode, proto.json().error]).toEqual([400, 'badJson']);
    const huge = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20);
    const big = await app.inject({ method: 'POST', url: '/api/sync/push', headers, payload: huge });
    expect([big.statusCode, big.json().error]).toEqual([413, 'payloadTooLarge']);
    const bomb = await app.inject({ method: 'POST', url: '/api/sync/push', headers: { ...headers, 'content-encoding': 'gzip' }, payload: gzipSync(huge) });
    expect([bomb.statusCode, bomb.json().error]).toEqual([413, 'payloadTooLarge']);
    expect(await h.store.dump()).toEqual(before);
  });
});
