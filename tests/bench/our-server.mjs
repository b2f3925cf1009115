/**
 * Our server for the bench, in its own process: the compiled buildApp (dist-server) over SQLite
 * (a file in DATA_DIR) or PostgreSQL (DATABASE_URL, a fresh schema BENCH_PG_SCHEMA), with a known
 * setup code so the bench can create the association and sign in. Serves STATIC_DIR when given.
 * Prints "OURS_LISTENING <port>".
 */
import { join } from 'node:path';

const dir = process.env.SERVER_DIR;
const { buildApp } = await import(join(dir, 'server/app.js'));
let store;
if (process.env.DATABASE_URL) {
  const { PostgresStore } = await import(join(dir, 'server/store/postgres.js'));
  store = new PostgresStore({ connectionString: process.env.DATABASE_URL, schema: process.env.BENCH_PG_SCHEMA, createSchema: true, poolSize: 10 });
} else {
  const { SqliteStore } = await import(join(dir, 'server/store/sqlite.js'));
  store = new SqliteStore({ file: join(process.env.DATA_DIR, 'ledger.sqlite') });
}
await store.migrate();
const app = await buildApp({
  store,
  staticDir: process.env.STATIC_DIR || null,
  setupCode: 'BENCH-CODE',
  scryptN: 1024,
  rateLimits: { loginPerAccount: 1e9, loginPerAddress: 1e9, codePerAddress: 1e9 },
});
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`OURS_LISTENING ${app.server.address().port}`);
const stop = async () => {
  await app.close();
  await store.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
