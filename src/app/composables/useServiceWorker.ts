/**
 * The service worker over workbox-window, registered in production builds only. The worker is
 * built with registerType 'prompt': a new version waits until the person taps 刷新, which sends
 * it SKIP_WAITING; when it takes control the page reloads once onto the new version.
 * The first install claims the open page (workbox clientsClaim, vite.config.ts), so the first
 * visit works offline without a reload; that claim fires 'controlling' too, which is why the
 * reload listener is added only when 刷新 is tapped.
 * `needRefresh` is true while a new version waits; `offlineReady` once the first install finished.
 */
import { ref, shallowRef } from 'vue';
import type { Workbox } from 'workbox-window';

const needRefresh = ref(false);
const offlineReady = ref(false);
const registrationError = shallowRef<unknown>(null);
let wb: Workbox | null = null;
let started = false;

async function register(url: string): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  try {
    // workbox-window loads after first paint: the logging route's first load stays small.
    const { Workbox } = await import('workbox-window');
    wb = new Workbox(url);
    wb.addEventListener('waiting', () => {
      needRefresh.value = true;
    });
    wb.addEventListener('installed', (e) => {
      if (!e.isUpdate) offlineReady.value = true;
    });
    await wb.register();
  } catch (e) {
    registrationError.value = e;
    console.error('service worker registration failed', e);
  }
}

/** Starts registration once (production only) and exposes the update state. */
export function useServiceWorker(url = '/sw.js') {
  if (!started && import.meta.env.PROD) {
    started = true;
    void register(url);
  }

  /** Lets the waiting worker take over, then reloads onto the new version. */
  function updateServiceWorker(): void {
    if (!wb) return;
    wb.addEventListener('controlling', () => window.location.reload());
    wb.messageSkipWaiting();
  }

  function dismiss(): void {
    needRefresh.value = false;
    offlineReady.value = false;
  }

  return { needRefresh, offlineReady, registrationError, updateServiceWorker, dismiss };
}
