/**
 * When to sync: a small state machine over one injected run function, clock and random source.
 *
 *            start()                 run ok, nothing asked meanwhile
 *  stopped ──────────► running ────────────────────────────────────► idle ──(interval timer)──┐
 *     ▲                 │  ▲  ▲                                       │ trigger               │
 *     │ 401 / stop()    │  │  └───────────────────────────────────────┘                       │
 *     └─────────────────┤  │  trigger while running: run once more right after ◄──────────────┘
 *                       │  │
 *                       │  └──── backoff timer, or online / visible / manual / start
 *                       ▼
 *                    backoff  (failure n waits cap/2 + random·cap/2, cap = min(max, base·2^(n-1)))
 *
 * - One run at a time: triggers during a run are coalesced into one more run after it.
 * - A save during backoff does not cut the wait (a down server is not hammered on every tap);
 *   coming online, becoming visible, 立即同步 and start do.
 * - 401 stops the loop until the user signs in again (start() is called then); local data stays.
 * - Being offline backs off like any failure but is reported as weather, not as an error.
 */
import type { RunReport } from './sync-engine';
import { ApiError } from './api-error';

/** Why a run was asked for. */
export type SyncTrigger = 'start' | 'online' | 'visible' | 'save' | 'timer' | 'manual';

/** Where the loop is. */
export type SyncLoopState = 'stopped' | 'idle' | 'running' | 'backoff';

/** How the last run failed, as the badge words it. */
export type SyncFailureKind = 'offline' | 'unauthorized' | 'server' | 'rejected' | 'local';

/** The clock the loop uses; tests pass fake timers. */
export interface LoopClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A snapshot for the UI. */
export interface SyncLoopStatus {
  readonly state: SyncLoopState;
  /** Failed runs in a row (0 after a success). */
  readonly failures: number;
  /** `code`: the server's error code, when it sent one (e.g. `sessionExpired` beside a 401). */
  readonly lastFailure: { kind: SyncFailureKind; message: string; at: number; code?: string } | null;
  readonly lastSuccessAt: number | null;
  readonly lastReport: RunReport | null;
  /** When the armed timer fires (backoff or interval), or null. */
  readonly nextRunAt: number | null;
}

/** One line of what the loop did and when. */
export interface SyncLoopLogEntry {
  readonly at: number;
  readonly what: string;
}

/** What the loop needs. */
export interface SyncLoopOptions {
  run(): Promise<RunReport>;
  clock: LoopClock;
  /** Uniform in [0, 1). */
  random(): number;
  /** First backoff cap (ms). */
  baseDelayMs?: number;
  /** Largest backoff cap (ms). */
  maxDelayMs?: number;
  /** Sync this often when all is well (ms). */
  intervalMs?: number;
  onStatus?(status: SyncLoopStatus): void;
  onLog?(entry: SyncLoopLogEntry): void;
}

/** The loop's handle. */
export interface SyncLoop {
  start(): void;
  stop(): void;
  trigger(reason: SyncTrigger): void;
  status(): SyncLoopStatus;
}

/** Classifies a failed run. */
export function failureKindOf(e: unknown): SyncFailureKind {
  if (e instanceof ApiError) return e.kind;
  return 'local';
}

/** The wait after the n-th failure in a row (n ≥ 1): half the cap plus a random half. */
export function backoffDelay(failures: number, random: number, baseMs: number, maxMs: number): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(cap / 2 + random * (cap / 2));
}

const CUTS_BACKOFF: ReadonlySet<SyncTrigger> = new Set(['start', 'online', 'visible', 'manual']);

/** Makes a loop; it does nothing until start(). */
export function createSyncLoop(opts: SyncLoopOptions): SyncLoop {
  const baseMs = opts.baseDelayMs ?? 2_000;
  const maxMs = opts.maxDelayMs ?? 5 * 60_000;
  const intervalMs = opts.intervalMs ?? 5 * 60_000;
  const { clock } = opts;

  let state: SyncLoopState = 'stopped';
  let failures = 0;
  let lastFailure: SyncLoopStatus['lastFailure'] = null;
  let lastSuccessAt: number | null = null;
  let lastReport: RunReport | null = null;
  let timer: unknown = null;
  let nextRunAt: number | null = null;
  let again = false;
  /** Bumped by stop(): a run finishing after it schedules nothing. */
  let generation = 0;

  const log = (what: string) => opts.onLog?.({ at: clock.now(), what });
  const status = (): SyncLoopStatus => ({ state, failures, lastFailure, lastSuccessAt, lastReport, nextRunAt });
  const changed = () => opts.onStatus?.(status());

  function disarm(): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    nextRunAt = null;
  }

  function arm(ms: number, reason: SyncTrigger): void {
    disarm();
    nextRunAt = clock.now() + ms;
    timer = clock.setTimeout(() => {
      timer = null;
      nextRunAt = null;
      log(`timer ${reason}`);
      void runNow();
    }, ms);
  }

  async function runNow(): Promise<void> {
    disarm();
    state = 'running';
    again = false;
    const gen = generation;
    log('run start');
    changed();
    try {
      const report = await opts.run();
      if (gen !== generation) return;
      failures = 0;
      lastFailure = null;
      lastSuccessAt = clock.now();
      lastReport = report;
      log(`run ok pushed=${report.pushed} pulled=${report.pulled}`);
      if (again) {
        log('run again (asked meanwhile)');
        void runNow();
        return;
      }
      state = 'idle';
      arm(intervalMs, 'timer');
    } catch (e) {
      if (gen !== generation) return;
      const kind = failureKindOf(e);
      lastFailure = {
        kind,
        message: e instanceof Error ? e.message : String(e),
        at: clock.now(),
        ...(e instanceof ApiError && e.code !== null ? { code: e.code } : {}),
      };
      if (kind === 'unauthorized') {
        log('run failed unauthorized: stopped until sign-in');
        state = 'stopped';
        disarm();
      } else {
        failures++;
        const delay = backoffDelay(failures, opts.random(), baseMs, maxMs);
        log(`run failed ${kind}: backoff ${delay}ms (failure ${failures})`);
        state = 'backoff';
        arm(delay, 'timer');
      }
    }
    changed();
  }

  return {
    start() {
      if (state !== 'stopped') return;
      generation++;
      log('start');
      void runNow();
    },
    stop() {
      generation++;
      disarm();
      again = false;
      if (state !== 'stopped') log('stop');
      state = 'stopped';
      changed();
    },
    trigger(reason) {
      switch (state) {
        case 'stopped':
          log(`trigger ${reason} ignored (stopped)`);
          return;
        case 'running':
          log(`trigger ${reason} coalesced`);
          again = true;
          return;
        case 'backoff':
          if (!CUTS_BACKOFF.has(reason)) {
            log(`trigger ${reason} waits for backoff`);
            return;
          }
          break;
        case 'idle':
          break;
      }
      log(`trigger ${reason}`);
      void runNow();
    },
    status,
  };
}
