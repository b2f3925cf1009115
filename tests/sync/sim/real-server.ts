/**
 * The REAL server app (buildApp over SQLite on a temp file, or over PostgreSQL in a schema of its
 * own) as the simulation and the HTTP transport tests talk to it: through a fetch that goes to
 * inject(), so no port is opened and the server can be closed and rebuilt at any moment — also
 * from a backup, with the project's own backup and restore code (pg_dump / pg_restore and
 * `npm run restore -- --renew-epoch` for PostgreSQL, as src/server/README.md says).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { SessionResponse } from '../../../src/domain/account';
import type { LedgerEvent } from '../../../src/domain/event';
import { buildApp } from '../../../src/server/app';
import { backupSqlite } from '../../../src/server/backup';
import { renewEpochOf, restoreSqlite } from '../../../src/server/restore';
import { PostgresStore } from '../../../src/server/store/postgres';
import { SqliteStore } from '../../../src/server/store/sqlite';
import type { Store } from '../../../src/server/store/store';
import type { BlobBudget } from '../../../src/server/routes/blobs';
import { TEST_PG_URL } from '../../server/helpers';

const SETUP_CODE = 'SIMU-LATE';
const PASSWORD = 'correct horse battery';

/** One account of the simulated association. */
export interface SimAccount {
  userId: string;
  orgId: string;
  role: 'admin' | 'staff' | 'volunteer';
  token: string;
}

/** A running server over one SQLite file, with the accounts made at set-up. */
export interface RealServer {
  /** A fetch into the CURRENT app instance (survives restarts). */
  fetch: typeof fetch;
  admin: SimAccount;
  makeUser(role: 'staff' | 'volunteer', username: string): Promise<SimAccount>;
  /** The admin moves a user between volunteer and staff (PATCH /api/users/:id); their sessions stay. */
  setRole(account: SimAccount, role: 'staff' | 'volunteer'): Promise<void>;
  /** Closes the app and the database, opens both again on the same store (with new photo budgets, if given). */
  restart(opts?: RealServerOptions): Promise<void>;
  /** The current store (for a test that sweeps photos with its own clock). */
  store(): Store;
  /** The ledger's current epoch. */
  epoch(): Promise<string>;
  /** An online backup (npm run backup's code) into a new file; answers its path. */
  backup(): Promise<string>;
  /** Stops the server, restores `file` (npm run restore's code: a new epoch) and starts again. */
  restore(file: string): Promise<void>;
  /** Every event of the association, read through pull as the admin. */
  allEvents(): Promise<LedgerEvent[]>;
  close(): Promise<void>;
}

/** Turns a fetch call into inject() on `app()`. */
export function injectFetch(app: () => FastifyInstance): typeof fetch {
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, 'http://localhost');
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    let payload: string | Buffer | undefined;
    const body = init?.body;
    if (typeof body === 'string') payload = body;
    else if (body instanceof Uint8Array) payload = Buffer.from(body);
    else if (body instanceof ArrayBuffer) payload = Buffer.from(new Uint8Array(body));
    else if (body instanceof Blob) payload = Buffer.from(await body.arrayBuffer());
    else if (body != null) throw new Error('injectFetch: unsupported body');
    const res = await app().inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers,
      ...(payload !== undefined ? { payload } : {}),
    });
    const outHeaders = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined) outHeaders.set(k, Array.isArray(v) ? v.join(', ') : String(v));
    }
    // inject() hands back the encoded bytes: undo gzip so Response.json() reads them as fetch would.
    const encoded = outHeaders.get('content-encoding') === 'gzip';
    outHeaders.delete('content-encoding');
    let raw = res.rawPayload;
    if (encoded) raw = (await import('node:zlib')).gunzipSync(raw);
    const noBody = res.statusCode === 204 || res.statusCode === 304;
    return new Response(noBody ? null : new Uint8Array(raw), { status: res.statusCode, headers: outHeaders });
  };
}

/** The store a simulated server runs on, and how to back it up and restore it. */
interface StoreSite {
  open(): Promise<Store>;
  backup(store: Store, n: number): Promise<string>;
  /** With the store closed: puts the backup in place and gives the ledger a new epoch. */
  restore(file: string): Promise<void>;
  remove(): Promise<void>;
}

