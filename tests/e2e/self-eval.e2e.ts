/**
 * Issue 14 §3 in a real browser: the BUILT app on a 390×844 phone. On /reports staff (the device
 * user, not signed in) add two indicators whose 实际值 no event records — 政府采购执行率 entered
 * with a note and evidence, scored in proportion; 部门预算资金支出率 scored by hand — see each
 * 得分 and the 自评表's total, edit the first one's value and see both change, and a bad value is
 * refused with nothing changed. Screenshot: test-artifacts/self-eval/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { auditA11y, collectErrors, launchBrowser, newProfileDir, removeProfileDir, screenshot, serveApp, type AppServer } from './harness';

const FEATURE = 'self-eval';
let server: AppServer;
let profile: string;
let ctx: BrowserContext;
let page: Page;
let errors: string[] = [];

const scores = () => page.locator('[data-testid=self-eval-row] [data-testid=self-eval-score]').allInnerTexts();
const total = () => page.locator('[data-testid=self-eval-total]').innerText();

async function addIndicator(f: {
  level1: string;
  level2: string;
  level3: string;
  weight: string;
  value: string;
  rule: string;
  score?: string;
  note?: string;
  evidence?: string;
  deviation?: string;
}) {
  await page.locator('[data-testid=target-source]').selectOption('manual');
  await page.locator('[data-testid=target-min]').fill('100');
  await page.locator('[data-testid=target-form] label', { hasText: '单位' }).locator('input').fill('%');
  await page.locator('[data-testid=target-form] label', { hasText: '一级指标' }).locator('input').fill(f.level1);
  await page.locator('[data-testid=target-form] label', { hasText: '二级指标' }).locator('input').fill(f.level2);
  await page.locator('[data-testid=target-name]').fill(f.level3);
  await page.locator('[data-testid=target-weight]').fill(f.weight);
  await page.locator('[data-testid=target-goal-text]').fill('100%');
  await page.locator('[data-testid=target-manual-value]').fill(f.value);
  await page.locator('[data-testid=target-value-note]').fill(f.note ?? '');
  await page.locator('[data-testid=target-evidence]').fill(f.evidence ?? '');
  await page.locator('[data-testid=target-rule]').selectOption(f.rule);
  if (f.score !== undefined) await page.locator('[data-testid=target-manual-score]').fill(f.score);
  await page.locator('[data-testid=target-deviation]').fill(f.deviation ?? '');
  await page.locator('[data-testid=target-save]').click();
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

describe('the scored 自评表 on the reports screen', () => {
  it('staff enter indicators with manual values and see each 得分 and the total', async () => {
    await page.goto(`${server.url}/reports?year=2023`);
    await page.locator('[data-testid=reports-view]').waitFor();
    await page.locator('[data-testid=target-settings-toggle]').click();
    await addIndicator({
      level1: '预算执行',
      level2: '资金管理',
      level3: '政府采购执行率',
      weight: '2',
      value: '50',
      rule: 'proportional',
      note: '采购计划20万元，执行10万元',
      evidence: '政府采购台账2023.xlsx',
      deviation: '未完成采购计划；按计划组织采购',
    });
    await page.locator('[data-testid=self-eval-total]').filter({ hasText: '自评得分 1 分（满分 2 分）' }).waitFor();
    await addIndicator({ level1: '预算执行', level2: '资金管理', level3: '部门预算资金支出率', weight: '9', value: '98.6', rule: 'manual', score: '8.5' });
    await page.locator('[data-testid=self-eval-total]').filter({ hasText: '自评得分 9.5 分（满分 11 分）' }).waitFor();
    expect(await scores()).toEqual(['1', '8.5']);
    const buy = page.locator('[data-testid=self-eval-row]').filter({ hasText: '政府采购执行率' });
    // At 390 px the levels sit under the indicator's name (their columns show on wider screens).
    expect((await buy.innerText()).split('\t').map((c) => c.trim())).toEqual([
      '政府采购执行率\n预算执行 · 资金管理',
      '2',
      '100%',
      '50%\n人工填报',
      '1',
      '未完成采购计划；按计划组织采购\n政府采购台账2023.xlsx',
    ]);
    expect(await page.locator('[data-testid=self-eval-sum]').innerText()).toBe('9.5');
  });

  it('editing the manual value rescores the row and the total; a bad value changes nothing', async () => {
    await page.locator('[data-testid=target-row]').filter({ hasText: '政府采购执行率' }).locator('[data-testid=target-edit]').click();
    expect(await page.locator('[data-testid=target-manual-value]').inputValue()).toBe('50');
    expect(await page.locator('[data-testid=target-evidence]').inputValue()).toBe('政府采购台账2023.xlsx');
    await page.locator('[data-testid=target-manual-value]').fill('-5');
    await page.locator('[data-testid=target-save]').click();
    await page.getByRole('status').filter({ hasText: 'manualValue: 不能小于 0' }).waitFor();
    expect(await total()).toBe('自评得分 9.5 分（满分 11 分）');
    // Still editing, with what was typed kept.
    expect(await page.locator('[data-testid=target-manual-value]').inputValue()).toBe('-5');
    await page.locator('[data-testid=target-manual-value]').fill('100');
    await page.locator('[data-testid=target-save]').click();
    await page.locator('[data-testid=self-eval-total]').filter({ hasText: '自评得分 10.5 分（满分 11 分）' }).waitFor();
    expect(await scores()).toEqual(['2', '8.5']);
    expect(await page.locator('[data-testid=target-row]').count()).toBe(2);
    await page.locator('[data-testid=self-eval]').scrollIntoViewIfNeeded();
    await screenshot(page, FEATURE, '01-self-eval-scored');
  });

  it('labels every control of the table and the editor, 44 px targets, AA contrast', async () => {
    const others = [
      '.van-tabbar',
      '.kl-sync-badge',
      '[data-testid=report-tables]',
      '.kl-report-charts',
      '.kl-import',
      '.kl-export',
      '.kl-narrative',
      '.controls',
      '.kl-line-settings',
      '.head',
    ];
    const f = await auditA11y(page, others);
    expect(f).toEqual({ unlabeled: [], smallTargets: [], lowContrast: [] });
    await page.locator('[data-testid=target-form]').scrollIntoViewIfNeeded();
    await screenshot(page, FEATURE, '02-indicator-editor');
    expect(errors).toEqual([]);
  });
});
