#!/usr/bin/env node
/**
 * `npm run bench`: every benchmark of issue 6, one table — figure, baseline measured in the same
 * run, ratio, target — printed and written to test-artifacts/bench/latest.json with the machine.
 *
 *   node tests/bench/run.mjs            full run: N = 10,000 events, 5 measured runs after 1 warm-up
 *   node tests/bench/run.mjs --quick    CI smoke run: small N, 1 run, no warm-up (keeps the scripts alive)
 *   node tests/bench/run.mjs --only=save-path,first-sync
 *   node tests/bench/run.mjs --profile  also CPU-profiles our browser-side runs (test-artifacts/bench/profiles/*.cpuprofile)
 *
 * Inputs (defaults suit `npm run build`): BENCH_DIST (built app, default dist/), BENCH_SERVER_DIST
 * (compiled server, default dist-server/), BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test;
 * "off" skips PostgreSQL), CHROMIUM_PATH (default /usr/bin/chromium).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ROWS, GROUPS, figureName, QUICK_SIZES, FULL_SIZES } from './rows.mjs';
import { RETRIES, fmtProfile, launchChromium, machine, profiled, renderTable } from './lib.mjs';
import { assertValid, loadDomain, makeEvents, toContent, toPouchDoc, toRow } from './fixtures.mjs';
import { startFront } from './front.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const profileDir = args.includes('--profile') ? join(fileURLToPath(new URL('../..', import.meta.url)), 'test-artifacts/bench/profiles') : null;
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const groups = GROUPS.filter((g) => !only || only.includes(g));

const N = Number(process.env.BENCH_N ?? (quick ? QUICK_SIZES.N : FULL_SIZES.N));
const M = Number(process.env.BENCH_M ?? (quick ? QUICK_SIZES.M : FULL_SIZES.M));
const plan = quick ? { reps: 1, warmup: 0 } : { reps: Number(process.env.BENCH_REPS ?? 5), warmup: 1 };
const distDir = resolve(ROOT, process.env.BENCH_DIST ?? 'dist');
const serverDir = resolve(ROOT, process.env.BENCH_SERVER_DIST ?? 'dist-server');
const outDir = join(ROOT, 'test-artifacts/bench');
mkdirSync(outDir, { recursive: true });

const t0 = Date.now();
const log = (msg) => process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);

// Servers, browsers and temp dirs to close, also when the run is interrupted.
const cleanup = [];
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping`);
    for (const f of cleanup.reverse()) {
      try {
        await f();
      } catch {
        /* going down anyway */
      }
    }
    process.exit(130);
  });
}

