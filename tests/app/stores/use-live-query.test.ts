import { describe, expect, it } from 'vitest';
import { effectScope, nextTick, ref } from 'vue';
import { useLiveQuery } from '../../../src/app/composables/useLiveQuery';
import { freshDb } from '../db/helpers';

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i += 1) await new Promise((r) => setTimeout(r, 10));
};

describe('useLiveQuery', () => {
  it('follows writes to the table it reads, re-runs on deps change and stops when its scope ends', async () => {
    const db = freshDb();
    const key = ref('a');
    const scope = effectScope();
    const result = scope.run(() => useLiveQuery(() => db.meta.get(key.value).then((r) => r?.value ?? null), key))!;
    await until(() => result.value !== undefined);
    expect(result.value).toBeNull();
    await db.meta.put({ key: 'a', value: 1 });
    await until(() => result.value === 1);
    expect(result.value).toBe(1);
    await db.meta.put({ key: 'b', value: 2 });
    key.value = 'b';
    await nextTick();
    await until(() => result.value === 2);
    expect(result.value).toBe(2);
    scope.stop();
    await db.meta.put({ key: 'b', value: 3 });
    await new Promise((r) => setTimeout(r, 100));
    expect(result.value).toBe(2);
  });
});
