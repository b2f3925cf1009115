import { describe, expect, it } from 'vitest';
import { effectScope, nextTick, ref } from 'vue';
import { useReviewChanges } from '../../../../src/app/components/review/use-review-changes';

/** Counts the server reads the queue makes (the admin API is the app's own client, injected). */
function countingApi() {
  const calls = { users: 0, history: [] as string[] };
  return {
    calls,
    api: {
      listUsers: async () => {
        calls.users++;
        return [{ id: 'u-zhang', name: '张志愿' }] as never;
      },
      eventHistory: async (id: string) => {
        calls.history.push(id);
        return [] as never;
      },
    },
  };
}

describe('useReviewChanges', () => {
  it('asks the server nothing while there is no card (a phone used as staff without signing in)', async () => {
    const { calls, api } = countingApi();
    const scope = effectScope();
    const events = ref<{ id: string; rev: number }[]>([]);
    scope.run(() => useReviewChanges(() => events.value, api));
    await nextTick();
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toEqual({ users: 0, history: [] });

    events.value = [{ id: 'e1', rev: 2 }];
    await nextTick();
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toEqual({ users: 1, history: ['e1'] });
    scope.stop();
  });
});
