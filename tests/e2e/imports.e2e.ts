/**
 * Issue 10 "imports that cannot double the year" in a real browser: the BUILT app on a 390×844
 * phone. The seed fixture imports once; the same file again (and its GBK copy) is all 已存在; a
 * broken workbook after a good file leaves nothing importable and says why in Chinese; a file
 * with unknown names lists the allowed ones; the batch is undone as one unit after a confirm
 * dialog and an import of the same file brings the same events back. Screenshots go to
 * test-artifacts/imports/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { auditA11y, collectErrors, launchBrowser, newProfileDir, readStore, removeProfileDir, ROOT, screenshot, serveApp, type AppServer } from './harness';

const FEATURE = 'imports';
const files = mkdtempSync(join(tmpdir(), 'kl-imports-'));
const SEED = join(ROOT, 'tests/fixtures/seed-2023.csv');

let server: AppServer;
let profile: string;
let ctx: BrowserContext;
let page: Page;
let errors: string[] = [];

const text = (testid: string) => page.locator(`[data-testid=${testid}]`).innerText();
async function choose(path: string): Promise<void> {
  await page.locator('[data-testid=import-file]').setInputFiles(path);
  await page.locator('[data-testid=import-summary], [data-testid=import-error]').first().waitFor();
  await page.locator('[data-testid=import-message]').filter({ hasNotText: '正在检查' }).waitFor({ state: 'attached' });
}
async function liveEvents(): Promise<number> {
  return (await readStore<{ deleted: boolean }>(page, 'events')).filter((e) => !e.deleted).length;
}

beforeAll(async () => {
  server = await serveApp();
  profile = newProfileDir();
  ctx = await launchBrowser(profile);
  page = ctx.pages()[0] ?? (await ctx.newPage());
  errors = collectErrors(page);
  await page.goto(`${server.url}/reports?year=2023`);
  await page.locator('[data-testid=reports-view]').waitFor();
  await page.locator('[data-testid=import-open]').click();
});

afterAll(async () => {
  await ctx?.close();
  await server?.stop();
  if (profile) removeProfileDir(profile);
});

describe('importing past events in the browser', () => {
  it('imports the seed file once; the same file again, as UTF-8 or GBK, is all 已存在', async () => {
    await choose(SEED);
    expect(await text('import-summary')).toBe('seed-2023.csv：共 53 行：53 行可导入，0 行有问题，0 行已存在');
    expect(await text('import-source')).toBe('读取方式：UTF-8（带 BOM） 编码的文本表格，逗号分隔');
    await page.locator('[data-testid=import-confirm]').click();
    await page.locator('[data-testid=import-message]').filter({ hasText: '已导入 53 条活动，将随同步上传' }).waitFor();
    await page.locator('[data-testid=import-batch]').waitFor();

    await choose(SEED);
    expect(await text('import-summary')).toBe('seed-2023.csv：共 53 行：0 行可导入，0 行有问题，53 行已存在');
    expect(await page.locator('[data-testid=import-confirm]').isDisabled()).toBe(true);
    await page.locator('[data-testid=import-file]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await screenshot(page, FEATURE, '01-already-imported');

    await choose(join(ROOT, 'tests/fixtures/seed-2023-gbk.csv'));
    expect(await text('import-summary')).toBe('seed-2023-gbk.csv：共 53 行：0 行可导入，0 行有问题，53 行已存在');
    expect(await text('import-source')).toBe('读取方式：GBK/GB18030（Excel、WPS 的“CSV（逗号分隔）”） 编码的文本表格，逗号分隔');
    expect(await liveEvents()).toBe(53);
  });

  it('leaves nothing importable after a broken workbook, and says why in Chinese', async () => {
    const broken = join(files, '活动.xlsx');
    writeFileSync(broken, readFileSync(SEED));
    await choose(broken);
    expect(await page.locator('[data-testid=import-summary]').count()).toBe(0);
    expect(await page.locator('[data-testid=import-confirm]').count()).toBe(0);
    expect(await page.getByRole('alert').innerText()).toBe(
      '活动.xlsx：不是有效的 Excel（.xlsx）文件：文件可能已损坏、没有下载完整，或是改了扩展名的其他文件。请用 Excel 或 WPS 打开后另存为 .xlsx 或 CSV 再导入。',
    );
    await screenshot(page, FEATURE, '02-broken-workbook');
  });

  it('reads close names, lists the allowed values for unknown ones, and passes the phone audit', async () => {
    const csv = join(files, '手工表.csv');
    writeFileSync(
      csv,
      [
        '活动名称,开始时间,活动形式,场所类型,乡镇/街道,惠及人次,宣传资料',
        '巽寮湾海洋科普,2024-07-01 09:00,讲座,校园,巽寮度假区,80,科普小册子:50',
        '林场防火宣传,2024-07-02 09:00,广场集中宣传,广场,梁化林场,60,传单:100',
      ].join('\r\n'),
    );
    await choose(csv);
    expect(await text('import-summary')).toBe('手工表.csv：共 2 行：1 行可导入，1 行有问题，0 行已存在');
    expect(await text('import-source')).toBe('读取方式：UTF-8 编码的文本表格，逗号分隔');
    expect(await page.locator('[data-testid=import-problems] li').allInnerTexts()).toEqual([
      '第 3 行 · 乡镇/街道：不是本地区的乡镇/街道（梁化林场）。可填：平山街道、大岭街道、白花镇、梁化镇、稔山镇、铁涌镇、平海镇、吉隆镇、黄埠镇、多祝镇、安墩镇、高潭镇、宝口镇、白盆珠镇、巽寮滨海旅游度假区、惠东县港口海龟湾自然保护区',
      '第 3 行 · 宣传资料：不在分类目录中（传单）。可填：小册子、折页、环保袋、宣传伞、海报、其他资料',
    ]);
    expect(await page.locator('[data-testid=import-readings] li').allInnerTexts()).toEqual([
      '活动形式“讲座”按“科普讲座/报告会”导入',
      '乡镇/街道“巽寮度假区”按“巽寮滨海旅游度假区”导入',
      '宣传资料“科普小册子”按“小册子”导入',
    ]);
    await page.locator('[data-testid=import-file]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await screenshot(page, FEATURE, '03-problems-and-readings');
    const audit = await auditA11y(page, ['.van-tabbar', '.kl-reports > :not(.kl-import)']);
    expect(audit).toEqual({ unlabeled: [], smallTargets: [], lowContrast: [] });
  });

  it('undoes the seed batch as one unit after a confirm, and a new import of the file brings the same events back', async () => {
    const batch = page.locator('[data-testid=import-batch]').filter({ hasText: 'seed-2023.csv' });
    expect(await batch.innerText()).toMatch(/^seed-2023\.csv\n本机（未登录） · \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d · 53 行 已导入\n撤销本次导入$/);
    const ids = (await readStore<{ id: string }>(page, 'events')).map((e) => e.id).sort();
    await batch.locator('[data-testid=import-batch-undo]').click();
    await page.locator('.van-dialog__message').filter({ hasText: '撤销导入“seed-2023.csv”？将删除本次导入的 53 条活动' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('.van-dialog-bounce-enter-active, .van-fade-enter-active'));
    await screenshot(page, FEATURE, '04-undo-confirm');
    await page.locator('.van-dialog__confirm').click();
    await page.locator('[data-testid=import-batch-message]').filter({ hasText: '已撤销“seed-2023.csv”的导入，删除 53 条活动（将随同步上传）' }).waitFor();
    expect(await liveEvents()).toBe(0);
    await batch.filter({ hasText: '已撤销' }).waitFor();
    await screenshot(page, FEATURE, '05-undone');

    await choose(SEED);
    expect(await text('import-summary')).toBe('seed-2023.csv：共 53 行：53 行可导入，0 行有问题，0 行已存在');
    expect(await text('import-restoring')).toBe('其中 53 行是此前撤销的导入，导入后将恢复原活动');
    await page.locator('[data-testid=import-confirm]').click();
    await page.locator('[data-testid=import-message]').filter({ hasText: '已导入 53 条活动，将随同步上传（其中 53 条为恢复此前撤销的导入）' }).waitFor();
    expect(await liveEvents()).toBe(53);
    expect((await readStore<{ id: string }>(page, 'events')).map((e) => e.id).sort()).toEqual(ids);
    await page.locator('[data-testid=card-events] .n').filter({ hasText: '53' }).waitFor();
    await screenshot(page, FEATURE, '06-reimported', true);
    expect(errors).toEqual([]);
  });
});
