/**
 * The sweep of photos no event names: an upload that no event of its org has named within the
 * grace period is dropped from that org's holdings, and bytes no org holds any more are deleted.
 * The grace period covers the gap between a phone's upload and the push that names the photo (both
 * normally in one sync run). A phone offline for longer than the grace period between the two is
 * told by the push (rejected `photoMissing`) and uploads the photo again, so nothing is lost.
 */
import type { BlobSweep, Store } from './store/store.js';

const DAY_MS = 86_400_000;

/** Default grace period of an unnamed upload (days). */
export const DEFAULT_BLOB_GRACE_DAYS = 7;

/** How often the server sweeps. */
export const BLOB_SWEEP_EVERY_MS = 60 * 60_000;

/** Sweeps once, as of `now`: removes what was last uploaded more than `graceDays` before it. */
export function sweepUnnamedBlobs(store: Store, now: Date, graceDays: number): Promise<BlobSweep> {
  return store.sweepBlobs(new Date(now.getTime() - graceDays * DAY_MS).toISOString());
}

/** What the periodic sweep needs. */
export interface BlobSweeperOptions {
  store: Store;
  graceDays: number;
  everyMs?: number;
  now?: () => Date;
  /** Called with each sweep's outcome, or the error it failed with (the next sweep tries again). */
  report(outcome: BlobSweep | Error): void;
}

/** Sweeps at once and then every `everyMs`; one sweep at a time. Returns a stop function. */
export function startBlobSweeper(opts: BlobSweeperOptions): () => Promise<void> {
  const now = opts.now ?? (() => new Date());
  let running: Promise<void> | null = null;
  const sweep = (): void => {
    if (running) return;
    running = sweepUnnamedBlobs(opts.store, now(), opts.graceDays)
      .then(
        (r) => opts.report(r),
        (e: unknown) => opts.report(e instanceof Error ? e : new Error(String(e))),
      )
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(sweep, opts.everyMs ?? BLOB_SWEEP_EVERY_MS);
  timer.unref();
  sweep();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
