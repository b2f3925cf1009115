/**
 * Server ingest, from Node over loopback HTTP with a bounded loop of our own (a fixed number of
 * requests, a fixed number in flight; bodies built before the clock starts). Each server runs in
 * its own process on a fresh database per run:
 * - batches: B pushes of 100 events, 4 in flight — ours (POST /api/sync/push, 100 put mutations)
 *   against express-pouchdb (POST /db/_bulk_docs, 100 new documents): events per second;
 * - singles: S pushes of one event, 50 clients in flight — ours (a push of one mutation) against
 *   express-pouchdb (PUT /db/<id>): requests per second, with p50/p99 latency.
 * Ours on SQLite and on PostgreSQL, interleaved run by run with the peer.
 * Beside the rates, the CPU time each request cost the server side (the server process, plus its
 * PostgreSQL backends, told by application_name): on a machine other work shares, the rates move
 * with the load, the CPU per request much less.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuMsOf, fmtProfile, interleave, pluck, row, summarizeProfile, summary } from '../lib.mjs';
import { makeEvents, toPouchDoc } from '../fixtures.mjs';
import { putMutations, startServer, PG_URL } from '../ours.mjs';

function request(agent, port, method, path, body, headers) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        const parts = [];
        res.on('data', (c) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(parts).toString(), ms: performance.now() - t0 }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `jobs` (each a () => Promise<{status, ms}>) with `inFlight` at a time; returns wall ms and latencies. */
