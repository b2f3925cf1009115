/**
 * WAL checkpoints of the SQLite ledger on a worker thread (issue 11).
 *
 * better-sqlite3 runs every statement on the event loop's thread. With SQLite's automatic
 * checkpoint, the COMMIT that fills the WAL past 1,000 pages copies the WAL into the database file
 * and fsyncs both, inside that request: on a busy or slow disk every request waits, tens to
 * hundreds of milliseconds a time (single pushes ran at 137–176 req/s with it, 256 without, CPU
 * per push 1.44 → 1.12 ms, same machine). So the main connection turns automatic checkpoints
 * off and a worker thread, with its own connection to the same file, runs a PASSIVE checkpoint
 * every `everyMs`: it never blocks a writer (it copies what no reader still needs; the next write
 * after a complete one starts the WAL over). Commits themselves do not fsync (synchronous =
 * NORMAL in WAL mode); a crash loses no committed transaction that the OS wrote, as before.
 *
 * The worker's code is a string (`eval`), so it runs the same from the TypeScript sources under
 * the tests and from dist-server; better-sqlite3 is resolved here and handed over by path.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER_CODE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.sqlitePath);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next tick tries again */ }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** A running checkpointer; stop() ends it (its connection closed) before the store closes. */
export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Starts checkpointing `file` every `everyMs` on a worker thread. `onFailure` is called when the
 * worker cannot run (then the caller turns automatic checkpoints back on).
 */
export function startCheckpointer(file: string, everyMs: number, onFailure: (e: unknown) => void): Checkpointer {
  const sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_CODE, { eval: true, workerData: { file, everyMs, sqlitePath } });
  let stopped = false;
  worker.on('error', (e) => {
    if (!stopped) onFailure(e);
  });
  // The server's process may end without waiting for it.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      // Referenced again while it stops: otherwise a process with nothing else left to do (a
      // failed start closing its store) would end before the worker, exit code 0 and all.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
