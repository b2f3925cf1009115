/**
 * Our side of the sync figures: server processes (our-server.mjs) over SQLite or PostgreSQL, an
 * admin session on each, and a small Node protocol client (push/pull) used to seed the pull
 * server and for the Node figures. The browser reaches the current server through the front
 * proxy at /api.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startChild } from './lib.mjs';

const LAUNCHER = fileURLToPath(new URL('./our-server.mjs', import.meta.url));
export const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Starts one server; kind 'sqlite' (fresh temp dir) or 'postgres' (fresh schema). */
export async function startServer(serverDir, { kind = 'sqlite', staticDir = '', cpuProfile = null } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kl-bench-data-'));
  const schema = `bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const env = { SERVER_DIR: serverDir, DATA_DIR: dataDir, STATIC_DIR: staticDir, DATABASE_URL: '', BENCH_PG_SCHEMA: '' };
  // application_name marks the server's PostgreSQL backends, so the bench can read their CPU time.
  if (kind === 'postgres')
    Object.assign(env, { DATABASE_URL: `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}application_name=${schema}`, BENCH_PG_SCHEMA: schema });
  // cpuProfile: a path; the server is run under --cpu-prof and writes it when stopped.
  const nodeArgs = cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${dirname(cpuProfile)}`, `--cpu-prof-name=${basename(cpuProfile)}`] : [];
  const proc = await startChild([...nodeArgs, LAUNCHER], { env, readyPattern: /OURS_LISTENING (\d+)/, name: `our server (${kind})` });
  const port = Number(proc.match[1]);
  const base = `http://127.0.0.1:${port}`;
  const res = await fetch(`${base}/api/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: 'BENCH-CODE', orgName: '惠东县科协', adminName: '管理员', username: 'admin', password: 'bench-password-1' }),
  });
  const session = await res.json();
  if (res.status !== 201 || typeof session.token !== 'string') throw new Error(`setup failed: ${res.status} ${JSON.stringify(session)}`);
  return {
    kind,
    port,
    base,
    token: session.token,
    proc,
    pid: proc.child.pid,
    dataDir,
    pgApplication: kind === 'postgres' ? schema : null,
    async stop() {
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
      if (kind === 'postgres') {
        try {
          const pg = (await import('pg')).default;
          const c = new pg.Client({ connectionString: PG_URL });
          await c.connect();
          await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await c.end();
        } catch {
          /* best effort */
        }
      }
    },
  };
}

/** The put mutations that create `events` (content and review fields), seq from `firstSeq`. */
export function putMutations(domain, events, firstSeq = 1) {
  return events.map((e, i) => ({
    entity: 'event',
    op: 'put',
    seq: firstSeq + i,
    eventId: e.id,
    fields: domain.event.eventFieldsOf(e),
    at: e.updatedAt,
  }));
}

/** POST /api/sync/push as JSON; returns the parsed answer (throws on HTTP failure). */
export async function push(server, clientId, mutations) {
  const res = await fetch(`${server.base}/api/sync/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
    body: JSON.stringify({ v: 1, clientId, mutations }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`push: HTTP ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

/** Pushes every event in pages of 500; checks each was applied. */
export async function pushAll(server, domain, events) {
  const clientId = randomUUID();
  const ms = putMutations(domain, events);
  for (let i = 0; i < ms.length; i += 500) {
    const r = await push(server, clientId, ms.slice(i, i + 500));
    const bad = r.results.filter((x) => x.status !== 'applied');
    if (bad.length) throw new Error(`push: ${bad.length} not applied, e.g. ${JSON.stringify(bad[0])}`);
  }
}

/** Pulls everything from cursor 0 in pages of 2,000; returns the row count. */
export async function pullAll(server) {
  let cursor = 0;
  let n = 0;
  for (;;) {
    const res = await fetch(`${server.base}/api/sync/pull?cursor=${cursor}&limit=2000`, {
      headers: { authorization: `Bearer ${server.token}`, 'accept-encoding': 'gzip' },
    });
    if (!res.ok) throw new Error(`pull: HTTP ${res.status}`);
    const body = await res.json();
    n += body.rows.length;
    cursor = body.cursor;
    if (!body.more) return n;
  }
}

/**
 * Starts the pull server seeded with `events` and wires /api of the front proxy to it.
 * Returns { ok: false, reason } when the compiled server is not there.
 */
export async function startOurs({ serverDir, events, domain, front, log, needed }) {
  if (!needed) return { ok: false, reason: 'not needed by the chosen groups', stop: async () => {} };
  for (const f of ['server/app.js', 'server/store/sqlite.js']) {
    if (!existsSync(join(serverDir, f))) return { ok: false, reason: `${serverDir}/${f} is missing`, stop: async () => {} };
  }
  const pullServer = await startServer(serverDir);
  const t0 = performance.now();
  await pushAll(pullServer, domain, events);
  log(`our pull server on ${pullServer.port} seeded with ${events.length} events in ${(performance.now() - t0).toFixed(0)} ms`);
  let pushServer = null;
  let page = null;
  const use = async (server) => {
    front.setUpstream('/api', { port: server.port, strip: false });
    if (page) await page.evaluate((t) => window.__bench.setToken(t), server.token);
  };
  await use(pullServer);
  return {
    ok: true,
    token: pullServer.token,
    pullServer,
    async attachPage(p) {
      page = p;
      await use(pullServer);
    },
    /** A fresh, empty push server behind /api (the previous one is stopped). */
    async resetPushServer() {
      if (pushServer) await pushServer.stop();
      pushServer = await startServer(serverDir);
      await use(pushServer);
      return pushServer;
    },
    async usePull() {
      await use(pullServer);
    },
    async nodePush() {
      const s = await startServer(serverDir);
      try {
        const t = performance.now();
        await pushAll(s, domain, events);
        return { ms: performance.now() - t };
      } finally {
        await s.stop();
      }
    },
    async nodePull() {
      const t = performance.now();
      const n = await pullAll(pullServer);
      const ms = performance.now() - t;
      if (n !== events.length) throw new Error(`Node pull got ${n} of ${events.length}`);
      return { ms };
    },
    async stop() {
      if (pushServer) await pushServer.stop();
      await pullServer.stop();
    },
  };
}
