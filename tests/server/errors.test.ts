/**
 * The one error handler: 4xx pass their message, a real fault is a 500 that hides its details,
 * and a database that is down is a 503 (retry later).
 */
import { expect, test } from 'vitest';
import type { Store } from '../../src/server/store/store';
import { bearer, seedAccounts, sqliteHandle, testApp } from './helpers';

function faulty(store: Store, fault: () => Error): { store: Store; breakNow(): void } {
  let broken = false;
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (broken ? Promise.reject(fault()) : (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  return { store: proxy, breakNow: () => (broken = true) };
}

test('a fault inside the server is a 500 that says nothing about it, and is logged', async () => {
  const h = await sqliteHandle();
  const f = faulty(h.store, () => new Error('secret table layout: SELECT * FROM users'));
  const logged: string[] = [];
  const app = await testApp(f.store, {
    logger: { level: 'error', stream: { write: (line: string) => void logged.push(line) } },
  });
  const acc = await seedAccounts(app);
  f.breakNow();
  const res = await app.inject({ url: '/api/sync/pull?cursor=0', headers: bearer(acc.volA) });
  expect([res.statusCode, res.json()]).toEqual([500, { error: 'internal', message: 'Internal server error; the fault is logged.' }]);
  expect(res.body).not.toContain('secret');
  expect(logged.some((l) => l.includes('secret table layout'))).toBe(true);
  await app.close();
  await h.cleanup();
});

test('a database that refuses connections is a 503 the phone retries', async () => {
  const h = await sqliteHandle();
  const f = faulty(h.store, () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
  const app = await testApp(f.store);
  f.breakNow();
  const res = await app.inject('/api/health');
  expect([res.statusCode, res.json().error]).toEqual([503, 'unavailable']);
  await app.close();
  await h.cleanup();
});
