/**
 * Runs work that the first screen does not need (sync engine, service worker, sync badge) after
 * that screen is up: once the first navigation resolved (its lazy view loaded), the page's load
 * event fired, the main thread is idle and at least SETTLE_MS passed since the navigation began
 * (a view's first IndexedDB reads leave the thread idle before its content paints; on a fresh
 * profile the database is created first). The logging route thus fetches and runs only what it
 * shows before its form paints; sync starts a moment later, which costs nothing offline-first.
 */
import type { Router } from 'vue-router';

const loaded = (): Promise<void> =>
  document.readyState === 'complete' ? Promise.resolve() : new Promise((done) => window.addEventListener('load', () => done(), { once: true }));

const idle = (): Promise<void> =>
  new Promise((done) => {
    if ('requestIdleCallback' in window) requestIdleCallback(() => done(), { timeout: 1500 });
    else setTimeout(done, 200);
  });

const SETTLE_MS = 2500;
const settled = (): Promise<void> => new Promise((done) => setTimeout(done, Math.max(0, SETTLE_MS - performance.now())));

let once: Promise<void> | null = null;

export function afterFirstPaint(router: Router): Promise<void> {
  once ??= router
    .isReady()
    .catch(() => undefined)
    .then(loaded)
    .then(idle)
    .then(settled);
  return once;
}
