/**
 * Shared pieces of the benchmark harness: statistics, interleaved repetitions, the machine
 * description, Chromium, child servers, and the result table.
 */
import { spawn, execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// ---------------------------------------------------------------- statistics

/** Median, min, max, p95 and count of a list of numbers. */
export function summary(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => {
    if (!s.length) return NaN;
    const i = (s.length - 1) * p;
    const lo = Math.floor(i);
    const hi = Math.ceil(i);
    return s[lo] + (s[hi] - s[lo]) * (i - lo);
  };
  return { median: q(0.5), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN, p95: q(0.95), n: s.length };
}

/**
 * Runs every variant `warmup + reps` times, interleaved run by run (A B C, A B C, …; the order
 * rotates so no variant always goes first), and returns the measured values of each variant
 * (warm-up runs dropped). `run()` returns a number or an object of numbers.
 */
/** Runs that failed and were retried once (printed under the table: a peer that fails is a fact too). */
export const RETRIES = [];

export async function interleave(variants, { reps, warmup }, log = () => {}) {
  const out = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let i = 0; i < warmup + reps; i++) {
    const order = variants.map((_, k) => variants[(k + i) % variants.length]);
    for (const v of order) {
      let value;
      try {
        value = await v.run(i);
      } catch (e) {
        const msg = String(e?.message ?? e)
          .split('\n')[0]
          .slice(0, 300);
        RETRIES.push(`${v.name}, run ${i + 1}: ${msg}`);
        log(`${v.name} failed (${msg}); retrying once`);
        value = await v.run(i);
      }
      log(`${i < warmup ? 'warm-up' : `run ${i - warmup + 1}/${reps}`} ${v.name}: ${fmtValue(value)}`);
      if (i >= warmup) out[v.name].push(value);
    }
  }
  return out;
}

function fmtValue(v) {
  if (typeof v === 'number') return fmtNum(v);
  return Object.entries(v)
    .map(([k, x]) => `${k}=${typeof x === 'number' ? fmtNum(x) : x}`)
    .join(' ');
}

/** The values of one key across runs. */
export const pluck = (runs, key) => runs.map((r) => (typeof r === 'number' ? r : r[key]));

// ---------------------------------------------------------------- the machine

/** CPU model, cores, memory, Node and Chromium versions, OS. */
export function machine() {
  let chromium = 'unknown';
  try {
    chromium = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    /* reported as unknown */
  }
  let os = 'linux';
  try {
    const rel = readFileSync('/etc/os-release', 'utf8');
    os = /PRETTY_NAME="([^"]+)"/.exec(rel)?.[1] ?? os;
  } catch {
    /* keep default */
  }
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    chromium,
    os,
    // The machine is shared: the 1-minute load average when the table was written says how busy.
    loadAvg1m: Math.round(loadavg()[0] * 10) / 10,
    date: new Date().toISOString(),
  };
}

// ---------------------------------------------------------------- Chromium

/** A fresh headless Chromium with its own profile (playwright-core, real Debian Chromium). */
export async function launchChromium(extraArgs = []) {
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'kl-bench-chrome-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport: { width: 390, height: 844 },
  });
  return context;
}

// ---------------------------------------------------------------- child processes

/**
 * Starts a Node child process and waits until it prints a line matching `ready` (or answers
 * HTTP on `port`). Returns { child, port, stop() }.
 */
