/**
 * The peer: express-pouchdb (the CouchDB protocol over PouchDB) in its own process, as an
 * offline-first team would otherwise deploy it: PouchDB's default Node adapter, LevelDB
 * (leveldown's prebuilt binary) in PEER_DATA_DIR, on disk like our SQLite. PEER_ADAPTER=memory
 * keeps the databases in memory instead (pouchdb-adapter-memory). Prints "PEER_LISTENING <port>".
 */
import { mkdirSync } from 'node:fs';
import PouchDB from 'pouchdb';
import memoryAdapter from 'pouchdb-adapter-memory';
import expressPouchDB from 'express-pouchdb';

let ServerPouch;
if (process.env.PEER_ADAPTER === 'memory') {
  PouchDB.plugin(memoryAdapter);
  ServerPouch = PouchDB.defaults({ adapter: 'memory' });
} else {
  const dir = process.env.PEER_DATA_DIR;
  if (!dir) throw new Error('PEER_DATA_DIR is not set');
  mkdirSync(dir, { recursive: true });
  ServerPouch = PouchDB.defaults({ adapter: 'leveldb', prefix: `${dir}/` });
}
const app = expressPouchDB(ServerPouch, { mode: 'minimumForPouchDB', inMemoryConfig: true, logPath: '/dev/null' });
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`PEER_LISTENING ${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