async function bounded(jobs, inFlight, okStatus) {
  let next = 0;
  const lat = [];
  const t0 = performance.now();
  async function worker() {
    for (;;) {
      const i = next++;
      if (i >= jobs.length) return;
      const r = await jobs[i]();
      if (!okStatus(r)) throw new Error(`HTTP ${r.status}: ${r.body.slice(0, 300)}`);
      lat.push(r.ms);
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { ms: performance.now() - t0, lat };
}

/**
 * A meter of the CPU time the server side has used since it was made: the process `pid` and, for
 * PostgreSQL, the backends whose application_name is `pgApplication` (read at start and end).
 */
async function cpuMeter(pid, pgApplication) {
  let client = null;
  if (pgApplication) {
    const pg = (await import('pg')).default;
    client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
  }
  const backends = async () =>
    client ? (await client.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [pgApplication])).rows.map((r) => r.pid) : [];
  const read = (pids) => new Map(pids.map((p) => [p, cpuMsOf(p) ?? 0]));
  const start = read([pid, ...(await backends())]);
  return async () => {
    const now = read([...new Set([...start.keys(), ...(await backends())])]);
    let server = 0;
    let db = 0;
    for (const [p, ms] of now) {
      const d = ms - (start.get(p) ?? 0);
      if (p === pid) server += d;
      else db += d;
    }
    await client?.end();
    return { server, db };
  };
}

export async function run(ctx) {
  const B = ctx.quick ? 10 : 100;
  const S = ctx.quick ? 200 : 2000;
  const CLIENTS = 50;
  const evs = makeEvents(ctx.domain, B * 100 + S, 7);
  const batchEvents = evs.slice(0, B * 100);
  const singleEvents = evs.slice(B * 100);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  let runNo = 0;
  async function ours(kind) {
    const cpuProfile = ctx.profileDir ? join(ctx.profileDir, `server-ingest-${kind}-${runNo++}.cpuprofile`) : null;
    if (cpuProfile) mkdirSync(ctx.profileDir, { recursive: true });
    const server = await startServer(ctx.serverDir, { kind, cpuProfile });
    let result;
    try {
      result = await oursRun(server);
    } finally {
      await server.stop();
    }
    if (cpuProfile && existsSync(cpuProfile)) {
      const p = summarizeProfile(JSON.parse(readFileSync(cpuProfile, 'utf8')), 0);
      ctx.profiles[`server ingest ${kind} (server process, whole life)`] = p;
      ctx.log(fmtProfile(`server ingest ${kind}`, p));
    }
    return result;
  }

  async function oursRun(server) {
    {
      const auth = { authorization: `Bearer ${server.token}` };
      // Batches: 4 clients, each its own clientId and rising seq, pushes of 100.
      const slots = Array.from({ length: 4 }, () => ({ clientId: randomUUID(), seq: 0 }));
      const bodies = [];
      for (let i = 0; i < B; i++) {
        const slot = slots[i % 4];
        const ms = putMutations(ctx.domain, batchEvents.slice(i * 100, i * 100 + 100), slot.seq + 1);
        slot.seq += 100;
        bodies.push({ slot: i % 4, body: JSON.stringify({ v: 1, clientId: slot.clientId, mutations: ms }) });
      }
      // Requests of one slot must stay in seq order: run each slot's queue sequentially, 4 slots in flight.
      const queues = slots.map((_, s) => bodies.filter((b) => b.slot === s));
      const ok = (r) => r.status === 200 && !r.body.includes('"rejected"');
      const batchCpu = await cpuMeter(server.pid, server.pgApplication);
      const t0 = performance.now();
      await Promise.all(
        queues.map(async (q) => {
          for (const b of q) {
            const r = await request(agent, server.port, 'POST', '/api/sync/push', b.body, auth);
            if (!ok(r)) throw new Error(`push: HTTP ${r.status} ${r.body.slice(0, 300)}`);
          }
        }),
      );
      const batchMs = performance.now() - t0;
      const bc = await batchCpu();
      // Singles: 50 clients in flight, each pushing its own events one at a time.
      const clients = Array.from({ length: CLIENTS }, () => ({ clientId: randomUUID(), seq: 0 }));
      const sq = clients.map(() => []);
      singleEvents.forEach((e, i) => {
        const c = clients[i % CLIENTS];
        c.seq += 1;
        sq[i % CLIENTS].push(JSON.stringify({ v: 1, clientId: c.clientId, mutations: putMutations(ctx.domain, [e], c.seq) }));
      });
      const lat = [];
      const singleCpu = await cpuMeter(server.pid, server.pgApplication);
      const t1 = performance.now();
      await Promise.all(
        sq.map(async (q) => {
          for (const body of q) {
            const r = await request(agent, server.port, 'POST', '/api/sync/push', body, auth);
            if (!ok(r)) throw new Error(`push: HTTP ${r.status} ${r.body.slice(0, 300)}`);
            lat.push(r.ms);
          }
        }),
      );
      const singleMs = performance.now() - t1;
      const sc = await singleCpu();
      const l = summary(lat);
      return {
        eps: (B * 100) / (batchMs / 1000),
        rps: S / (singleMs / 1000),
        p50: l.median,
        p99: quantile(lat, 0.99),
        // CPU ms per 100-event push and per single push: server process, database backends.
        batchCpu: (bc.server + bc.db) / B,
        batchDbCpu: bc.db / B,
        singleCpu: (sc.server + sc.db) / S,
        singleDbCpu: sc.db / S,
      };
    }
  }

  let n = 0;
  async function peer() {
    const db = `ingest-${n++}`;
    const port = ctx.peer.port;
    await request(agent, port, 'PUT', `/${db}`, '', {});
    try {
      const bodies = [];
      for (let i = 0; i < B; i++) bodies.push(JSON.stringify({ docs: batchEvents.slice(i * 100, i * 100 + 100).map(toPouchDoc) }));
      const batchCpu = await cpuMeter(ctx.peer.pid, null);
      const b = await bounded(
        bodies.map((body) => () => request(agent, port, 'POST', `/${db}/_bulk_docs`, body, {})),
        4,
        (r) => r.status === 201 && !r.body.includes('"error"'),
      );
      const bc = await batchCpu();
      const singles = singleEvents.map((e) => {
        const { _id, ...doc } = toPouchDoc(e);
        return { _id, body: JSON.stringify(doc) };
      });
      const singleCpu = await cpuMeter(ctx.peer.pid, null);
      const s = await bounded(
        singles.map((d) => () => request(agent, port, 'PUT', `/${db}/${d._id}`, d.body, {})),
        CLIENTS,
        (r) => r.status === 201,
      );
      const sc = await singleCpu();
      return {
        eps: (B * 100) / (b.ms / 1000),
        rps: S / (s.ms / 1000),
        p50: summary(s.lat).median,
        p99: quantile(s.lat, 0.99),
        batchCpu: bc.server / B,
        batchDbCpu: 0,
        singleCpu: sc.server / S,
        singleDbCpu: 0,
      };
    } finally {
      await request(agent, port, 'DELETE', `/${db}`, '', {});
    }
  }

  const variants = [{ name: 'express-pouchdb', run: peer }];
  const pgReason = process.env.BENCH_PG_URL === 'off' ? 'BENCH_PG_URL=off' : await pgUnreachable();
  const pgOn = !pgReason;
  if (ctx.ours.ok) {
    variants.unshift({ name: 'ours SQLite', run: () => ours('sqlite') });
    if (pgOn) variants.push({ name: 'ours PostgreSQL', run: () => ours('postgres') });
  }
  let runs;
  try {
    runs = await interleave(variants, ctx.plan, ctx.log);
  } finally {
    agent.destroy();
  }
  const p = runs['express-pouchdb'];
  const pe = { name: 'express-pouchdb', value: summary(pluck(p, 'eps')), unit: 'events/s' };
  const pr = { name: 'express-pouchdb', value: summary(pluck(p, 'rps')), unit: 'req/s' };
  const lat = (rs) => `p50 ${summary(pluck(rs, 'p50')).median.toFixed(1)} ms, p99 ${summary(pluck(rs, 'p99')).median.toFixed(1)} ms`;
  const med = (rs, k) => summary(pluck(rs, k)).median;
  // CPU per request of the server side (ms, medians): ours with its database backends' share.
  const cpu = (rs, k) =>
    `${med(rs, k).toFixed(2)} ms${med(rs, `${k.replace('Cpu', 'DbCpu')}`) > 0 ? ` (database ${med(rs, k.replace('Cpu', 'DbCpu')).toFixed(2)})` : ''}`;
  const cpuNote = (rs, k) => `server CPU per ${k === 'batchCpu' ? '100-event push' : 'push'}: ours ${cpu(rs, k)}, express-pouchdb ${cpu(p, k)}`;
  const sizes = `${B} pushes of 100 (4 in flight); ${S} single pushes (${CLIENTS} clients)`;
  if (!ctx.ours.ok) {
    const note = `not measured: ${ctx.ours.reason}`;
    return [
      row({ id: 'ingest-sqlite-batch', value: null, unit: 'events/s', baseline: pe, note }),
      row({ id: 'ingest-sqlite-single', value: null, unit: 'req/s', baseline: pr, note }),
      row({ id: 'ingest-pg-batch', value: null, unit: 'events/s', baseline: pe, note }),
      row({ id: 'ingest-pg-single', value: null, unit: 'req/s', baseline: pr, note }),
    ];
  }
  const sq = runs['ours SQLite'];
  const out = [
    row({ id: 'ingest-sqlite-batch', value: summary(pluck(sq, 'eps')), unit: 'events/s', baseline: pe, note: `${sizes}; ${cpuNote(sq, 'batchCpu')}` }),
    row({
      id: 'ingest-sqlite-single',
      value: summary(pluck(sq, 'rps')),
      unit: 'req/s',
      baseline: pr,
      note: `ours ${lat(sq)}; express-pouchdb ${lat(p)}; ${cpuNote(sq, 'singleCpu')}`,
    }),
  ];
  out[0].pass = out[0].ratio >= 2;
  out[1].pass = out[1].ratio >= 2.5;
  if (pgOn) {
    const pg = runs['ours PostgreSQL'];
    out.push(
      row({
        id: 'ingest-pg-batch',
        value: summary(pluck(pg, 'eps')),
        unit: 'events/s',
        baseline: pe,
        note: `PostgreSQL at ${PG_URL.replace(/\/\/[^@]*@/, '//')}; ${cpuNote(pg, 'batchCpu')}`,
      }),
      row({ id: 'ingest-pg-single', value: summary(pluck(pg, 'rps')), unit: 'req/s', baseline: pr, note: `ours ${lat(pg)}; ${cpuNote(pg, 'singleCpu')}` }),
    );
    out[2].pass = out[2].ratio >= 1.5;
    out[3].pass = out[3].ratio >= 1.5;
  } else {
    out.push(
      row({ id: 'ingest-pg-batch', value: null, unit: 'events/s', baseline: pe, note: `not measured: ${pgReason}` }),
      row({ id: 'ingest-pg-single', value: null, unit: 'req/s', baseline: pr, note: `not measured: ${pgReason}` }),
    );
  }
  return out;
}

/** Null when PostgreSQL answers at PG_URL, else why not (the PostgreSQL rows then say so). */
async function pgUnreachable() {
  try {
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    await c.connect();
    await c.query('SELECT 1');
    await c.end();
    return null;
  } catch (e) {
    return `PostgreSQL unreachable at ${PG_URL.replace(/\/\/[^@]*@/, '//')} (${String(e?.message ?? e).slice(0, 100)})`;
  }
}

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
