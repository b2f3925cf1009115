import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, createSyncLoop, type SyncLoop } from '../../src/sync/sync-loop';
import type { RunReport } from '../../src/sync/sync-engine';
import { ApiError } from '../../src/sync/api-error';

const REPORT: RunReport = { blobsUploaded: 0, pushed: 1, quarantined: 0, pulled: 2, recovered: 0 };
type Outcome = 'ok' | 'offline' | 'server' | 'unauthorized';

/**
 * A loop over a scripted run: each run takes `runMs` of fake time and ends as the next outcome
 * says. The log holds every line the loop wrote, with the fake time it wrote it at.
 */
function harness(outcomes: Outcome[], opts: { runMs?: number; randoms?: number[] } = {}) {
  const log: string[] = [];
  const randoms = [...(opts.randoms ?? [])];
  const runMs = opts.runMs ?? 100;
  const t0 = Date.now();
  let runs = 0;
  const loop: SyncLoop = createSyncLoop({
    clock: { now: () => Date.now() - t0, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
    random: () => randoms.shift() ?? 0.5,
    baseDelayMs: 1_000,
    maxDelayMs: 8_000,
    intervalMs: 60_000,
    run: () =>
      new Promise<RunReport>((resolve, reject) => {
        const outcome = outcomes[runs++] ?? 'ok';
        setTimeout(() => {
          if (outcome === 'ok') resolve(REPORT);
          else if (outcome === 'unauthorized') reject(new ApiError('unauthorized', 'token revoked', { status: 401 }));
          else reject(new ApiError(outcome, outcome === 'offline' ? 'no answer' : 'HTTP 503', { status: outcome === 'offline' ? null : 503 }));
        }, runMs);
      }),
    onLog: (e) => log.push(`${e.at} ${e.what}`),
  });
  return { loop, log, runs: () => runs };
}

describe('sync loop', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('runs at start, then on the interval timer while all is well', async () => {
    const { loop, log } = harness(['ok', 'ok']);
    loop.start();
    await vi.advanceTimersByTimeAsync(60_100 + 100);
    expect(log).toEqual(['0 start', '0 run start', '100 run ok pushed=1 pulled=2', '60100 timer timer', '60100 run start', '60200 run ok pushed=1 pulled=2']);
    expect(loop.status()).toMatchObject({ state: 'idle', failures: 0, lastSuccessAt: 60_200, nextRunAt: 120_200 });
  });

  it('backs off exponentially with jitter after failures, capped, and resets after a success', async () => {
    // Caps 1000, 2000, 4000, 8000, 8000; delay = cap/2 + random * cap/2.
    const { loop, log } = harness(['offline', 'server', 'offline', 'offline', 'offline', 'ok'], { randoms: [0, 1, 0.5, 0.25, 0] });
    loop.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(log).toEqual([
      '0 start',
      '0 run start',
      '100 run failed offline: backoff 500ms (failure 1)',
      '600 timer timer',
      '600 run start',
      '700 run failed server: backoff 2000ms (failure 2)',
      '2700 timer timer',
      '2700 run start',
      '2800 run failed offline: backoff 3000ms (failure 3)',
      '5800 timer timer',
      '5800 run start',
      '5900 run failed offline: backoff 5000ms (failure 4)',
      '10900 timer timer',
      '10900 run start',
      '11000 run failed offline: backoff 4000ms (failure 5)',
      '15000 timer timer',
      '15000 run start',
      '15100 run ok pushed=1 pulled=2',
    ]);
    expect(loop.status().failures).toBe(0);
  });

  it('runs one at a time: triggers during a run coalesce into exactly one more run', async () => {
    const { loop, log, runs } = harness([], { runMs: 1_000 });
    loop.start();
    await vi.advanceTimersByTimeAsync(200);
    loop.trigger('save');
    await vi.advanceTimersByTimeAsync(200);
    loop.trigger('save');
    loop.trigger('online');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(log).toEqual([
      '0 start',
      '0 run start',
      '200 trigger save coalesced',
      '400 trigger save coalesced',
      '400 trigger online coalesced',
      '1000 run ok pushed=1 pulled=2',
      '1000 run again (asked meanwhile)',
      '1000 run start',
      '2000 run ok pushed=1 pulled=2',
    ]);
    expect(runs()).toBe(2);
  });

  it('lets a save wait out the backoff but runs at once when the phone comes online or 立即同步 is tapped', async () => {
    const { loop, log } = harness(['offline', 'offline', 'ok', 'ok'], { randoms: [1, 1] });
    loop.start();
    await vi.advanceTimersByTimeAsync(300);
    loop.trigger('save');
    loop.trigger('online');
    await vi.advanceTimersByTimeAsync(300);
    loop.trigger('manual');
    await vi.advanceTimersByTimeAsync(300);
    expect(log).toEqual([
      '0 start',
      '0 run start',
      '100 run failed offline: backoff 1000ms (failure 1)',
      '300 trigger save waits for backoff',
      '300 trigger online',
      '300 run start',
      '400 run failed offline: backoff 2000ms (failure 2)',
      '600 trigger manual',
      '600 run start',
      '700 run ok pushed=1 pulled=2',
    ]);
    expect(loop.status().nextRunAt).toBe(60_700);
  });

  it('stops on 401 without retrying, ignores triggers until start() after signing in again', async () => {
    const { loop, log } = harness(['unauthorized', 'ok']);
    loop.start();
    await vi.advanceTimersByTimeAsync(10_000);
    loop.trigger('online');
    loop.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(log).toEqual([
      '0 start',
      '0 run start',
      '100 run failed unauthorized: stopped until sign-in',
      '10000 trigger online ignored (stopped)',
      '10000 start',
      '10000 run start',
      '10100 run ok pushed=1 pulled=2',
    ]);
    expect(loop.status().lastFailure).toBeNull();
  });

  it('records the failure kind and message for the badge while backing off', async () => {
    const { loop } = harness(['server'], { randoms: [0] });
    loop.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(loop.status()).toEqual({
      state: 'backoff',
      failures: 1,
      lastFailure: { kind: 'server', message: 'HTTP 503', at: 100 },
      lastSuccessAt: null,
      lastReport: null,
      nextRunAt: 600,
    });
  });

  it('schedules nothing after stop(), even when the run in flight finishes later', async () => {
    const { loop, log } = harness(['ok'], { runMs: 500 });
    loop.start();
    await vi.advanceTimersByTimeAsync(100);
    loop.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(log).toEqual(['0 start', '0 run start', '100 stop']);
    expect(loop.status().state).toBe('stopped');
  });
});

describe('backoffDelay', () => {
  it('waits between half the cap and the cap, doubling up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 0, 2_000, 20_000))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect([1, 2, 3].map((n) => backoffDelay(n, 0.999999, 2_000, 20_000))).toEqual([2_000, 4_000, 8_000]);
  });
});
