import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
const ROOT = process.cwd();
const route = process.argv[2] ?? '/';
const port = 18000 + Math.floor(Math.random() * 1000);
const dataDir = mkdtempSync(join(tmpdir(), 'kl-prof-'));
const child = spawn(process.execPath, ['dist-server/server/main.js'], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, STATIC_DIR: process.env.KL_DIST ?? resolve(ROOT, 'dist'), LOG_LEVEL: 'warn' }, stdio: 'ignore' });
for (let i = 0; i < 100; i++) { try { if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) break; } catch {} await new Promise(r => setTimeout(r, 100)); }
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--lang=zh-CN'] });
const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
const page = await ctx.newPage();
const cdp = await ctx.newCDPSession(page);
await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
const longTasks = [];
await page.addInitScript(() => { window.__lt = []; new PerformanceObserver(l => { for (const e of l.getEntries()) window.__lt.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: 'longtask', buffered: true }); });
await page.goto(`http://127.0.0.1:${port}${route}`);
await page.waitForTimeout(Number(process.argv[3] ?? 6000));
const { profile } = await cdp.send('Profiler.stop');
console.log('long tasks', JSON.stringify(await page.evaluate(() => window.__lt)));
console.log('paint', JSON.stringify(await page.evaluate(() => performance.getEntriesByType('paint').map(e => [e.name, Math.round(e.startTime)]))));
// self time by url and by function
const byId = new Map(profile.nodes.map(n => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas; let total = 0;
for (let i = 0; i < profile.samples.length; i++) { const n = byId.get(profile.samples[i]); const d = dt[i] ?? 0; total += d; const cf = n.callFrame; const key = `${(cf.url || '(' + cf.functionName + ')').replace(/.*\/assets\//, '')}`; self.set(key, (self.get(key) ?? 0) + d); }
const fself = new Map();
for (let i = 0; i < profile.samples.length; i++) { const n = byId.get(profile.samples[i]); const d = dt[i] ?? 0; const cf = n.callFrame; if (!cf.url) continue; const key = `${cf.functionName || '(anon)'} ${cf.url.replace(/.*\/assets\//, '')}:${cf.lineNumber}:${cf.columnNumber}`; fself.set(key, (fself.get(key) ?? 0) + d); }
const top = (m, k) => [...m].filter(([x]) => !/idle|program/.test(x)).sort((a, b) => b[1] - a[1]).slice(0, k).map(([x, v]) => `${(v / 1000).toFixed(0).padStart(6)}ms ${x}`).join('\n');
console.log('by url (self ms, 4x throttled):\n' + top(self, 20));
console.log('by function:\n' + top(fself, 30));

// inclusive time per function within the long tasks
{
  const parent = new Map(); for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const lt = await Promise.resolve(JSON.parse(process.env.LT ?? '[]'));
  let t = profile.startTime; const incl = new Map();
  const navStart = profile.startTime; // approx
  for (let i = 0; i < profile.samples.length; i++) {
    t += dt[i] ?? 0;
    const seen = new Set(); let id = profile.samples[i];
    while (id) { const cf = byId.get(id).callFrame; const key = `${cf.functionName || '(anon)'} ${cf.url.replace(/.*\/assets\//, '')}:${cf.lineNumber}`; if (!seen.has(key)) { seen.add(key); incl.set(key, (incl.get(key) ?? 0) + (dt[i] ?? 0)); } id = parent.get(id); }
  }
  console.log('inclusive:\n' + [...incl].filter(([k]) => !/^\(root\)|^\(program\)|^\(idle\)/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 60).map(([k, v]) => `${(v / 1000).toFixed(0).padStart(6)}ms ${k}`).join('\n'));
}
await browser.close(); child.kill();