export async function startChild(args, { env = {}, readyPattern, url, timeoutMs = 60_000, name = 'child' }) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const onData = (d) => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const deadline = Date.now() + timeoutMs;
  let match = null;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output.slice(-4000)}`);
    if (readyPattern) {
      match = readyPattern.exec(output);
      if (match) break;
    }
    if (url) {
      try {
        const r = await fetch(url);
        await r.arrayBuffer();
        match = [url];
        break;
      } catch {
        /* not yet */
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!match) {
    child.kill('SIGKILL');
    throw new Error(`${name} not ready after ${timeoutMs} ms:\n${output.slice(-4000)}`);
  }
  return {
    child,
    match,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await once(child, 'exit');
      clearTimeout(t);
    },
  };
}

/** A free TCP port on 127.0.0.1. */
export async function freePort() {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------- the table

export function fmtNum(x, digits) {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (digits !== undefined) return x.toFixed(digits);
  const a = Math.abs(x);
  if (Number.isInteger(x)) return a >= 1000 ? x.toLocaleString('en-US') : String(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

/** "median [min–max] unit" of a summary (or a single exact value). */
export function fmtStat(s, unit) {
  if (s === null || s === undefined) return '—';
  if (typeof s === 'number') return `${fmtNum(s)} ${unit}`.trim();
  if (s.n <= 1 || s.min === s.max) return `${fmtNum(s.median)} ${unit}`.trim();
  return `${fmtNum(s.median)} [${fmtNum(s.min)}–${fmtNum(s.max)}] ${unit}`.trim();
}

/**
 * One row of the table.
 * - figure: what is measured; value: summary or number; unit
 * - baseline: { name, value, unit } measured in the same run (or null for an absolute target)
 * - ratio: value / baseline median (or given)
 * - target: text; pass: true | false | null (not judged)
 */
export function row({ id, value, unit, baseline = null, ratio, pass = null, note = '', extra }) {
  const v = typeof value === 'number' ? value : value?.median;
  const b = baseline ? (typeof baseline.value === 'number' ? baseline.value : baseline.value?.median) : null;
  const r = ratio !== undefined ? ratio : b && v !== null && v !== undefined ? v / b : null;
  return { id, value, unit, baseline, ratio: r, pass, note, ...(extra ? { extra } : {}) };
}

/** Renders the rows as one plain-text table (also valid Markdown). */
export function renderTable(rows) {
  const head = ['figure', 'ours (median [min–max])', 'baseline (same run)', 'ratio', 'target', 'met'];
  const lines = rows.map((r) => [
    r.figure,
    fmtStat(r.value, r.unit),
    r.baseline ? `${r.baseline.name}: ${fmtStat(r.baseline.value, r.baseline.unit ?? r.unit)}` : '—',
    r.ratio === null || r.ratio === undefined ? '—' : `${fmtNum(r.ratio, 2)}×`,
    r.target || '—',
    r.pass === null ? (r.note ? 'n/a' : '—') : r.pass ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const out = [fmt(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...lines.map(fmt)];
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.figure}: ${r.note}`);
  return out.join('\n') + (notes.length ? `\n\nNotes:\n${notes.join('\n')}` : '');
}

// ---------------------------------------------------------------- profiles

/**
 * Wraps `fn` in a V8 CPU profile of the page's renderer (CDP Profiler) when `dir` is set: writes
 * <dir>/<name>.cpuprofile (open it in Chromium DevTools) and returns, besides fn's result, a
 * summary: wall time, the renderer's JS/GC/idle time and the functions with the most self time.
 * Time the renderer spends idle is time waited on IndexedDB (browser process) or the network.
 */
export async function profiled(page, dir, name, fn) {
  if (!dir) return { result: await fn(), profile: null };
  const { writeFileSync, mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await cdp.send('Profiler.start');
  const t0 = performance.now();
  const result = await fn();
  const wall = performance.now() - t0;
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.detach();
  writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  return { result, profile: summarizeProfile(profile, wall) };
}

/** Self time by function from a .cpuprofile, with idle, GC and program time apart. */
export function summarizeProfile(profile, wallMs) {
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (let i = 0; i < profile.samples.length; i++) {
    const n = byId.get(profile.samples[i]);
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const f = n.callFrame;
    const file = f.url ? f.url.split('/').pop().replace(/\?.*$/, '') : '';
    const key = f.url ? `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}` : f.functionName;
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = self.get('(idle)') ?? 0;
  const gc = self.get('(garbage collector)') ?? 0;
  const program = self.get('(program)') ?? 0;
  const top = [...self]
    .filter(([k]) => !['(idle)', '(garbage collector)', '(program)', '(root)'].includes(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([k, ms]) => ({ fn: k, ms: Math.round(ms) }));
  return {
    wallMs: Math.round(wallMs),
    sampledMs: Math.round(total),
    jsMs: Math.round(total - idle - gc - program),
    gcMs: Math.round(gc),
    programMs: Math.round(program),
    idleMs: Math.round(idle),
    top,
  };
}

/** One line per profile, for the log and the report. */
export function fmtProfile(name, p) {
  if (!p) return '';
  return `${name}: wall ${p.wallMs} ms — renderer JS ${p.jsMs}, GC ${p.gcMs}, program ${p.programMs}, idle (IndexedDB / network) ${p.idleMs}; top self: ${p.top
    .slice(0, 8)
    .map((t) => `${t.fn} ${t.ms}`)
    .join('; ')}`;
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); null when unknown. */
export function cpuMsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) in parentheses: utime is the 12th, stime the 13th.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = 100;
