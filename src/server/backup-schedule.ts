/**
 * Scheduled backups inside the server (SQLite): every BACKUP_EVERY_HOURS an online copy of the
 * live ledger goes to DATA_DIR/backups/auto-<UTC time>.sqlite — SQLite's backup API and
 * `PRAGMA integrity_check` through backupSqlite, the same code as `npm run backup` — and only the
 * newest BACKUP_KEEP of those `auto-` files are kept. Copies made by hand (`npm run backup`,
 * `ledger-*.sqlite`) and the copies a restore or an upgrade sets aside are never deleted here.
 *
 * The schedule follows the files, not the process: at start the next backup is due BACKUP_EVERY_HOURS
 * after the newest `auto-` file (at once when there is none or it is older), so a server restarted
 * every night still backs up, and a restart does not add a copy.
 *
 * A copy that fails (disk full, integrity check) is deleted, counts toward nothing and deletes
 * nothing; the error is reported (main.ts logs it at `error`, /api/ready shows it) and the next
 * attempt comes one interval later.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { backupSqlite, type BackupResult } from './backup.js';

/** File names of scheduled copies: `auto-20240601T080000Z.sqlite`. */
export const AUTO_BACKUP_PATTERN = /^auto-(\d{8}T\d{6}Z)\.sqlite$/;

export const DEFAULT_BACKUP_EVERY_HOURS = 24;
export const DEFAULT_BACKUP_KEEP = 14;

const HOUR_MS = 3_600_000;
/** The longest single wait: the timer wakes at least this often and recomputes from the clock. */
const MAX_WAIT_MS = HOUR_MS;

/** One scheduled copy that succeeded, and the older copies it made redundant. */
export interface ScheduledBackup extends BackupResult {
  removed: string[];
}

/** What /api/ready shows of the schedule. */
export interface BackupScheduleStatus {
  everyHours: number;
  keep: number;
  /** The last attempt of this process (null before the first). */
  last: { at: string; ok: boolean; file: string | null; error: string | null } | null;
  /** The newest scheduled copy on disk (any process), or null. */
  newestAt: string | null;
  nextAt: string;
}

export interface BackupScheduleOptions {
  /** The live SQLite file. */
  source: string;
  /** Where the copies go (DATA_DIR/backups). */
  dir: string;
  everyHours: number;
  keep: number;
  now?: () => Date;
  /** Called with each attempt's outcome. */
  report(outcome: ScheduledBackup | Error): void;
}

export interface BackupSchedule {
  status(): BackupScheduleStatus;
  /** Stops the timer and waits for a copy in progress. */
  stop(): Promise<void>;
}

/** `2024-06-01T08:00:00.123Z` → `20240601T080000Z`. */
export function backupStamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

function stampTime(stamp: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(stamp)!;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** The scheduled copies in `dir`, oldest first. */
export function listScheduledBackups(dir: string): { file: string; at: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ name, m: AUTO_BACKUP_PATTERN.exec(name) }))
    .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
    .map((x) => ({ file: path.join(dir, x.name), at: stampTime(x.m[1]!) }))
    .sort((a, b) => a.at - b.at);
}

/**
 * Makes one scheduled copy as of `now` and keeps the newest `keep` copies. Throws (after deleting
 * the failed copy, and deleting nothing else) when the copy or its integrity check fails.
 */
export async function runScheduledBackup(opts: Pick<BackupScheduleOptions, 'source' | 'dir' | 'keep'>, now: Date): Promise<ScheduledBackup> {
  mkdirSync(opts.dir, { recursive: true });
  const dest = path.join(opts.dir, `auto-${backupStamp(now)}.sqlite`);
  let result: BackupResult;
  try {
    result = await backupSqlite(opts.source, dest);
  } catch (e) {
    // A copy that failed half-way or failed its check must not pass for a good one later.
    if (!(e instanceof Error && /refusing to overwrite/.test(e.message))) rmSync(dest, { force: true });
    throw e;
  }
  const copies = listScheduledBackups(opts.dir);
  const removed = copies.slice(0, Math.max(0, copies.length - opts.keep)).map((c) => c.file);
  for (const f of removed) rmSync(f, { force: true });
  return { ...result, removed };
}

/** Starts the schedule (see the file comment). `everyHours` > 0 and `keep` ≥ 1. */
export function startBackupSchedule(opts: BackupScheduleOptions): BackupSchedule {
  if (!(opts.everyHours > 0)) throw new Error('startBackupSchedule: everyHours must be above 0');
  if (!(Number.isInteger(opts.keep) && opts.keep >= 1)) throw new Error('startBackupSchedule: keep must be a whole number ≥ 1');
  const now = opts.now ?? (() => new Date());
  const everyMs = opts.everyHours * HOUR_MS;
  const newest = listScheduledBackups(opts.dir).at(-1);
  let dueAt = newest ? newest.at + everyMs : now().getTime();
  let last: BackupScheduleStatus['last'] = null;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const arm = (): void => {
    if (stopped) return;
    const wait = Math.min(Math.max(0, dueAt - now().getTime()), MAX_WAIT_MS);
    timer = setTimeout(tick, wait);
    timer.unref();
  };
  const tick = (): void => {
    timer = null;
    const at = now();
    if (at.getTime() < dueAt) return arm();
    running = runScheduledBackup(opts, at)
      .then(
        (r) => {
          last = { at: at.toISOString(), ok: true, file: r.file, error: null };
          opts.report(r);
        },
        (e: unknown) => {
          const err = e instanceof Error ? e : new Error(String(e));
          last = { at: at.toISOString(), ok: false, file: null, error: err.message };
          opts.report(err);
        },
      )
      .finally(() => {
        running = null;
        dueAt = at.getTime() + everyMs;
        arm();
      });
  };
  arm();

  return {
    status() {
      const newestNow = listScheduledBackups(opts.dir).at(-1);
      return {
        everyHours: opts.everyHours,
        keep: opts.keep,
        last,
        newestAt: newestNow ? new Date(newestNow.at).toISOString() : null,
        nextAt: new Date(dueAt).toISOString(),
      };
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
