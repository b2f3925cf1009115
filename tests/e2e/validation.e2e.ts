/**
 * Issue 10 "input that cannot be true", in a real browser on the BUILT app at 390×844: an empty
 * title gets the same red border as the selects; 惠及人次 starts empty and says 必填; a typed 0 is
 * marked until the volunteer ticks 本次活动无现场群众, and then 0 is saved. Screenshots go to
 * test-artifacts/validation/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { auditA11y, collectErrors, launchBrowser, newProfileDir, readStore, removeProfileDir, screenshot, serveApp, type AppServer } from './harness';

const FEATURE = 'validation';
const PINGSHAN = '441323001000';
const RED = 'rgb(212, 40, 45)';
const GREY = 'rgb(200, 204, 210)';
const UNCONFIRMED = '人次为 0 请勾选“本次活动无现场群众”，否则请填写人数';

let server: AppServer;
let profile: string;
let ctx: BrowserContext;
let page: Page;
let errors: string[] = [];

/** The error Vant shows under the field that holds `selector`, or '' when there is none. */
async function fieldError(selector: string): Promise<string> {
  const msg = page.locator('.van-field', { has: page.locator(selector) }).locator('.van-field__error-message');
  return (await msg.count()) ? msg.innerText() : '';
}
const borderOf = (selector: string) => page.locator(selector).evaluate((el) => getComputedStyle(el).borderTopColor);

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

describe('the event form refuses what cannot be true', () => {
  it('starts with attendance empty and marks an empty title as red as the selects', async () => {
    await page.goto(`${server.url}/events/new`);
    await page.locator('#ev-attendance').waitFor();
    expect(await page.locator('#ev-attendance').inputValue()).toBe('');
    expect(await page.locator('#ev-noOnSiteAudience').getAttribute('aria-checked')).toBe('false');
    expect(await borderOf('#ev-title')).toBe(GREY);

    await page.locator('[data-test=save]').click();
    await page.locator('.van-field__error-message').first().waitFor();
    expect(await fieldError('#ev-title')).toBe('必填');
    expect(await fieldError('#ev-attendance')).toBe('必填');
    expect(await borderOf('#ev-title')).toBe(RED);
    expect(await borderOf('#ev-format')).toBe(RED);
    expect(await borderOf('#ev-attendance')).toBe(RED);
    await screenshot(page, FEATURE, '01-empty-form-errors', true);

    // The border goes back to grey once the title is typed.
    await page.locator('#ev-title').fill('科普视频号直播');
    await expect.poll(() => borderOf('#ev-title')).toBe(GREY);
  });

  it('marks a typed 0 until "no on-site audience" is ticked, and saves nothing meanwhile', async () => {
    await page.locator('#ev-format').selectOption('media');
    await page.locator('#ev-venue').selectOption('other');
    await page.locator('#ev-township').selectOption(PINGSHAN);
    await page.locator('#ev-attendance').fill('0');
    await expect.poll(() => fieldError('#ev-attendance')).toBe(UNCONFIRMED);
    expect(await borderOf('#ev-attendance')).toBe(RED);
    await page.locator('#ev-attendance').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await screenshot(page, FEATURE, '02-zero-unconfirmed');
    await page.locator('[data-test=save]').click();
    await expect.poll(() => page.evaluate(() => location.pathname)).toBe('/events/new');
    expect(await readStore(page, 'events')).toEqual([]);
  });

  it('saves 0 people once the volunteer ticks it, with a touch target a thumb can hit', async () => {
    const box = await page.locator('#ev-noOnSiteAudience').boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await page.locator('#ev-noOnSiteAudience').click();
    await expect.poll(() => fieldError('#ev-attendance')).toBe('');
    expect(await page.locator('#ev-noOnSiteAudience').getAttribute('aria-checked')).toBe('true');
    expect(await page.locator('#ev-attendance').inputValue()).toBe('0');
    await screenshot(page, FEATURE, '03-zero-confirmed');
    const a11y = await auditA11y(page, ['.kl-sync-badge']);
    expect(a11y).toEqual({ unlabeled: [], smallTargets: [], lowContrast: [] });

    await page.locator('[data-test=save]').click();
    await page.locator('[data-test=detail-attendance]').waitFor();
    expect(await page.locator('[data-test=detail-attendance] .van-cell__value').innerText()).toBe('0 人次');
    const events = await readStore<{ title: string; format: string; attendance: number }>(page, 'events');
    expect(events.map((e) => [e.title, e.format, e.attendance])).toEqual([['科普视频号直播', 'media', 0]]);
    expect(errors).toEqual([]);
  });
});
