import { describe, expect, test } from 'vitest';
import { TokenCache } from '../../src/server/auth/token-cache';
import type { UserRow } from '../../src/server/store/store';

const user = (id: string, name = id): UserRow => ({
  id,
  orgId: 'org',
  role: 'volunteer',
  name,
  username: id,
  passwordHash: 'x',
  disabled: false,
  createdAt: '2024-06-01T08:00:00.000Z',
});

describe('token cache', () => {
  test('an entry is answered until its time to live has passed, then looked up again', () => {
    let now = 1000;
    const cache = new TokenCache(5000, () => now);
    cache.set('h1', user('u1'), cache.epoch);
    now = 5999;
    expect(cache.get('h1')?.id).toBe('u1');
    now = 6000;
    expect(cache.get('h1')).toBeUndefined();
  });

  test('a lookup that began before an invalidation is not remembered', () => {
    const cache = new TokenCache(5000, () => 0);
    const epoch = cache.epoch;
    cache.forgetToken('h1');
    cache.set('h1', user('u1'), epoch);
    expect(cache.get('h1')).toBeUndefined();
    cache.set('h1', user('u1'), cache.epoch);
    expect(cache.get('h1')?.id).toBe('u1');
  });

  test('forgetting a user drops every token of that user and keeps the others', () => {
    const cache = new TokenCache(5000, () => 0);
    cache.set('a1', user('a'), cache.epoch);
    cache.set('a2', user('a'), cache.epoch);
    cache.set('b1', user('b'), cache.epoch);
    cache.forgetUser('a');
    expect([cache.get('a1'), cache.get('a2'), cache.get('b1')?.id]).toEqual([undefined, undefined, 'b']);
  });

  test('callers get a copy: changing it does not change what the cache answers', () => {
    const cache = new TokenCache(5000, () => 0);
    cache.set('h', user('u', 'name'), cache.epoch);
    const got = cache.get('h')!;
    got.name = 'changed';
    expect(cache.get('h')?.name).toBe('name');
  });
});
