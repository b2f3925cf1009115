/**
 * Issue 5 in a real browser: the BUILT app on a 390×844 phone. The 2023 seed fixture is imported
 * through the import dialog (file chooser → event-import → repo.createEvents); /reports?year=2023
 * then shows the seed report's numbers and text; a target is set; every export downloads a file
 * that opens (XLSX read with excelts, DOCX unzipped, CSV's BOM checked); printing prints the
 * DOCX's document (same headings) on A4 with "— 1 —" page numbers (page.pdf read by poppler);
 * an event imported as 待审核 counts only after staff approve it on /review.
 * Screenshots go to test-artifacts/reports/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { Workbook, type Worksheet } from '@cj-tech-master/excelts';
import JSZip from 'jszip';
import { collectErrors, launchBrowser, newProfileDir, removeProfileDir, ROOT, screenshot, serveApp, type AppServer } from './harness';
import { buildReport } from '../../src/domain/report';
import { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
import { IMPORT_COLUMNS } from '../../src/domain/event-import';
import { seed2023Events } from '../fixtures/seed-2023';
import { loadHuidongPack } from '../fixtures/region-pack';

const FEATURE = 'reports';
const expected = buildReport(seed2023Events('reviewed'), [], {
  year: 2023,
  reviewedOnly: true,
  taxonomy: DEFAULT_TAXONOMY,
  pack: loadHuidongPack(),
  round: true,
}).narrative;
const downloads = mkdtempSync(join(tmpdir(), 'kl-reports-dl-'));

let server: AppServer;
let profile: string;
let ctx: BrowserContext;
let page: Page;
let errors: string[] = [];

const text = (testid: string) => page.locator(`[data-testid=${testid}]`).innerText();
async function cards(): Promise<string[]> {
  return page.locator('[data-testid=report-cards] .n').allInnerTexts();
}
async function importFile(path: string, status: 'reviewed' | 'submitted', expectSummary: string, expectDone: string): Promise<void> {
  if (!(await page.locator('[data-testid=import-panel]').isVisible())) await page.locator('[data-testid=import-open]').click();
  await page.locator('[data-testid=import-file]').setInputFiles(path);
  await page.locator('[data-testid=import-summary]').filter({ hasText: expectSummary }).waitFor();
  await page.locator(`[data-testid=import-panel] input[type=radio][value=${status}]`).check();
  await page.locator('[data-testid=import-confirm]').click();
  await page.locator('[data-testid=import-message]').filter({ hasText: expectDone }).waitFor();
}
async function download(testid: string): Promise<Buffer> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-testid=${testid}]`).click()]);
  const path = join(downloads, dl.suggestedFilename());
  await dl.saveAs(path);
  return readFileSync(path);
}

beforeAll(async () => {
  server = await serveApp();
  profile = newProfileDir();
  ctx = await launchBrowser(profile);
  page = ctx.pages()[0] ?? (await ctx.newPage());
  errors = collectErrors(page);
});

afterAll(async () => {
  await ctx?.close();
  await server?.stop();
  if (profile) removeProfileDir(profile);
});

describe('the 2023 report in the browser', () => {
  it('imports the seed fixture through the import dialog', async () => {
    await page.goto(`${server.url}/reports?year=2023`);
    await page.locator('[data-testid=reports-view]').waitFor();
    expect(await text('local-staff-note')).toContain('未登录');
    await importFile(join(ROOT, 'tests/fixtures/seed-2023.csv'), 'reviewed', '共 53 行：53 行可导入，0 行有问题', '已导入 53 条活动');
    await screenshot(page, FEATURE, '01-import-done');
  });

  it("shows the seed report's numbers, tables and text for 2023", async () => {
    await page.locator('[data-testid=card-events] .n').filter({ hasText: '53' }).waitFor();
    expect(await cards()).toEqual(['53', '11617', '28680', '452.5']);
    const formats = await page.locator('[data-testid=table-format] tbody tr').allInnerTexts();
    expect(formats.map((r) => r.split('\t').map((c) => c.trim()))).toEqual([
      ['科普大篷车巡展', '5', '2730', '1500'],
      ['科普讲座/报告会', '6', '2530', '5400'],
      ['公开课', '7', '385', '0'],
      ['实验互动课堂', '5', '255', '0'],
      ['广场集中宣传', '2', '1900', '15000'],
      ['进村/进社区志愿服务', '24', '3252', '6000'],
      ['急救技术科普', '4', '565', '780'],
    ]);
    const lines = await page.locator('[data-testid=table-line] tbody tr').allInnerTexts();
    expect(lines.map((r) => [r.split('\t')[0]!.split('\n')[0], r.split('\t')[1]!.trim()])).toEqual([
      ['进村、进社区志愿服务', '24'],
      ['科普大篷车巡展', '5'],
      ['益智机械积木拼装公开课', '7'],
      ['急救技术科普活动', '4'],
      ['全国科技活动周主题活动', '3'],
      ['实验互动课堂课程', '5'],
      ['全国科普日广场集中宣传活动', '2'],
      ['科普日进社区进校园', '3'],
    ]);
    const cross = await page.locator('[data-testid=table-cross] tr').allInnerTexts();
    expect(cross[0]!.split('\t').map((c) => c.trim())).toEqual(['活动形式 / 专项', '全国科普日', '全国科技活动周', '无专项', '合计']);
    expect(
      cross
        .at(-1)!
        .split('\t')
        .map((c) => c.trim()),
    ).toEqual(['合计', '5', '3', '45', '53']);
    const campaigns = await page.locator('[data-testid=table-campaign] tbody tr').allInnerTexts();
    expect(campaigns[0]!.split('\t').map((c) => c.trim())).toEqual(['全国科普日', '5', '3530', '20400']);
    expect(await text('narrative-activities')).toBe(expected.activities);
    expect(await text('narrative-activities')).toContain('活动共派发各类科普宣传小册子、折页、环保袋等资料20000多份，惠及群众3500多人次');
    expect(await text('narrative-coverage')).toBe(expected.coverage);
    expect(await text('narrative-series')).toBe(
      '2023年“全国科普日”系列活动共5场次，活动共派发各类科普宣传小册子、折页、环保袋等资料20000多份，惠及群众3500多人次。',
    );
    await page.locator('[data-testid=narrative-round]').uncheck();
    await page.locator('[data-testid=narrative-activities]').filter({ hasText: '资料20400份，惠及群众3530人次' }).waitFor();
    await page.locator('[data-testid=narrative-round]').check();
    await page.locator('[data-testid=report-charts][data-ready="1"]').waitFor();
    await screenshot(page, FEATURE, '02-reports-top');
    await screenshot(page, FEATURE, '03-reports-full', true);
  });

  it('sets a target and shows 目标值 / 实际完成值 / 完成率', async () => {
    await page.locator('[data-testid=target-settings-toggle]').click();
    await page.locator('[data-testid=target-axis]').selectOption('format');
    await page.locator('[data-testid=target-code]').selectOption('caravan');
    await page.locator('[data-testid=target-min]').fill('5');
    await page.locator('[data-testid=target-name]').fill('科普大篷车巡展场次');
    await page.locator('[data-testid=target-save]').click();
    await page.locator('[data-testid=target-kind]').selectOption('coverage');
    await page.locator('[data-testid=target-min]').fill('2');
    await page.locator('[data-testid=target-name]').fill('每个镇街至少2场');
    await page.locator('[data-testid=target-save]').click();
    const rows = page.locator('[data-testid=target-table] tbody tr');
    await rows.nth(2).waitFor();
    const all = (await rows.allInnerTexts()).map((r) => r.split('\t').map((c) => c.trim()));
    expect(all[0]).toEqual(['科普大篷车巡展场次\n产出指标 · 数量指标', '5场次', '5', '100%\n已完成']);
    expect(all[1]).toEqual(['每个镇街至少2场\n产出指标 · 数量指标', '14', '6', '42.9%\n未完成']);
    expect(all[2]![0]).toBe('未达标：大岭街道(1)、白花镇(0)、铁涌镇(0)、平海镇(1)、多祝镇(0)、安墩镇(0)、高潭镇(0)、白盆珠镇(0)');
    await page.locator('[data-testid=target-table]').scrollIntoViewIfNeeded();
    await screenshot(page, FEATURE, '04-targets');
  });

  it("downloads an XLSX whose numbers equal the screen's", async () => {
    const wb = new Workbook();
    await wb.xlsx.load(await download('export-xlsx'));
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '汇总',
      '报告正文',
      '目标完成情况',
      '按乡镇',
      '按月',
      '活动明细',
      '志愿者名册',
      '按统计口径',
      '形式×专项',
      '整体绩效自评表',
    ]);
    const col = (ws: Worksheet, label: string) => {
      let out: unknown[] = [];
      ws.eachRow((r) => {
        if (r.getCell(1).value === label) out = (r.values as unknown[]).slice(1);
      });
      return out;
    };
    const sum = wb.getWorksheet('汇总')!;
    expect([col(sum, '活动场次')[1], col(sum, '惠及群众（人次）')[1], col(sum, '派发资料（份）')[1], col(sum, '志愿服务时长（小时）')[1]]).toEqual([
      53, 11617, 28680, 452.5,
    ]);
    expect(col(wb.getWorksheet('目标完成情况')!, '产出指标').slice(0, 7)).toEqual(['产出指标', '数量指标', '每个镇街至少2场', '场次', 14, 6, 6 / 14]);
    expect(col(wb.getWorksheet('按乡镇')!, '平山街道').slice(0, 4)).toEqual(['平山街道', 30, expect.any(Number), expect.any(Number)]);
    expect(wb.getWorksheet('活动明细')!.rowCount).toBe(54);
    // Times are date cells; 填报人 is a person's name (or this phone), never an id.
    const detail = wb.getWorksheet('活动明细')!;
    const head = (detail.getRow(1).values as unknown[]).slice(1);
    expect(detail.getRow(2).getCell(head.indexOf('开始时间') + 1).value).toBeInstanceOf(Date);
    expect(String(detail.getRow(2).getCell(head.indexOf('填报人') + 1).value)).not.toMatch(/^[0-9a-f-]{8,}$|^u-/);
    expect(wb.getWorksheet('志愿者名册')!.rowCount).toBe(155);
  });

  it('staff add a report line, point a target at it, and edit a clause for the year', async () => {
    // The line editor sits under the target settings (opened above).
    await page.locator('[data-testid=line-add]').click();
    await page.locator('[data-testid=line-name]').fill('大篷车进校园');
    await page.locator('[data-testid=line-formats-caravan]').check();
    await page.locator('[data-testid=line-venues-school]').check();
    await page.locator('[data-testid=line-save]').click();
    await page.locator('[data-testid=line-status]').filter({ hasText: '统计口径已保存' }).waitFor();
    const row = page.locator('[data-testid=table-line] tbody tr').filter({ hasText: '活动形式：科普大篷车巡展；场所类型：校园' });
    await row.waitFor();
    expect((await row.innerText()).split('\t').map((c) => c.trim())).toEqual([
      '大篷车进校园\n活动形式：科普大篷车巡展；场所类型：校园',
      '3',
      expect.any(String),
      expect.any(String),
      '3场同时计入：科普大篷车巡展',
    ]);
    // A line with no condition is refused and nothing changes.
    await page.locator('[data-testid=line-add]').click();
    await page.locator('[data-testid=line-name]').fill('全部');
    await page.locator('[data-testid=line-save]').click();
    await page.locator('[data-testid=line-status]').filter({ hasText: '请至少选择一个条件' }).waitFor();
    expect(await page.locator('[data-testid=line-row]').count()).toBe(9);
    await page.locator('[data-testid=line-form] button', { hasText: '取消' }).click();

    await page.locator('[data-testid=target-kind]').selectOption('count');
    await page.locator('[data-testid=target-axis]').selectOption('line');
    await page.locator('[data-testid=target-code]').selectOption('volunteer-service');
    await page.locator('[data-testid=target-min]').fill('24');
    await page.locator('[data-testid=target-name]').fill('进村进社区志愿服务');
    await page.locator('[data-testid=target-save]').click();
    const target = page.locator('[data-testid=target-table] tbody tr').filter({ hasText: '进村进社区志愿服务' });
    await target.waitFor();
    expect(
      (await target.innerText())
        .split('\t')
        .map((c) => c.trim())
        .slice(1),
    ).toEqual(['24场次', '24', '100%\n已完成']);

    await page.locator('[data-testid=clause-editor] summary').click();
    const five = page.locator('[data-testid="clause-line:sci-tech-week"]');
    await five.locator('[data-testid=clause-edit]').click();
    await five.locator('[data-testid=clause-draft]').fill('五是开展“热爱科学 崇尚科学”科技活动周主题活动3场次');
    await five.locator('[data-testid=clause-save]').click();
    await five.locator('[data-testid=clause-edited]').waitFor();
    expect(await five.innerText()).toContain('自动生成：五是开展“热爱科学 崇尚科学”2023年全国科技活动周主题活动3场次');
    expect(await text('narrative-activities')).toContain('；五是开展“热爱科学 崇尚科学”科技活动周主题活动3场次；六是');
    await five.scrollIntoViewIfNeeded();
    await screenshot(page, FEATURE, '04b-clause-edited');
    await page.locator('[data-testid=line-settings]').scrollIntoViewIfNeeded();
    await screenshot(page, FEATURE, '04c-report-lines');
    await page.locator('[data-testid=table-line]').scrollIntoViewIfNeeded();
    await screenshot(page, FEATURE, '04d-line-table');
  });

  it('downloads a DOCX with the title, narrative and tables', async () => {
    const zip = await JSZip.loadAsync(await download('export-docx'));
    const xml = await zip.file('word/document.xml')!.async('string');
    const plain = xml.replace(/<[^>]+>/g, '');
    expect(plain).toContain('惠东县2023年科普活动统计报告');
    expect(plain).toContain(expected.clauses[0]!.text);
    // The clause staff edited for 2023 prints as edited.
    expect(plain).toContain('五是开展“热爱科学 崇尚科学”科技活动周主题活动3场次');
    expect(plain).toContain('未覆盖镇街（6个）：白花镇、铁涌镇、多祝镇、安墩镇、高潭镇、白盆珠镇');
  });

  it('downloads a CSV that starts with the UTF-8 BOM and keeps its Chinese', async () => {
    const bytes = await download('export-csv');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]!.startsWith('编号,活动名称,开始时间')).toBe(true);
    expect(lines.filter((l) => l !== '')).toHaveLength(54);
    expect(lines[1]).toContain('传统文化科普进社区志愿服务');
  });

  it('prints the DOCX document on A4 in the official layout, without navigation and controls', async () => {
    // The DOCX's headings (Heading1/Heading2 paragraphs) and table captions, in order.
    const zip = await JSZip.loadAsync(await download('export-docx'));
    const xml = await zip.file('word/document.xml')!.async('string');
    const docxHeads = [...xml.matchAll(/<w:p>(?:(?!<\/w:p>)[\s\S])*?<w:pStyle w:val="(Heading1|Heading2)"\/>[\s\S]*?<\/w:p>/g)].map((m) =>
      [...m[0].matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''),
    );
    expect(docxHeads[0]).toBe('一、总体情况');
    // The print view loads when printing is asked for (打印, or the browser's beforeprint).
    expect(await page.locator('[data-testid=print-document]').count()).toBe(0);
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    await page.locator('[data-testid=print-document]').waitFor({ state: 'attached' });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.van-tabbar').isVisible()).toBe(false);
    expect(await page.locator('[data-testid=export-buttons]').isVisible()).toBe(false);
    expect(await page.locator('[data-testid=table-township]').isVisible()).toBe(false);
    expect(await page.locator('[data-testid=print-document]').isVisible()).toBe(true);
    // Same sections, order and headings as the DOCX.
    expect(await page.locator('[data-testid=print-document] :is(h2, h3)').allInnerTexts()).toEqual(docxHeads);
    expect(await text('print-title')).toBe('惠东县2023年科普活动统计报告');
    const pdfPath = join(downloads, 'print.pdf');
    writeFileSync(pdfPath, await page.pdf({ preferCSSPageSize: true, printBackground: true }));
    await page.emulateMedia({ media: 'screen' });
    expect(await page.locator('[data-testid=print-document]').isVisible()).toBe(false);
    const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
    expect(run('pdfinfo', [pdfPath])).toMatch(/Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
    const raw = run('pdftotext', ['-raw', pdfPath, '-']);
    const squeezed = raw.replace(/\s+/g, '');
    expect(squeezed).toContain('惠东县2023年科普活动统计报告');
    expect(squeezed).toContain(expected.coverage.replace(/\s+/g, ''));
    expect(squeezed).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
    // Chromium draws the page's margin boxes first: a page's number follows its form feed.
    const numbers = [...raw.matchAll(/^\f?— (\d+) —$/gm)].map((m) => Number(m[1]));
    expect(numbers).toEqual(Array.from({ length: Number(run('pdfinfo', [pdfPath]).match(/Pages:\s+(\d+)/)![1]) }, (_, i) => i + 1));
    mkdirSync(join(ROOT, 'test-artifacts', FEATURE), { recursive: true });
    run('pdftoppm', ['-r', '50', '-png', '-f', '1', '-l', '2', pdfPath, join(ROOT, 'test-artifacts', FEATURE, '05-print-page')]);
  });

  it('counts an event imported as 待审核 only after staff approve it on /review', async () => {
    const csv = join(downloads, 'one.csv');
    const headers = IMPORT_COLUMNS.map((c) => c.header);
    const row = IMPORT_COLUMNS.map((c) => (c.key === 'title' ? '白花镇科普进村' : c.key === 'township' ? '白花镇' : c.key === 'village' ? '' : c.example));
    writeFileSync(csv, '\uFEFF' + [headers, row].map((r) => r.join(',')).join('\r\n'));
    await importFile(csv, 'submitted', '共 1 行：1 行可导入，0 行有问题', '已导入 1 条活动');
    // The one counting basis (计入): 全部已提交 counts the new event at once, 已审核 only after approval.
    await page.locator('.kl-basis__option', { hasText: '已审核' }).click();
    await page.locator('[data-testid=card-events] .n').filter({ hasText: '53' }).waitFor();
    expect(await cards()).toEqual(['53', '11617', '28680', '452.5']);
    expect(await text('report-scope')).toBe('按已审核计');
    await page.locator('.kl-basis__option', { hasText: '全部已提交' }).click();
    await page.locator('[data-testid=card-events] .n').filter({ hasText: '54' }).waitFor();
    expect(await text('report-scope')).toBe('按全部已提交计');
    await page.locator('.kl-basis__option', { hasText: '已审核' }).click();
    await page.locator('[data-testid=card-events] .n').filter({ hasText: '53' }).waitFor();

    await page.locator('[data-testid=review-link]').click();
    await page.locator('[data-testid=review-item]').first().waitFor();
    expect(await page.locator('[data-testid=review-item]').count()).toBe(1);
    await page.locator('[data-testid=review-item] button.row').click();
    await page.locator('[data-testid=review-return]').click();
    expect(await page.getByRole('alert').innerText()).toBe('请填写退回原因');
    await page.locator('[data-testid=review-reason]').fill('请补充照片');
    await page.locator('[data-testid=review-return]').click();
    await page.locator('[data-testid=returned-reason]').filter({ hasText: '退回原因：请补充照片' }).waitFor();
    await screenshot(page, FEATURE, '06-review-returned');
    await page.locator('[data-testid=returned-resubmit]').click();
    await page.locator('[data-testid=review-item]').first().waitFor();
    await page.locator('[data-testid=review-item] button.row').click();
    await screenshot(page, FEATURE, '07-review-open');
    await page.locator('[data-testid=review-approve]').click();
    await page.getByText('没有待审核的活动').waitFor();

    await page.goto(`${server.url}/reports?year=2023`);
    await page.locator('[data-testid=card-events] .n').filter({ hasText: '54' }).waitFor();
    expect(await text('narrative-coverage')).toContain('覆盖全县14个镇街中的9个');
    expect(errors).toEqual([]);
  });
});
