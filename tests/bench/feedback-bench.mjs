/**
 * Throughput of public feedback submissions (issue 15) against the REAL server (dist-server, run
 * `npm run build` first) with its limits ON (the defaults): many people, each from their own
 * address (X-Forwarded-For under TRUST_PROXY=true), sending to a few event codes at once; then one
 * spammer's burst from one address, refused with 429. SQLite in a temp DATA_DIR, and PostgreSQL
 * when BENCH_DATABASE_URL is set (a fresh schema is not possible through main.js: give an empty
 * database).
 *
 *   node tests/bench/feedback-bench.mjs                       # SQLite
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kl_fb_bench node tests/bench/feedback-bench.mjs
 *
 * N (default 2000) submissions, CONCURRENCY (default 32) in flight.
 *
 * "None of this may slow the sync routes": SYNC_N (default 200) single-event pushes, one after
 * another as a phone sends them, timed alone and then while the public floods the server (N
 * submissions from N addresses, and one spammer); alone / flooded / alone again, medians and the
 * ratio of flooded to the two quiet rounds.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDomain, makeEvents } from './fixtures.mjs';
import { summary } from './lib.mjs';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const N = Number(process.env.N ?? 2000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const SYNC_N = Number(process.env.SYNC_N ?? 200);
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

const freePort = () =>
  new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => ok(p));
    });
  });

function startServer(port, dataDir) {
  return new Promise((ok, fail) => {
    const env = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      STATIC_DIR: join(ROOT, 'dist'),
      LOG_LEVEL: 'warn',
      TRUST_PROXY: 'true',
      BACKUP_EVERY_HOURS: '0',
    };
    if (process.env.BENCH_DATABASE_URL) env.DATABASE_URL = process.env.BENCH_DATABASE_URL;
    const child = spawn(process.execPath, [join(ROOT, 'dist-server/server/main.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (b) => {
      out += b.toString();
      const m = /One-time setup code: ([A-Z0-9-]+)/.exec(out);
      if (m) ok({ child, code: m[1] });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (c) => fail(new Error(`server exited ${c}: ${out}`)));
  });
}

const randomCode = () => Array.from({ length: 8 }, () => ALPHABET[Math.floor(Math.random() * 31)]).join('');

async function run(label, base, bodies, headersOf) {
  const latencies = [];
  const statuses = {};
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= bodies.length) return;
      const t = performance.now();
      const res = await fetch(`${base}/api/public/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headersOf(i) },
        body: JSON.stringify(bodies[i]),
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const secs = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
  console.log(
    `${label}: ${bodies.length} requests in ${secs.toFixed(2)} s = ${(bodies.length / secs).toFixed(0)}/s; p50 ${q(0.5)} ms, p95 ${q(0.95)} ms; statuses ${JSON.stringify(statuses)}`,
  );
}

const dataDir = mkdtempSync(join(tmpdir(), 'kl-fb-bench-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const { child, code } = await startServer(port, dataDir);
try {
  const setup = await fetch(`${base}/api/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, orgName: '惠东县科协', adminName: '管理员', username: 'admin', password: 'bench-password-1' }),
  });
  if (setup.status !== 201) throw new Error(`setup ${setup.status}`);
  const { token } = await setup.json();
  console.log(
    `store: ${process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'SQLite'}; N=${N}, concurrency ${CONCURRENCY}; limits: the defaults (10/min and 100/day per address, 300/day per code)`,
  );
  // Codes of events not synced yet (a one-association server takes them): ≤ 300 submissions each.
  const codes = Array.from({ length: Math.ceil(N / 250) }, randomCode);
  const people = Array.from({ length: N }, (_, i) => ({
    code: codes[i % codes.length],
    clientId: randomUUID(),
    satisfaction: (i % 5) + 1,
    liked: i % 2 ? '实验很有趣，孩子们很喜欢' : '',
    suggest: `建议 ${i}：多来几次`,
  }));
  await run('people (one address each)', base, people, (i) => ({ 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }));
  const spam = Array.from({ length: N }, (_, i) => ({ code: codes[0], clientId: randomUUID(), text: `广告 ${i}` }));
  await run('one spammer (one address)', base, spam, () => ({ 'x-forwarded-for': '192.0.2.66' }));

  // The sync routes beside it: one phone's single-event pushes, quiet and under a public flood.
  const domain = await loadDomain(join(ROOT, 'dist-server'), ROOT);
  const events = makeEvents(domain, SYNC_N * 5, 7);
  const clientId = randomUUID();
  let seq = 0;
  const pushOne = async (e) => {
    seq += 1;
    const t = performance.now();
    const res = await fetch(`${base}/api/sync/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        v: 1,
        clientId,
        mutations: [{ entity: 'event', op: 'put', seq, eventId: e.id, fields: domain.event.eventFieldsOf(e), at: e.updatedAt }],
      }),
    });
    const body = await res.json();
    if (!res.ok || body.results?.[0]?.status !== 'applied') throw new Error(`push: HTTP ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
    return performance.now() - t;
  };
  const pushes = async (slice) => {
    const ms = [];
    for (const e of slice) ms.push(await pushOne(e));
    return summary(ms);
  };
  /** Pushes `slice` while `floodOnce(round)` runs again and again; the pushes' summary. */
  const underFlood = async (slice, floodOnce) => {
    let flooding = true;
    const flood = (async () => {
      for (let round = 1; flooding; round++) await floodOnce(round);
    })();
    const s = await pushes(slice);
    flooding = false;
    await flood;
    return s;
  };
  // A spammer from one address: what the limits are for (429 after 10 a minute).
  const spamFlood = async (round) => {
    const burst = Array.from({ length: N }, (_, i) => ({ code: codes[0], clientId: randomUUID(), text: `广告 ${round}-${i}` }));
    await run(`  spam flood round ${round} (one address)`, base, burst, () => ({ 'x-forwarded-for': '192.0.2.67' }));
  };
  // Many people at once, each under their limits (a botnet, or a whole county at one moment):
  // every submission is stored. Fresh codes each round so no per-code limit refuses them.
  const crowdFlood = async (round) => {
    const fresh = Array.from({ length: Math.ceil(N / 250) }, randomCode);
    const crowd = Array.from({ length: N }, (_, i) => ({
      code: fresh[i % fresh.length],
      clientId: randomUUID(),
      satisfaction: (i % 5) + 1,
      suggest: `建议 ${i}`,
    }));
    await run(`  crowd flood round ${round} (one address each)`, base, crowd, (i) => ({
      'x-forwarded-for': `172.${round & 255}.${(i >> 8) & 255}.${i & 255}`,
    }));
  };
  const quiet1 = await pushes(events.slice(0, SYNC_N));
  const spammed = await underFlood(events.slice(SYNC_N, 2 * SYNC_N), spamFlood);
  const quiet2 = await pushes(events.slice(2 * SYNC_N, 3 * SYNC_N));
  const crowded = await underFlood(events.slice(3 * SYNC_N, 4 * SYNC_N), crowdFlood);
  const quiet3 = await pushes(events.slice(4 * SYNC_N));
  const f = (x) => x.toFixed(1);
  const fmt = (x) => `${f(x.median)} ms (p95 ${f(x.p95)})`;
  const quietMedian = [quiet1, quiet2, quiet3].map((q) => q.median).sort((a, b) => a - b)[1];
  console.log(`sync push, one event, ${SYNC_N} in turn (${CONCURRENCY} public requests in flight during a flood):`);
  console.log(`  quiet ${fmt(quiet1)}, ${fmt(quiet2)}, ${fmt(quiet3)} — median of the three ${f(quietMedian)} ms`);
  console.log(`  during one address's spam (429s): ${fmt(spammed)} — ${(spammed.median / quietMedian).toFixed(2)}× quiet`);
  console.log(`  during a crowd of addresses (all stored): ${fmt(crowded)} — ${(crowded.median / quietMedian).toFixed(2)}× quiet`);
} finally {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  rmSync(dataDir, { recursive: true, force: true });
}
