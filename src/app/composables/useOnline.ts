/**
 * Whether the browser says it is online (navigator.onLine and its online/offline events): one
 * shared flag for screens that only need to know that — the map asks for 满意度 only online —
 * without loading the sync store and with it the sync engine, its transport and protocol (~14 KB
 * gzip that the map's first paint waited for).
 */
import { readonly, ref, type Ref } from 'vue';

let online: Ref<boolean> | null = null;

export function useOnline(): Readonly<Ref<boolean>> {
  if (!online) {
    const flag = (online = ref(typeof navigator === 'undefined' ? true : navigator.onLine));
    if (typeof window !== 'undefined') {
      window.addEventListener('online', () => (flag.value = true));
      window.addEventListener('offline', () => (flag.value = false));
    }
  }
  return readonly(online);
}
