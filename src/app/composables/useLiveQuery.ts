/**
 * A live read of the ledger (app/db/live.ts) as a Vue ref: re-runs when the tables it read change
 * (in this tab or another), and, when `deps` are given, when they change; stops when the
 * component or scope ends.
 */
import { getCurrentScope, onScopeDispose, shallowRef, watch, type Ref, type WatchSource } from 'vue';
import { observe, type LiveRead } from '../db/live';

/** The query's latest result (undefined until the first one), and its latest error. */
export function useLiveQuery<T>(
  query: () => T | Promise<T>,
  deps?: WatchSource<unknown> | WatchSource<unknown>[],
): Ref<T | undefined> & { error: Ref<unknown> } {
  const value = shallowRef<T | undefined>(undefined);
  const error = shallowRef<unknown>(null);
  let read: LiveRead | null = null;
  const start = () => {
    read?.stop();
    read = observe(
      query,
      (v) => {
        value.value = v;
        error.value = null;
      },
      (e: unknown) => {
        error.value = e;
      },
    );
  };
  start();
  if (deps) watch(deps, start);
  if (getCurrentScope()) onScopeDispose(() => read?.stop());
  return Object.assign(value, { error });
}
