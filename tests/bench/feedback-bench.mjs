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
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const N = Number(process.env.N ?? 2000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
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
} finally {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  rmSync(dataDir, { recursive: true, force: true });
}
