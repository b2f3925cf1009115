/**
 * The REAL server app (buildApp over SQLite on a temp file) as the simulation and the HTTP
 * transport tests talk to it: through a fetch that goes to inject(), so no port is opened and
 * the server can be closed and rebuilt on the same file at any moment.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { SessionResponse } from '../../../src/domain/account';
import type { LedgerEvent } from '../../../src/domain/event';
import { buildApp } from '../../../src/server/app';
import type { BlobBudget } from '../../../src/server/routes/blobs';
import { SqliteStore } from '../../../src/server/store/sqlite';
import type { Store } from '../../../src/server/store/store';

const SETUP_CODE = 'SIMU-LATE';
const PASSWORD = 'correct horse battery';

/** One account of the simulated association. */
export interface SimAccount {
  userId: string;
  role: 'admin' | 'staff' | 'volunteer';
  token: string;
}

/** A running server over one SQLite file, with the accounts made at set-up. */
export interface RealServer {
  /** A fetch into the CURRENT app instance (survives restarts). */
  fetch: typeof fetch;
  admin: SimAccount;
  makeUser(role: 'staff' | 'volunteer', username: string): Promise<SimAccount>;
  /** Closes the app and the database, opens both again on the same file (with new photo budgets, if given). */
  restart(opts?: RealServerOptions): Promise<void>;
  /** The current store (for a test that sweeps photos with its own clock). */
  store(): Store;
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

/** How the server is configured. */
export interface RealServerOptions {
  blobBudget?: BlobBudget;
}

/** Starts a server on a fresh temp SQLite file and sets up the association. */
export async function startRealServer(opts: RealServerOptions = {}): Promise<RealServer> {
  // tmpfs when there is one: the simulation restarts servers hundreds of times, and the file's
  // fsyncs, not the code, would otherwise set the pace.
  const dir = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'kl-sync-sim-'));
  const file = path.join(dir, 'ledger.sqlite');
  let store = new SqliteStore({ file });
  await store.migrate();
  let app = await buildApp({
    store, setupCode: SETUP_CODE, scryptN: 16, rateLimits: { codePerAddress: 1_000_000, loginPerAddress: 1_000_000 },
    ...(opts.blobBudget ? { blobBudget: opts.blobBudget } : {}),
  });
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
    code: SETUP_CODE, orgName: '模拟科协', adminName: '管理员', username: 'admin', password: PASSWORD,
  })) as SessionResponse;
  const admin: SimAccount = { userId: setup.user.id, role: 'admin', token: setup.token };

  return {
    fetch,
    admin,
    async makeUser(role, username) {
      await call('POST', '/api/users', admin.token, { role, name: username, username, password: PASSWORD });
      const s = (await call('POST', '/api/login', null, { username, password: PASSWORD })) as SessionResponse;
      return { userId: s.user.id, role, token: s.token };
    },
    async restart(next?: RealServerOptions) {
      await app.close();
      await store.close();
      store = new SqliteStore({ file });
      await store.migrate();
      const budget = next?.blobBudget ?? opts.blobBudget;
      app = await buildApp({ store, setupCode: SETUP_CODE, scryptN: 16, ...(budget ? { blobBudget: budget } : {}) });
    },
    store: () => store,
    async allEvents() {
      const out: LedgerEvent[] = [];
      let cursor = 0;
      for (;;) {
        const page = (await call('GET', `/api/sync/pull?cursor=${cursor}&limit=2000`, admin.token)) as {
          rows: { entity: string; row: LedgerEvent }[]; cursor: number; more: boolean;
        };
        for (const r of page.rows) if (r.entity === 'event') out.push(r.row);
        cursor = page.cursor;
        if (!page.more) return out;
      }
    },
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
