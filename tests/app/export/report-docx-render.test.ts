// The DOCX as a reader sees it: the real builder's file rendered by LibreOffice (headless) to PDF,
// then to page images (pdftoppm). Checks the page size, the page count, the title, the 落款 and
// the page numbers in the PDF's text, and measures the margins and the page numbers' sides on
// the rendered pages. CI installs soffice and poppler-utils (.ci/run). Set DOCX_RENDER_DIR to
// keep the PDF and the PNGs (to look at them).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_TAXONOMY } from '../../../src/domain/taxonomy';
import { buildReportBundle, type ReportBundle } from '../../../src/app/export/report-bundle';
import { reportDocxBytes } from '../../../src/app/export/docx';
import type { Target } from '../../../src/domain/targets';
import { pack, seedLedger } from '../import/seed-ledger';

const target = (i: number, over: Partial<Target>): Target => ({
  year: 2023,
  kind: 'count',
  measure: 'events',
  axis: 'all',
  axisCode: null,
  min: 1,
  level1: '产出指标',
  level2: '数量指标',
  level3: '',
  unit: '场次',
  id: `00000000-0000-7000-9000-${String(i).padStart(12, '0')}`,
  orgId: 'org-huidong',
  createdBy: 'u-staff-1',
  createdAt: '2023-01-02T09:00:00+08:00',
  updatedBy: 'u-staff-1',
  updatedAt: '2023-01-02T09:00:00+08:00',
  deleted: false,
  rev: 0,
  ...over,
});
// The widest table (9 columns, a long 说明) is laid out too.
const TARGETS: Target[] = [
  target(1, { axis: 'format', axisCode: 'caravan', min: 5, level3: '科普大篷车巡展场次' }),
  target(2, { measure: 'materials', min: 20000, unit: '份', level3: '发放科普宣传资料' }),
  target(3, { kind: 'coverage', min: 2, level2: '社会效益指标', level3: '每个镇街至少开展活动2场次' }),
];

const run = promisify(execFile);
const keep = process.env.DOCX_RENDER_DIR;
const dir = keep ? (rmSync(keep, { recursive: true, force: true }), mkdirSync(keep, { recursive: true }), keep) : mkdtempSync(join(tmpdir(), 'kepu-docx-'));
/** pixels per mm at the resolution the pages are measured at (72 dpi). */
const PX_PER_MM = 72 / 25.4;

/** A binary PGM (P5) as written by pdftoppm -gray. */
function readPgm(path: string): { width: number; height: number; at: (x: number, y: number) => number } {
  const buf = readFileSync(path);
  const head = buf.subarray(0, 64).toString('latin1');
  const m = head.match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/)!;
  const width = Number(m[1]);
  const height = Number(m[2]);
  const offset = m[0].length;
  return { width, height, at: (x, y) => buf[offset + y * width + x]! };
}

