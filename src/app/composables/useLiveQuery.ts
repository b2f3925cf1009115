/**
 * Dexie liveQuery as a Vue ref: re-runs when the tables it read change (in this tab or another),
 * and, when `deps` are given, when they change; unsubscribes when the component or scope ends.
 */
import { liveQuery, type Subscription } from 'dexie';
import { getCurrentScope, onScopeDispose, shallowRef, watch, type Ref, type WatchSource } from 'vue';

/** The query's latest result (undefined until the first one), and its latest error. */
export function useLiveQuery<T>(
  query: () => T | Promise<T>,
  deps?: WatchSource<unknown> | WatchSource<unknown>[],
): Ref<T | undefined> & { error: Ref<unknown> } {
  const value = shallowRef<T | undefined>(undefined);
  const error = shallowRef<unknown>(null);
  let sub: Subscription | null = null;
  const start = () => {
    sub?.unsubscribe();
    sub = liveQuery(query).subscribe({
      next: (v) => { value.value = v; error.value = null; },
      error: (e: unknown) => { error.value = e; },
    });
  };
  start();
  if (deps) watch(deps, start);
  if (getCurrentScope()) onScopeDispose(() => sub?.unsubscribe());
  return Object.assign(value, { error });
}
