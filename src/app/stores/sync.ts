/**
 * Sync state for the badge and the settings screen, and the app's one sync loop.
 *
 * Wiring: main.ts calls startSync() once. Runs are triggered at start, on `online`, when the page
 * becomes visible, on a timer (the loop), and after each save: app/db announces every committed
 * write that queued a mutation, whoever wrote it (the form, an import, a retry), and that asks for
 * a run — so no view has to remember to call anything.
 * requestSync() is exported too, for a view that wants to ask explicitly.
 *
 * Failures become state, in plain Chinese (messages sync.error.*): being offline is weather, shown
 * calmly; a 401 marks the session expired and stops the loop until the user signs in again —
 * the ledger and outbox are never touched by any of this.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { ledgerDb, onMutationQueued } from '../db/database';
import { DexieLocalStore } from '../db/dexie-local-store';
import { observe } from '../db/live';
import { readMeta, writeMeta } from '../db/meta-values';
import { pendingMutationCount } from '../db/queries';
import type { QuarantinedMutation } from '../../sync/local-store';
import { createHttpTransport } from '../../sync/http-transport';
import { loadBlob, runSync, type PhotoLoad } from '../../sync/sync-engine';
import { createSyncLoop, type SyncFailureKind, type SyncLoop, type SyncLoopStatus, type SyncTrigger } from '../../sync/sync-loop';
import { useLedgerStore } from './ledger';
import { useSessionStore } from './session';

/** Meta key of the last successful sync time (ms), so the badge shows it after a reload. */
export const LAST_SYNC_KEY = 'lastSyncAt';

/**
 * One run at a time across tabs too: two tabs of the app share one IndexedDB and one outbox, so
 * their runs take a Web Lock (where the browser has it). Both would be safe anyway — a repeated
 * push is skipped, a repeated pull merges to the same rows — this only saves the duplicate work.
 */
function runExclusively<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks ? locks.request('kepu-ledger-sync', fn) : fn();
}

/** The sync store. */
export const useSyncStore = defineStore('sync', () => {
  const ledger = useLedgerStore();
  const session = useSessionStore();
  const local = new DexieLocalStore(ledgerDb(), {
    random16: () => crypto.getRandomValues(new Uint8Array(16)),
    get timeZone() {
      return ledger.timeZone;
    },
  });
  const transport = createHttpTransport({
    baseUrl: () => session.session?.serverUrl.replace(/\/+$/, '') ?? '',
    // Awaits the session: a screen opened by URL asks for photos before main.ts has loaded it,
    // and a request sent meanwhile would go without the token (401, an empty 照片 section).
    token: async () => {
      await session.ready();
      return session.session?.token ?? null;
    },
  });

  const status = shallowRef<SyncLoopStatus | null>(null);
  const pendingCount = ref(0);
  const quarantined = shallowRef<QuarantinedMutation[]>([]);
  const lastSuccessAt = ref<number | null>(null);
  const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine);
  let loop: SyncLoop | null = null;
  let started = false;

  const running = computed(() => status.value?.state === 'running');
  /**
   * The failure to show, or null. No network is weather ('offline'); no answer while the phone
   * says it is online means the server is down or unreachable ('unreachable').
   */
  const failure = computed((): { kind: SyncFailureKind | 'unreachable'; message: string } | null => {
    const f = status.value?.lastFailure;
    if (!online.value) return { kind: 'offline', message: f?.message ?? '' };
    if (!f) return null;
    return f.kind === 'offline' ? { kind: 'unreachable', message: f.message } : f;
  });
  /** The i18n key of the line the badge shows when something is wrong. */
  const errorKey = computed(() => (failure.value ? `sync.error.${failure.value.kind}` : null));

  function ensureLoop(): SyncLoop {
    loop ??= createSyncLoop({
      run: () => runExclusively(() => runSync(local, transport)),
      clock: { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) },
      random: Math.random,
      onStatus: (s) => {
        status.value = s;
        if (s.lastSuccessAt !== null && s.lastSuccessAt !== lastSuccessAt.value) {
          lastSuccessAt.value = s.lastSuccessAt;
          void writeMeta(LAST_SYNC_KEY, s.lastSuccessAt);
        }
        if (s.lastFailure?.kind === 'unauthorized') void session.markExpired(s.lastFailure.code);
      },
    });
    return loop;
  }

  /** Asks for a run (coalesced with one in flight; a save waits out a backoff). */
  function requestSync(reason: SyncTrigger = 'save'): void {
    if (!session.signedIn) return;
    const l = ensureLoop();
    if (l.status().state === 'stopped') l.start();
    else l.trigger(reason);
  }

  /** 立即同步 / 重试. */
  function syncNow(): void {
    requestSync('manual');
  }

  /** Starts the loop with the current session (after sign-in, or at app start). */
  function resume(): void {
    if (!session.signedIn) return;
    const l = ensureLoop();
    if (l.status().state === 'stopped') l.start();
  }

  /** Stops syncing (sign out). */
  function pause(): void {
    loop?.stop();
  }

  async function retryQuarantined(seq: number): Promise<void> {
    await local.retryQuarantined(seq);
  }

  async function discardQuarantined(seq: number): Promise<void> {
    await local.discardQuarantined(seq);
    requestSync('manual');
  }

  /** A photo for display: local, else fetched from the server and cached; or why it is not there. */
  function loadPhoto(hash: string): Promise<PhotoLoad> {
    return loadBlob(local, transport, hash);
  }

  /** Wires the triggers and starts; safe to call more than once. */
  async function start(): Promise<void> {
    if (started) return;
    started = true;
    observe(pendingMutationCount, (n) => (pendingCount.value = n));
    observe(
      () => local.quarantined(),
      (q) => (quarantined.value = q),
    );
    const last = await readMeta(LAST_SYNC_KEY);
    if (typeof last === 'number') lastSuccessAt.value = last;

    if (typeof window !== 'undefined') {
      window.addEventListener('online', () => {
        online.value = true;
        requestSync('online');
      });
      window.addEventListener('offline', () => (online.value = false));
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible') requestSync('visible');
      });
    }
    await session.load();
    resume();
  }

  // Every committed mutation asks for a run, from the moment this store exists: sign-in can
  // create it and start the loop well before start() runs (after the first screen), and a save
  // made in that gap must not wait for the timer. Saves made before the store existed are sent
  // by the loop's first run.
  onMutationQueued(() => requestSync('save'));

  return {
    status,
    running,
    pendingCount,
    quarantined,
    lastSuccessAt,
    online,
    failure,
    errorKey,
    start,
    requestSync,
    syncNow,
    resume,
    pause,
    retryQuarantined,
    discardQuarantined,
    loadPhoto,
  };
});

/** Starts the app's sync (main.ts calls this once after mounting). */
export function startSync(): Promise<void> {
  return useSyncStore().start();
}

/** Asks for a sync run, e.g. after a save (the outbox hook already does this). */
export function requestSync(): void {
  useSyncStore().requestSync('save');
}
