/**
 * Gzipped JS+CSS the logging route loads before it first paints: a cold Chromium profile opens
 * /events/new on the built app (served by our server); every script and stylesheet requested
 * before the form's first field is painted counts, each gzipped (zlib level 9) from the built
 * file. Baseline: all JS+CSS of the build, gzipped the same way (what lazy loading avoids).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium, row } from '../lib.mjs';

const gz = (buf) => gzipSync(buf, { level: 9 }).length;

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

export async function run(ctx) {
  const app = await ctx.getAppServer();
  const browser = await launchChromium();
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.addInitScript(() => {
      // When the form's first field is in the DOM, note the time after the next frame (its paint).
      const mark = () => {
        if (document.querySelector('#ev-title')) {
          requestAnimationFrame(() => {
            window.__formPaint ??= performance.now();
          });
          return true;
        }
        return false;
      };
      new MutationObserver((_, obs) => {
        if (mark()) obs.disconnect();
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${app.base}/events/new`);
    await page.waitForFunction(() => typeof window.__formPaint === 'number');
    const entries = await page.evaluate(() => ({
      paint: window.__formPaint,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      res: performance
        .getEntriesByType('resource')
        .map((e) => ({ name: e.name, start: e.startTime, end: e.responseEnd, transfer: e.transferSize, encoded: e.encodedBodySize })),
    }));
    const before = entries.res.filter((e) => e.start < entries.paint && /\.(m?js|css)(\?|$)/.test(new URL(e.name).pathname));
    const files = before.map((e) => {
      const path = new URL(e.name).pathname;
      const body = readFileSync(join(ctx.distDir, decodeURIComponent(path)));
      return { path, raw: body.length, gz: gz(body), transfer: e.transfer };
    });
    const total = files.reduce((s, f) => s + f.gz, 0) / 1024;
    const transfer = files.reduce((s, f) => s + f.transfer, 0) / 1024;
    const all = walk(ctx.distDir).filter((p) => ['.js', '.css'].includes(extname(p)));
    const allGz = all.reduce((s, p) => s + gz(readFileSync(p)), 0) / 1024;
    const top = [...files]
      .sort((a, b) => b.gz - a.gz)
      .slice(0, 6)
      .map((f) => `${f.path.replace(/^\/assets\//, '')} ${(f.gz / 1024).toFixed(1)}`)
      .join(', ');
    ctx.log(`before first paint of the form (${entries.paint.toFixed(0)} ms): ${files.map((f) => `${f.path} ${(f.gz / 1024).toFixed(1)} KB`).join('; ')}`);
    return [
      row({
        id: 'bundle',
        value: total,
        unit: 'KB',
        baseline: { name: 'all JS+CSS of the build', value: allGz, unit: 'KB' },
        pass: total <= 150,
        note: `${files.length} files (${transfer.toFixed(1)} KB as served); largest (KB gz): ${top}`,
      }),
    ];
  } finally {
    await browser.close();
  }
}
