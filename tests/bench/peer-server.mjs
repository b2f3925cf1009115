/**
 * The peer: express-pouchdb (the CouchDB protocol over PouchDB) in its own process, databases in
 * memory (pouchdb-adapter-memory, so no native leveldown build is needed), as an offline-first
 * team would otherwise deploy it. Prints "PEER_LISTENING <port>" when ready.
 */
import PouchDB from 'pouchdb';
import memoryAdapter from 'pouchdb-adapter-memory';
import expressPouchDB from 'express-pouchdb';

PouchDB.plugin(memoryAdapter);
const MemoryPouch = PouchDB.defaults({ adapter: 'memory' });
const app = expressPouchDB(MemoryPouch, { mode: 'minimumForPouchDB', inMemoryConfig: true, logPath: '/dev/null' });
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`PEER_LISTENING ${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
