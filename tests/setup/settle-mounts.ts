/**
 * Vant's bars (NavBar, Tabbar, ActionBar, SubmitBar — every one through usePlaceholder) measure
 * their own height on timers 100, 200 and 300 ms after they mount, and unmounting does not clear
 * them. When a test file's environment was torn down before the last of them ran, the timer threw
 * "window is not defined" outside any test: an unhandled error that fails the whole run although
 * every test passed (CI, 2026-12-04, feedback-screens.test.ts). So each file waits, after its
 * tests, until those timers are behind the last component it mounted; a file that mounted nothing
 * recently waits for nothing.
 *
 * The clock is process.hrtime and the wait node:timers/promises, which fake timers leave alone.
 */
import { afterAll } from 'vitest';
import { config } from '@vue/test-utils';
import { setTimeout as sleep } from 'node:timers/promises';

/** Vant's last self-measurement after a mount (use-height.mjs: setTimeout(setHeight, 100 * i), i ≤ 3). */
export const VANT_LAST_MEASURE_MS = 300;
const MARGIN_MS = 50;

const nowMs = (): number => Number(process.hrtime.bigint() / 1_000_000n);
let lastMount = -Infinity;

config.global.mixins.push({
  mounted() {
    lastMount = nowMs();
  },
});

/** Resolves once every component mounted so far is past Vant's last measuring timer. */
export async function settleMounts(): Promise<void> {
  const wait = lastMount + VANT_LAST_MEASURE_MS + MARGIN_MS - nowMs();
  if (wait > 0) await sleep(wait);
}

afterAll(settleMounts);
