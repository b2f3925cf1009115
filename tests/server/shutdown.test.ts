/**
 * Graceful shutdown: close() stops taking new connections but finishes a request already in
 * flight (here a push whose body is still arriving when the shutdown starts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from 'vitest';
import type { PushResponse } from '../../src/sync/protocol';
import { eventFields, newId, pushBody, putEvent, seedAccounts, sqliteHandle, testApp } from './helpers';

test('a push in flight when shutdown starts is finished and stored; new connections are refused', async () => {
  const h = await sqliteHandle();
  const app = await testApp(h.store);
  const acc = await seedAccounts(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const e = newId();
  const body = Buffer.from(JSON.stringify(pushBody(newId(), [putEvent(1, e, eventFields())])));

  let refused: number | string = 'not tried';
  let sent!: () => void;
  const headersSent = new Promise<void>((r) => (sent = r));
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/sync/push',
        headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: `Bearer ${acc.volA.token}` },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    // The first half now, the rest after shutdown has begun.
    req.write(body.subarray(0, 50), () => sent());
    void headersSent.then(async () => {
      await new Promise((r) => setTimeout(r, 50));
      const closing = app.close();
      await new Promise((r) => setTimeout(r, 50));
      refused = await new Promise<number | string>((r) => {
        const probe = http.get({ host: '127.0.0.1', port, path: '/api/health', agent: false }, (pr) => {
          pr.resume();
          r(pr.statusCode ?? 0);
        });
        probe.on('error', (err: NodeJS.ErrnoException) => r(err.code ?? 'error'));
      });
      req.end(body.subarray(50));
      await closing;
    });
  });
  const res = await answer;
  expect(res.status).toBe(200);
  expect(JSON.parse(res.body) as PushResponse).toEqual({
    v: 1,
    epoch: expect.stringMatching(/^[0-9a-f]{32}$/),
    lastAppliedSeq: 1,
    results: [{ seq: 1, status: 'applied', rev: 1 }],
  });
  expect((await h.store.getEvent(e))?.rev).toBe(1);
  expect(['ECONNREFUSED', 503]).toContain(refused);
  await h.cleanup();
});
