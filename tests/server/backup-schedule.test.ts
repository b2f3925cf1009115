/**
 * Scheduled backups (backup-schedule.ts, started by main.ts): under a fake clock, a copy at once
 * when none exists, then every N hours, only the newest K `auto-` copies kept, copies made by hand
 * never touched; a restart follows the copies on disk; a copy that fails its integrity check is
 * deleted, deletes nothing and is reported.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { listScheduledBackups, startBackupSchedule, type BackupSchedule, type ScheduledBackup } from '../../src/server/backup-schedule';
import { restoreSqlite } from '../../src/server/restore';
import { SqliteStore } from '../../src/server/store/sqlite';
import { eventFields, newId, push, putEvent, seedAccounts, sqliteHandle, testApp, type StoreHandle } from './helpers';

const HOUR = 3_600_000;
const T0 = Date.parse('2024-06-01T08:00:00.000Z');

let h: StoreHandle;
let file: string;
let dir: string;
let now = T0;
let schedule: BackupSchedule | null = null;
const outcomes: (ScheduledBackup | string)[] = [];

function start(everyHours: number, keep: number): BackupSchedule {
  schedule = startBackupSchedule({
    source: file,
    dir,
    everyHours,
    keep,
    now: () => new Date(now),
    report: (r) => outcomes.push(r instanceof Error ? r.message : r),
  });
  return schedule;
}

/** Moves the fake clock and the fake timers together, then waits for `n` outcomes in all. */
async function advance(ms: number, n: number): Promise<void> {
  now += ms;
  await vi.advanceTimersByTimeAsync(ms);
  await vi.waitFor(() => expect(outcomes.length).toBe(n));
}

const names = () => readdirSync(dir).sort();

beforeEach(async () => {
  h = await sqliteHandle();
  file = (h.store as SqliteStore).db.name;
  dir = path.join(path.dirname(file), 'backups');
  now = T0;
  outcomes.length = 0;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(async () => {
  await schedule?.stop();
  schedule = null;
  vi.useRealTimers();
  await h.cleanup();
});

describe('scheduled backups', () => {
  test('copies at once when there is no copy, then every N hours, keeping the newest K and every copy made by hand', async () => {
    const app = await testApp(h.store);
    const acc = await seedAccounts(app);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'ledger-20240101T000000Z.sqlite'), 'a copy made by hand with npm run backup');
    start(6, 2);
    await vi.waitFor(() => expect(outcomes.length).toBe(1));
    const first = outcomes[0] as ScheduledBackup;
    expect([path.basename(first.file), first.events, first.integrity, first.removed]).toEqual(['auto-20240601T080000Z.sqlite', 0, 'ok', []]);

    // Five hours later nothing is due; at six hours the second copy holds the events pushed meanwhile.
    const r = await push(app, acc.volA, newId(), [
      putEvent(1, newId(), eventFields({ title: '大篷车进校园' })),
      putEvent(2, newId(), eventFields({ title: '科普讲座' })),
    ]);
    expect(r.json<{ results: { status: string }[] }>().results.map((x) => x.status)).toEqual(['applied', 'applied']);
    await advance(5 * HOUR, 1);
    await advance(1 * HOUR, 2);
    expect((outcomes[1] as ScheduledBackup).events).toBe(2);
    await advance(6 * HOUR, 3);
    expect((outcomes[2] as ScheduledBackup).removed.map((f) => path.basename(f))).toEqual(['auto-20240601T080000Z.sqlite']);
    expect(names()).toEqual(['auto-20240601T140000Z.sqlite', 'auto-20240601T200000Z.sqlite', 'ledger-20240101T000000Z.sqlite']);
    expect(schedule!.status()).toEqual({
      everyHours: 6,
      keep: 2,
      last: { at: '2024-06-01T20:00:00.000Z', ok: true, file: path.join(dir, 'auto-20240601T200000Z.sqlite'), error: null },
      newestAt: '2024-06-01T20:00:00.000Z',
      nextAt: '2024-06-02T02:00:00.000Z',
    });

    // A scheduled copy is a backup that npm run restore takes: the restored ledger has both events.
    await schedule!.stop();
    schedule = null;
    await app.close();
    await h.store.close();
    const restoredDir = path.join(path.dirname(file), 'restored');
    await restoreSqlite(path.join(dir, 'auto-20240601T200000Z.sqlite'), restoredDir);
    const restored = new Database(path.join(restoredDir, 'ledger.sqlite'), { readonly: true });
    expect((restored.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(2);
    restored.close();
  });

  test('a restarted server follows the copies on disk: the next copy is due N hours after the newest', async () => {
    start(6, 3);
    await vi.waitFor(() => expect(outcomes.length).toBe(1));
    await schedule!.stop();
    // Restart two hours later: no new copy at start; the next one four hours on.
    now += 2 * HOUR;
    start(6, 3);
    expect(schedule!.status().nextAt).toBe('2024-06-01T14:00:00.000Z');
    await advance(3 * HOUR, 1);
    await advance(1 * HOUR, 2);
    expect(names()).toEqual(['auto-20240601T080000Z.sqlite', 'auto-20240601T140000Z.sqlite']);
  });

  test('a copy that fails its integrity check is deleted, deletes no older copy, is reported, and the next interval tries again', async () => {
    start(1, 1);
    await vi.waitFor(() => expect(outcomes.length).toBe(1));
    await schedule!.stop();
    // Damage the live file under the store: a page of an index no query here reads.
    const db = (h.store as SqliteStore).db;
    db.exec('CREATE TABLE filler (n INTEGER, t TEXT); CREATE INDEX filler_t ON filler (t);');
    const ins = db.prepare('INSERT INTO filler (n, t) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) ins.run(i, `row-${i}-${'x'.repeat(40)}`);
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const page = (db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'filler_t'").get() as { rootpage: number }).rootpage;
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(pageSize - 200, 0xab), 0, pageSize - 200, (page - 1) * pageSize + 100);
    closeSync(fd);

    start(1, 1);
    await advance(1 * HOUR, 2);
    expect(outcomes[1]).toMatch(/^backup .*auto-20240601T090000Z\.sqlite failed its integrity check: /);
    expect(names()).toEqual(['auto-20240601T080000Z.sqlite']);
    expect(schedule!.status().last).toMatchObject({ at: '2024-06-01T09:00:00.000Z', ok: false, file: null });
    expect(schedule!.status().nextAt).toBe('2024-06-01T10:00:00.000Z');
    expect(listScheduledBackups(dir).map((b) => new Date(b.at).toISOString())).toEqual(['2024-06-01T08:00:00.000Z']);
    expect(existsSync(path.join(dir, 'auto-20240601T090000Z.sqlite'))).toBe(false);
  });
});