async function main() {
  const mach = machine();
  log(`machine: ${mach.cpu}, ${mach.cores} cores, ${mach.memoryGiB} GiB, Node ${mach.node}, ${mach.chromium}`);
  log(`N=${N} M=${M} reps=${plan.reps} warm-up=${plan.warmup} groups=${groups.join(',')}`);
  const results = new Map();
  let profilesOut = {};
  let failed = false;
  let peerAdapter = null;
  try {
    // 1. The bench page, built by Vite from the app's real modules.
    const pageDir = mkdtempSync(join(tmpdir(), 'kl-bench-page-'));
    cleanup.push(() => rmSync(pageDir, { recursive: true, force: true }));
    execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '-c', 'tests/bench/browser/vite.config.mjs', '--outDir', pageDir], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, BENCH_PAGE_MINIFY: profileDir ? '0' : '1' },
    });
    log('bench page built');

    // 2. The data: N realistic events, valid by the domain's own schema.
    if (!existsSync(join(serverDir, 'domain/event.js'))) throw new Error(`${serverDir}/domain is missing: run npm run build (or set BENCH_SERVER_DIST)`);
    const domain = await loadDomain(serverDir, ROOT);
    const events = makeEvents(domain, N, 1);
    assertValid(domain, events);
    const rows = events.map((e) => toRow(domain, e));
    const contents = events.map((e) => toContent(domain, e));
    const docs = events.map(toPouchDoc);
    const rawJson = Buffer.from(JSON.stringify(events));
    const rawGzipBytes = gzipSync(rawJson).length;
    log(`${N} events generated: ${(rawJson.length / 1024).toFixed(0)} KB JSON, ${(rawGzipBytes / 1024).toFixed(0)} KB gzipped`);

    const front = await startFront({
      staticDir: pageDir,
      vendor: { '/vendor/pouchdb.min.js': join(ROOT, 'tests/bench/node_modules/pouchdb/dist/pouchdb.min.js') },
    });
    cleanup.push(() => front.close());
    front.setFile('rows.json', Buffer.from(JSON.stringify(rows)));
    front.setFile('contents.json', Buffer.from(JSON.stringify(contents)));
    front.setFile('docs.json', Buffer.from(JSON.stringify(docs)));
    front.setFile(
      'refs.json',
      Buffer.from(
        JSON.stringify({
          townshipCodes: domain.townships.map((t) => t.code),
          villageTownship: [...domain.villagesOf].flatMap(([t, vs]) => vs.map((v) => [v, t])),
        }),
      ),
    );

    // 3. The peer (express-pouchdb), seeded with the same N events.
    const needsPeer = groups.some((g) => ['first-sync', 'push', 'wire-bytes', 'latency-proxy', 'server-ingest'].includes(g));
    let peer = null;
    if (needsPeer) {
      const { startPeer } = await import('./peer.mjs');
      peer = await startPeer(docs);
      cleanup.push(() => peer.stop());
      front.setUpstream('/couch', { port: peer.port, strip: true });
      log(`express-pouchdb (${peer.adapter}) on ${peer.port}, pull-src seeded with ${N} docs`);
      peerAdapter = peer.adapter;
    }

    // 4. Our server (when it is built), seeded with the same N events.
    const { startOurs } = await import('./ours.mjs');
    let ours;
    try {
      ours = await startOurs({ serverDir, distDir, events, domain, front, log, needed: needsPeer || groups.includes('round-trips') });
    } catch (e) {
      failed = true;
      log(`our server FAILED: ${e?.stack ?? e}`);
      ours = { ok: false, reason: `our server failed: ${String(e?.message ?? e).split('\n')[0]}`, stop: async () => {} };
    }
    cleanup.push(() => ours.stop());
    if (!ours.ok) log(`our sync figures not measured: ${ours.reason}`);

    // 5. Chromium with the bench page.
    const browser = await launchChromium();
    cleanup.push(() => browser.close());
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(600_000);
    await page.goto(front.origin + '/');
    await page.waitForFunction(() => window.__bench?.ready === true);
    if (ours.ok) await ours.attachPage(page);

    // The built app as users get it: served by our server (compression and cache headers included).
    let appServer = null;
    const getAppServer = async () => {
      if (appServer) return appServer;
      if (!existsSync(join(distDir, 'index.html'))) throw new Error(`${distDir}/index.html is missing: run npm run build (or set BENCH_DIST)`);
      const { startServer } = await import('./ours.mjs');
      appServer = await startServer(serverDir, { staticDir: distDir });
      cleanup.push(() => appServer.stop());
      return appServer;
    };
    const profiles = {};
    const prof = async (name, fn) => {
      const r = await profiled(page, profileDir, name, fn);
      if (r.profile) {
        profiles[name] = r.profile;
        log(fmtProfile(name, r.profile));
      }
      return r.result;
    };
    const ctx = {
      profileDir,
      prof,
      profiles,
      getAppServer,
      quick,
      plan,
      N,
      M,
      ROOT,
      distDir,
      serverDir,
      domain,
      events,
      rows,
      rawGzipBytes,
      front,
      peer,
      ours,
      page,
      browser,
      shared: {},
      log,
    };
    profilesOut = profiles;
    for (const g of groups) {
      log(`— ${g}`);
      try {
        const mod = await import(`./groups/${g}.mjs`);
        for (const r of await mod.run(ctx)) results.set(r.id, r);
      } catch (e) {
        failed = true;
        log(`${g} FAILED: ${e?.stack ?? e}`);
        for (const r of ROWS.filter((x) => x.group === g && !results.has(x.id))) {
          results.set(r.id, {
            id: r.id,
            value: null,
            unit: '',
            baseline: null,
            ratio: null,
            pass: null,
            note: `ERROR: ${String(e?.message ?? e).split('\n')[0]}`,
          });
        }
      }
    }
  } catch (e) {
    failed = true;
    log(`setup FAILED: ${e?.stack ?? e}`);
  } finally {
    while (cleanup.length) {
      const f = cleanup.pop();
      try {
        await f();
      } catch (e) {
        log(`cleanup: ${e?.message ?? e}`);
      }
    }
  }

  const sizes = { N, M };
  const table = ROWS.filter((r) => groups.includes(r.group)).map((r) => {
    const got = results.get(r.id) ?? { id: r.id, value: null, unit: '', baseline: null, ratio: null, pass: null, note: 'not run' };
    return { ...got, group: r.group, figure: figureName(r, sizes), target: r.target };
  });
  let text = renderTable(table);
  if (RETRIES.length) text += `\n\nRuns that failed and were retried once:\n${RETRIES.map((r) => `- ${r}`).join('\n')}`;
  if (Object.keys(profilesOut).length)
    text += `\n\nProfiles (last measured run; .cpuprofile files in test-artifacts/bench/profiles):\n${Object.entries(profilesOut)
      .map(([k, p]) => `- ${fmtProfile(k, p)}`)
      .join('\n')}`;
  const m = machine();
  const header =
    `Kepu Ledger bench — ${quick ? 'QUICK (CI smoke: small N, 1 run; figures not meaningful)' : `medians of ${plan.reps} runs after ${plan.warmup} warm-up`}, N=${N.toLocaleString('en-US')}, M=${M.toLocaleString('en-US')}\n` +
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}, ${m.chromium}; load average ${m.loadAvg1m} at the end\n` +
    (peerAdapter ? `peer: express-pouchdb 4.2 over PouchDB 9 (${peerAdapter === 'leveldb' ? 'LevelDB on disk' : 'databases in memory'})\n` : '');
  process.stdout.write(`\n${header}\n${text}\n`);
  const json = { quick, sizes, plan, machine: m, peerAdapter, durationS: (Date.now() - t0) / 1000, rows: table, retries: RETRIES, profiles: profilesOut };
  // latest.json is the whole table of a full run; a quick, partial (--only) or profiling run writes its own file.
  const base = quick ? 'latest-quick' : only || profileDir ? 'latest-partial' : 'latest';
  writeFileSync(join(outDir, `${base}.json`), JSON.stringify(json, null, 2));
  writeFileSync(join(outDir, `${base}.md`), `${header}\n${text}\n`);
  log(`written ${join(outDir, `${base}.json`)} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
  // Child processes and sockets are closed; do not wait on stray timers.
  setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref();
}