function sqliteSite(): StoreSite {
  // tmpfs when there is one: the simulation restarts servers hundreds of times, and the file's
  // fsyncs, not the code, would otherwise set the pace.
  const dir = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'kl-sync-sim-'));
  const file = path.join(dir, 'ledger.sqlite');
  return {
    async open() {
      const store = new SqliteStore({ file });
      await store.migrate();
      return store;
    },
    async backup(_store, n) {
      const dest = path.join(dir, 'backups', `backup-${n}.sqlite`);
      await backupSqlite(file, dest);
      return dest;
    },
    async restore(backupFile) {
      await restoreSqlite(backupFile, dir);
    },
    async remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresSite(): StoreSite {
  const schema = `kl_sim_${randomBytes(6).toString('hex')}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'kl-pg-sim-'));
  const open = async () => {
    const store = new PostgresStore({ connectionString: TEST_PG_URL, schema, createSchema: true, poolSize: 4 });
    await store.migrate();
    return store;
  };
  return {
    open,
    async backup(_store, n) {
      const dest = path.join(dir, `backup-${n}.dump`);
      execFileSync('pg_dump', ['--format=custom', `--schema=${schema}`, `--file=${dest}`, TEST_PG_URL]);
      return dest;
    },
    async restore(file) {
      execFileSync('pg_restore', ['--clean', '--if-exists', `--schema=${schema}`, `--dbname=${TEST_PG_URL}`, file]);
      const store = await open();
      try {
        await renewEpochOf(store, schema);
      } finally {
        await store.close();
      }
    },
    async remove() {
      const store = new PostgresStore({ connectionString: TEST_PG_URL, poolSize: 1 });
      try {
        await store.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await store.close();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** How the server is configured. */
export interface RealServerOptions {
  /** The store: a temp SQLite file (default) or a schema of its own on the test PostgreSQL. */
  kind?: 'sqlite' | 'postgres';
  blobBudget?: BlobBudget;
}

/** Starts a server on a fresh store and sets up the association. */
export async function startRealServer(opts: RealServerOptions = {}): Promise<RealServer> {
  const site = opts.kind === 'postgres' ? postgresSite() : sqliteSite();
  let store = await site.open();
  let budget = opts.blobBudget;
  const appOver = (s: Store) =>
    buildApp({
      store: s,
      setupCode: SETUP_CODE,
      scryptN: 16,
      rateLimits: { codePerAddress: 1_000_000, loginPerAddress: 1_000_000 },
      ...(budget ? { blobBudget: budget } : {}),
    });
  let app = await appOver(store);
  const fetch = injectFetch(() => app);

  async function call(method: string, url: string, token: string | null, body?: unknown): Promise<unknown> {
    const res = await fetch(url, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${await res.text()}`);
    return res.json();
  }

  const setup = (await call('POST', '/api/setup', null, {
    code: SETUP_CODE,
    orgName: '模拟科协',
    adminName: '管理员',
    username: 'admin',
    password: PASSWORD,
  })) as SessionResponse;
  const admin: SimAccount = { userId: setup.user.id, orgId: setup.user.orgId, role: 'admin', token: setup.token };
  let backups = 0;

  return {
    fetch,
    admin,
    async makeUser(role, username) {
      await call('POST', '/api/users', admin.token, { role, name: username, username, password: PASSWORD });
      const s = (await call('POST', '/api/login', null, { username, password: PASSWORD })) as SessionResponse;
      return { userId: s.user.id, orgId: s.user.orgId, role, token: s.token };
    },
    async setRole(account, role) {
      await call('PATCH', `/api/users/${account.userId}`, admin.token, { role });
      account.role = role;
    },
    async restart(next?: RealServerOptions) {
      await app.close();
      await store.close();
      store = await site.open();
      budget = next?.blobBudget ?? budget;
      app = await appOver(store);
    },
    store: () => store,
    async epoch() {
      return (await store.ledger()).epoch;
    },
    async backup() {
      backups += 1;
      return site.backup(store, backups);
    },
    async restore(backupFile) {
      await app.close();
      await store.close();
      await site.restore(backupFile);
      store = await site.open();
      app = await appOver(store);
    },
    async allEvents() {
      const out: LedgerEvent[] = [];
      let cursor = 0;
      for (;;) {
        const page = (await call('GET', `/api/sync/pull?cursor=${cursor}&limit=2000`, admin.token)) as {
          rows: { entity: string; row: LedgerEvent }[];
          cursor: number;
          more: boolean;
        };
        for (const r of page.rows) if (r.entity === 'event') out.push(r.row);
        cursor = page.cursor;
        if (!page.more) return out;
      }
    },
    async close() {
      await app.close();
      await store.close();
      await site.remove();
    },
  };
}