/** The bounding box of the ink (pixels darker than 128) in rows [y0, y1). */
function inkBox(p: ReturnType<typeof readPgm>, y0 = 0, y1 = p.height) {
  let top = -1;
  let bottom = -1;
  let left = p.width;
  let right = -1;
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < p.width; x++) {
      if (p.at(x, y) < 128) {
        if (top < 0) top = y;
        bottom = y;
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  return { top, bottom, left, right };
}

let bundle: ReportBundle;
let pdfText: string;
let pdfInfo: string;
let pages: string[];
beforeAll(async () => {
  const { db } = await seedLedger('reviewed');
  bundle = buildReportBundle(await db.events.toArray(), TARGETS, {
    year: 2023,
    reviewedOnly: true,
    round: true,
    taxonomy: DEFAULT_TAXONOMY,
    pack,
    orgName: '惠东县科学技术协会',
    issuedAt: Date.parse('2024-01-15T10:00:00+08:00'),
  });
  const docx = join(dir, 'report.docx');
  writeFileSync(docx, await reportDocxBytes(bundle));
  // A profile of its own: another LibreOffice running on the machine does not take the job.
  const profile = `file://${join(dir, 'lo-profile')}`;
  await run('soffice', [`-env:UserInstallation=${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, docx], { timeout: 120_000 });
  const pdf = join(dir, 'report.pdf');
  pdfInfo = (await run('pdfinfo', [pdf])).stdout;
  // -raw: in content order, the spaces of "— 1 —" kept (-layout drops the narrow ones).
  pdfText = (await run('pdftotext', ['-raw', pdf, '-'])).stdout;
  await run('pdftoppm', ['-r', '72', '-gray', pdf, join(dir, 'page')]);
  await run('pdftoppm', ['-r', '60', '-png', pdf, join(dir, 'page')]);
  pages = readdirSync(dir)
    .filter((f) => /^page-\d+\.pgm$/.test(f))
    .sort()
    .map((f) => join(dir, f));
  if (keep) writeFileSync(join(dir, 'fonts.txt'), (await run('pdffonts', [pdf])).stdout);
}, 180_000);
afterAll(() => {
  if (!keep) rmSync(dir, { recursive: true, force: true });
});

describe('the report DOCX rendered by LibreOffice', () => {
  test('is A4, a plausible number of pages', () => {
    expect(pdfInfo).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    const n = Number(pdfInfo.match(/Pages:\s+(\d+)/)![1]);
    expect(n).toBeGreaterThanOrEqual(3);
    expect(n).toBeLessThanOrEqual(12);
    expect(pages).toHaveLength(n);
  });

  test('has the title, the 落款 and the page numbers as text', () => {
    // pdftotext puts a space between Chinese and digits: compare without white space.
    const squeezed = pdfText.replace(/\s+/g, '');
    expect(squeezed).toContain('惠东县2023年科普活动统计报告');
    expect(squeezed).toContain('惠东县科学技术协会');
    expect(squeezed).toContain('2024年1月15日');
    expect(squeezed).toContain(bundle.narrative.coverage.replace(/\s+/g, ''));
    const numbers = [...pdfText.matchAll(/^\f?— (\d+) —$/gm)].map((m) => Number(m[1]));
    expect(numbers).toEqual(pages.map((_, i) => i + 1));
    // The 落款 is the document's last text, above the last page number.
    const lastPage = pdfText
      .split('\f')
      .filter((p) => p.trim() !== '')
      .at(-1)!;
    const lines = lastPage
      .split('\n')
      .map((l) => l.replace(/\s+/g, ''))
      .filter((l) => l !== '');
    expect(lines.slice(-3)).toEqual(['惠东县科学技术协会', '2024年1月15日', `—${pages.length}—`]);
  });

  test('leaves the 天头 (37 mm) and 订口 (28 mm) white and writes inside the 156 mm 版心', () => {
    const first = readPgm(pages[0]!);
    // The text area, above the page number's band (the lowest 30 mm).
    const text = inkBox(first, 0, Math.round(first.height - 30 * PX_PER_MM));
    const mm = (px: number) => px / PX_PER_MM;
    // The first line's glyphs sit inside a 28.95 pt line that starts at 37 mm.
    expect(mm(text.top)).toBeGreaterThanOrEqual(36);
    expect(mm(text.top)).toBeLessThan(37 + 12);
    expect(mm(text.left)).toBeGreaterThanOrEqual(27);
    // GB/T 9704 allows ±1 mm; CJK punctuation at a line's end may hang into it.
    expect(mm(text.right)).toBeLessThanOrEqual(210 - 26 + 1 + 0.6);
  });

  test('puts odd page numbers at the right, even ones at the left, below the 版心', () => {
    for (const [i, path] of pages.slice(0, 2).entries()) {
      const p = readPgm(path);
      const band = inkBox(p, Math.round(p.height - 35 * PX_PER_MM), p.height);
      expect(band.top).toBeGreaterThan(0);
      const centre = (band.left + band.right) / 2 / p.width;
      if (i % 2 === 0) expect(centre).toBeGreaterThan(0.7);
      else expect(centre).toBeLessThan(0.3);
      // 一字线 7 mm under the 版心's lower edge (35 mm from the bottom): the number's top ~28 mm up.
      const fromBottom = (p.height - band.top) / PX_PER_MM;
      expect(fromBottom).toBeGreaterThan(20);
      expect(fromBottom).toBeLessThan(30);
    }
  });
});
