/**
 * The peer baseline: express-pouchdb in its own process (peer-server.mjs, LevelDB on disk in a
 * temp dir; BENCH_PEER_ADAPTER=memory for in-memory databases) and PouchDB in Node (memory
 * adapter: like our Node protocol client, it keeps nothing on disk) replicating the same events
 * to and from it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import PouchDB from 'pouchdb';
import memoryAdapter from 'pouchdb-adapter-memory';
import { startChild } from './lib.mjs';

PouchDB.plugin(memoryAdapter);
const MemoryPouch = PouchDB.defaults({ adapter: 'memory' });

/** Starts express-pouchdb and loads `docs` into its database `pull-src` (via replication from Node). */
export async function startPeer(docs) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kl-bench-peer-'));
  const adapter = process.env.BENCH_PEER_ADAPTER === 'memory' ? 'memory' : 'leveldb';
  const proc = await startChild([fileURLToPath(new URL('./peer-server.mjs', import.meta.url))], {
    env: { PEER_DATA_DIR: dataDir, PEER_ADAPTER: adapter },
    readyPattern: /PEER_LISTENING (\d+)/,
    name: 'express-pouchdb',
  });
  const port = Number(proc.match[1]);
  const base = `http://127.0.0.1:${port}`;
  let seq = 0;
  // A remote database must be made by the plain constructor: MemoryPouch would take the URL as a local name.
  const remote = (db) => new PouchDB(`${base}/${db}`);
  const source = new MemoryPouch(`node-source-${process.pid}`);
  for (let i = 0; i < docs.length; i += 1000) await source.bulkDocs(docs.slice(i, i + 1000));
  const seeded = await source.replicate.to(remote('pull-src'));
  if (seeded.docs_written !== docs.length) throw new Error(`seeded ${seeded.docs_written} of ${docs.length} into express-pouchdb`);
  return {
    port,
    base,
    async drop(db) {
      await fetch(`${base}/${db}`, { method: 'DELETE' }).then((r) => r.arrayBuffer());
    },
    /** PouchDB in Node replicating the N docs (already in a local memory db) to a new remote db. */
    async nodePush(db) {
      const t0 = performance.now();
      const r = await source.replicate.to(remote(db));
      const ms = performance.now() - t0;
      await this.drop(db);
      if (r.docs_written !== docs.length) throw new Error(`PouchDB Node pushed ${r.docs_written} of ${docs.length}`);
      return { ms };
    },
    /** A fresh PouchDB in Node (memory) replicating everything from a remote db. */
    async nodePull(db) {
      const fresh = new MemoryPouch(`node-fresh-${process.pid}-${seq++}`);
      const t0 = performance.now();
      const r = await fresh.replicate.from(remote(db));
      const ms = performance.now() - t0;
      await fresh.destroy();
      if (r.docs_written !== docs.length) throw new Error(`PouchDB Node pulled ${r.docs_written} of ${docs.length}`);
      return { ms };
    },
    /** Copies one remote database into another (server to server, through Node). */
    async copy(src, dst) {
      const r = await PouchDB.replicate(remote(src), remote(dst));
      if (r.docs_written !== docs.length) throw new Error(`copy wrote ${r.docs_written} of ${docs.length}`);
    },
    adapter,
    pid: proc.child.pid,
    async stop() {
      await source.destroy();
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
