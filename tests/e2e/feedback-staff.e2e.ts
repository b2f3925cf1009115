/**
 * 群众意见 (issue 15), the staff and volunteer side, in a real browser at 390×844 against the
 * BUILT app served by the REAL server on SQLite (a temp DATA_DIR):
 * - a volunteer's event detail shows 扫码评价; its QR code, drawn on the phone, reads back (jsqr) as
 *   `<origin>/f/<feedbackCodeOf(eventId)>`, and the detail shows the public's ratings of the event
 *   ("群众评价 2 条，平均 4.5 分"), never the people;
 * - staff see a public submission (POST /api/public/feedback) in 意见办理 with the phone masked,
 *   open it (the phone in full), accept, reply and close it;
 * - the staff home card counts an overdue item (logged with a receivedAt 20 days back);
 * - staff colour the coverage map by 满意度: the rated townships in greens by their mean, the rest
 *   无评价 (grey, not a gap), the legend and the township sheet say 平均满意度 x.x 分（n 条）; offline a
 *   new filter says it needs the network; a volunteer's map has no such choice;
 * - the year's XLSX carries the 群众意见办理台账 sheet when staff export online (text as text: `=1+1`
 *   is no formula), and offline it is written without it and the screen says so.
 * Screenshots go to test-artifacts/feedback-staff/; every screen passes auditA11y.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workbook } from '@cj-tech-master/excelts';
import { auditA11y, freePort, screenshot, startRealServer } from './harness';
import { Phones, go, serverApi, signIn, type Phone } from './phones';
import { eventFields, PINGSHAN } from './release';
import { modulesFromSvg, readQr } from '../app/components/admin/qr-read';
import { feedbackCodeOf } from '../../src/domain/feedback';

const FEATURE = 'feedback-staff';
const PASSWORD = 'kepu-ledger-2026';
const CLEAN = { unlabeled: [], smallTargets: [], lowContrast: [] };
/** Other features' parts of the screen, judged by their own tests. */
const OTHERS = ['[data-testid=sync-badge]', '.van-tabbar', '.van-toast'];

let base = '';
let dataDir = '';
let proc: ChildProcess | null = null;
let staffToken = '';
let volunteerToken = '';
const eventId = randomUUID();
/** A second event, in 吉隆镇, rated lower: two classes on the map. */
const JILONG = '441323109000';
const jilongEventId = randomUUID();
const phones = new Phones();
const api = serverApi(() => base);

/** What a person sends from the public page. */
const submit = (body: Record<string, unknown>) =>
  api<{ queryCode: string; ref: string }>('POST', '/api/public/feedback', null, { clientId: randomUUID(), website: '', ...body });

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'kl-feedback-staff-e2e-'));
  const server = await startRealServer(port, dataDir);
  proc = server.child;
  const admin = await api<{ token: string }>('POST', '/api/setup', null, {
    code: server.setupCode,
    orgName: '惠东县科协',
    adminName: '李管理',
    username: 'lee',
    password: PASSWORD,
  });
  await api('POST', '/api/users', admin.token, { role: 'staff', name: '王干事', username: 'wang', password: PASSWORD });
  staffToken = (await api<{ token: string }>('POST', '/api/login', null, { username: 'wang', password: PASSWORD })).token;
  const invite = await api<{ code: string }>('POST', '/api/invites', staffToken, {
    role: 'volunteer',
    expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    maxUses: 5,
  });
  volunteerToken = (
    await api<{ token: string }>('POST', '/api/join', null, { code: invite.code, name: '张志愿', phoneOrUsername: 'zhang', password: PASSWORD })
  ).token;
  // The volunteer's event, this year, as their phone pushes it.
  const year = new Date().getFullYear();
  await api('POST', '/api/sync/push', volunteerToken, {
    v: 1,
    clientId: randomUUID(),
    mutations: [
      {
        entity: 'event',
        op: 'put',
        seq: 1,
        eventId,
        fields: { ...eventFields('科普大篷车进平山中心小学'), startAt: `${year}-01-05T09:30:00+08:00`, endAt: `${year}-01-05T11:30:00+08:00` },
        at: `${year}-01-05T12:00:00+08:00`,
      },
    ],
  });
  await api('POST', '/api/sync/push', volunteerToken, {
    v: 1,
    clientId: randomUUID(),
    mutations: [
      {
        entity: 'event',
        op: 'put',
        seq: 1,
        eventId: jilongEventId,
        fields: {
          ...eventFields('科普讲座进吉隆社区'),
          townshipCode: JILONG,
          villageCode: null,
          format: 'lecture',
          startAt: `${year}-01-06T09:30:00+08:00`,
          endAt: `${year}-01-06T11:30:00+08:00`,
        },
        at: `${year}-01-06T12:00:00+08:00`,
      },
    ],
  });
  // Two ratings of the event from the public (and two of the 吉隆 one, counted on the map only).
  await submit({ code: feedbackCodeOf(eventId), satisfaction: 5, liked: '实验很有趣' });
  await submit({ code: feedbackCodeOf(eventId), satisfaction: 4 });
  await submit({ code: feedbackCodeOf(jilongEventId), satisfaction: 3 });
  await submit({ code: feedbackCodeOf(jilongEventId), satisfaction: 2, suggest: '=1+1' });
});

afterAll(async () => {
  await phones.closeAll();
  if (proc && proc.exitCode === null) {
    const p = proc;
    await new Promise((ok) => {
      p.once('exit', ok);
      p.kill('SIGTERM');
    });
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the volunteer’s event: QR code and ratings', () => {
  let volunteer: Phone;

  it('shows 扫码评价 and the public’s ratings on the event detail, never the people', async () => {
    volunteer = await phones.open('volunteer');
    await signIn(volunteer, base, 'zhang', PASSWORD);
    await go(volunteer, `/events/${eventId}`);
    const sat = volunteer.page.locator('[data-testid=event-satisfaction]');
    await sat.waitFor();
    expect(await sat.innerText()).toBe('群众评价 2 条，平均 4.5 分');
    expect(await volunteer.page.getByText('实验很有趣').count()).toBe(0);
    await screenshot(volunteer.page, FEATURE, '01-event-detail');
    expect(await auditA11y(volunteer.page, OTHERS)).toEqual(CLEAN);
  });

  it('opens the event’s QR code, which reads back as its public link', async () => {
    await volunteer.page.locator('[data-test=feedback-qr]').click();
    const qr = volunteer.page.locator('[data-testid=feedback-qr] svg');
    await qr.waitFor();
    const link = `${base}/f/${feedbackCodeOf(eventId)}`;
    expect(await volunteer.page.locator('[data-testid=feedback-link]').innerText()).toBe(link);
    const [viewBox, d] = await qr.evaluate((svg) => [svg.getAttribute('viewBox')!, svg.querySelector('path')!.getAttribute('d')!]);
    expect(readQr(modulesFromSvg(viewBox, d))).toBe(link);
    expect((await qr.boundingBox())!.width).toBeGreaterThanOrEqual(200);
    expect(await volunteer.page.locator('[data-testid=poster-title]').first().innerText()).toBe('科普大篷车进平山中心小学');
    await screenshot(volunteer.page, FEATURE, '02-event-qr', true);
    expect(await auditA11y(volunteer.page, OTHERS)).toEqual(CLEAN);
    // The print view: an A4 poster with the heading, the title and the QR code.
    await volunteer.page.emulateMedia({ media: 'print' });
    expect(await volunteer.page.locator('.van-nav-bar').isVisible()).toBe(false);
    expect(await volunteer.page.getByText('扫码评价本次活动').first().isVisible()).toBe(true);
    await screenshot(volunteer.page, FEATURE, '03-event-poster-print', true);
    await volunteer.page.emulateMedia({ media: 'screen' });
  });

  it('gives a volunteer’s map no 满意度, not even through a link', async () => {
    await go(volunteer, '/map?measure=satisfaction');
    await volunteer.page.locator('[data-testid=map-legend]').waitFor();
    expect(await volunteer.page.locator('[data-measure]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-measure')))).toEqual([
      'events',
      'attendance',
      'materials',
      'daysSince',
    ]);
    expect(await volunteer.page.locator('[data-measure=events]').getAttribute('aria-checked')).toBe('true');
    expect(await volunteer.page.locator('[data-testid=satisfaction-total]').count()).toBe(0);
  });
});

describe('意见办理 for staff', () => {
  let staff: Phone;
  let overdueRef = '';
  let publicRef = '';

  it('counts an overdue item on the staff home card', async () => {
    const logged = await api<{ ref: string }>('POST', '/api/feedback', staffToken, {
      channel: 'letter',
      category: 'inquiry',
      text: '来信咨询科普大篷车何时到我村',
      receivedAt: new Date(Date.now() - 20 * 86_400_000).toISOString(),
    });
    overdueRef = logged.ref;
    publicRef = (
      await submit({
        code: feedbackCodeOf((await api<{ user: { orgId: string } }>('GET', '/api/me', staffToken)).user.orgId),
        text: '希望多办<script>alert(1)</script>青少年科普讲座',
        category: 'suggestion',
        phone: '13812341234',
        consent: true,
      })
    ).ref;
    staff = await phones.open('staff');
    await signIn(staff, base, 'wang', PASSWORD);
    const card = staff.page.locator('[data-test=home-feedback]');
    await card.waitFor();
    await staff.page.locator('[data-test=home-feedback-overdue]').waitFor();
    expect(await staff.page.locator('[data-test=home-feedback-overdue]').innerText()).toBe('1 条已超期');
    await screenshot(staff.page, FEATURE, '04-home-card');
    expect(await auditA11y(staff.page, OTHERS)).toEqual(CLEAN);
  });

  it('sees the public submission in the inbox with the phone masked, accepts, replies and closes it', async () => {
    await staff.page.locator('[data-test=home-feedback]').click();
    await staff.page.waitForURL(`${base}/feedback`);
    const rows = staff.page.locator('[data-testid=feedback-row]');
    await rows.first().waitFor();
    // Overdue first; the event ratings and the box item follow.
    expect(await rows.first().innerText()).toContain(overdueRef);
    expect(await staff.page.locator('[data-testid=feedback-overdue]').count()).toBe(1);
    const row = rows.filter({ hasText: publicRef });
    expect(await row.innerText()).toContain('138****1234');
    expect(await row.innerText()).not.toContain('13812341234');
    expect(await row.innerText()).toContain('<script>alert(1)</script>');
    await screenshot(staff.page, FEATURE, '05-inbox', true);
    expect(await auditA11y(staff.page, OTHERS)).toEqual(CLEAN);

    await row.click();
    const state = staff.page.locator('[data-testid=feedback-state]');
    await state.waitFor();
    expect(await state.innerText()).toBe('待受理');
    expect(await staff.page.locator('[data-testid=feedback-phone]').innerText()).toContain('13812341234');
    await screenshot(staff.page, FEATURE, '06-item', true);
    expect(await auditA11y(staff.page, OTHERS)).toEqual(CLEAN);

    await staff.page.locator('[data-testid=feedback-accept]').click();
    await staff.page.waitForFunction((want) => document.querySelector('[data-testid=feedback-state]')?.getAttribute('data-state') === want, 'accepted');
    await staff.page.locator('[data-testid=feedback-reply]').click();
    await staff.page.locator('[data-testid=feedback-action-text]').fill('感谢您的建议，下月起每月在县新时代文明实践中心举办一场青少年科普讲座。');
    await screenshot(staff.page, FEATURE, '07-reply-form');
    expect(await auditA11y(staff.page, OTHERS)).toEqual(CLEAN);
    await staff.page.locator('[data-testid=feedback-action-submit]').click();
    await staff.page.waitForFunction((want) => document.querySelector('[data-testid=feedback-state]')?.getAttribute('data-state') === want, 'replied');
    await staff.page.locator('[data-testid=feedback-close]').click();
    await staff.page.locator('[data-testid=feedback-action-submit]').click();
    await staff.page.locator('.van-dialog__confirm').click();
    await staff.page.waitForFunction((want) => document.querySelector('[data-testid=feedback-state]')?.getAttribute('data-state') === want, 'closed');
    // The confirm dialog zooms out after the answer: audited mid-animation its buttons measured
    // 127×38 (CI, 2026-12-04). The screen is checked once it has gone.
    await staff.page.locator('.van-dialog').waitFor({ state: 'hidden' });
    expect(await staff.page.locator('[data-testid=feedback-history] li').count()).toBe(4);
    await screenshot(staff.page, FEATURE, '08-closed', true);
    expect(await auditA11y(staff.page, OTHERS)).toEqual(CLEAN);

    // What the public sees with the 查询码 agrees: the reply is there.
    const items = (await api<{ items: { ref: string; state: string }[] }>('GET', '/api/feedback', staffToken)).items;
    expect(items.find((i) => i.ref === publicRef)?.state).toBe('closed');
  });

  it('colours the map by 满意度: greens by the mean, 无评价 grey and no gap, legend and sheet with 平均满意度 x.x 分（n 条）', async () => {
    const page = staff.page;
    await go(staff, '/map');
    await page.locator('[data-testid=gap-list]').waitFor();
    await page.locator('[data-measure=satisfaction]').click();
    const total = page.locator('[data-testid=satisfaction-total]');
    await total.waitFor();
    // The counting basis applies: nothing is reviewed yet, so on 已审核 no rating counts.
    expect(await page.locator('[data-testid=count-basis-reviewed]').isChecked()).toBe(true);
    expect(await total.innerText()).toBe('全部所选活动：无评价');
    expect(await page.locator('path.kl-town').evaluateAll((ps) => ps.every((p) => p.getAttribute('fill') === '#f3f4f6'))).toBe(true);
    await page.locator('label.kl-basis__option', { has: page.locator('[data-testid=count-basis-submitted]') }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid=satisfaction-total]')?.textContent !== '全部所选活动：无评价');
    expect(await total.innerText()).toBe('全部所选活动：平均满意度 3.5 分（4 条）');
    expect(new URL(page.url()).searchParams.get('measure')).toBe('satisfaction');
    const fill = (code: string) => page.locator(`path.kl-town-${code}`).getAttribute('fill');
    // Two classes, light → dark: 吉隆 2.5, 平山 4.5; every other township 无评价, none hatched as a gap.
    expect(await fill(PINGSHAN)).toBe('#31a354');
    expect(await fill(JILONG)).toBe('#a1d99b');
    const fills = await page.locator('path.kl-town').evaluateAll((ps) => ps.map((p) => p.getAttribute('fill')));
    expect(fills.filter((f) => f === '#f3f4f6')).toHaveLength(12);
    expect(fills).not.toContain('url(#kl-gap-hatch)');
    expect((await page.locator('[data-testid=map-legend] li').allInnerTexts()).slice(0, 3)).toEqual(['2.5 分', '2.6–4.5 分', '无评价']);
    expect(await page.locator('[data-testid=satisfaction-counts]').innerText()).toContain(`${new Date().getFullYear()} 年 · 全年 · `);
    expect(await page.locator('[data-testid=unrated-list] button').count()).toBe(12);
    expect(await page.locator('[data-testid=gap-list]').count()).toBe(0);
    expect(await page.locator(`.kl-label-${PINGSHAN} .kl-label__value`).innerText()).toBe('4.5');
    // No township is styled as a gap in the table either (大岭 had no event: 无评价, not orange).
    expect(await page.locator('[data-testid=township-table] .kl-table__row--gap').count()).toBe(0);
    await page.locator('.van-toast').waitFor({ state: 'hidden' });
    await screenshot(page, FEATURE, '09-map-satisfaction');
    await screenshot(page, FEATURE, '10-map-satisfaction-full', true);
    expect(await auditA11y(page, [...OTHERS, '.leaflet-container'])).toEqual(CLEAN);

    // The township sheet and the table say the same.
    await page.locator(`[data-testid=township-table] button[data-code="${PINGSHAN}"]`).click();
    const stat = page.locator('[data-testid=township-sheet] [data-stat=satisfaction] dd');
    await stat.waitFor();
    expect(await stat.innerText()).toBe('平均满意度 4.5 分（2 条）');
    // Once the sheet has slid in.
    await page.waitForFunction(() => !document.querySelector('.van-popup.van-slide-up-enter-active'));
    await screenshot(page, FEATURE, '11-map-satisfaction-sheet');
    await page.locator('.van-popup__close-icon:visible').click();
    await page.locator('[data-testid=township-sheet]').waitFor({ state: 'hidden' });
    expect(await page.locator(`[data-testid=township-table] button[data-code="${JILONG}"] .kl-table__value`).innerText()).toBe('平均满意度 2.5 分（2 条）');
    expect(await page.locator(`[data-testid=township-table] button[data-code="441323002000"] .kl-table__value`).innerText()).toBe('无评价');

    // A format filter: only the 讲座 in 吉隆 counts.
    await go(staff, '/map?measure=satisfaction&format=lecture');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid=satisfaction-total]')?.textContent?.includes('（2 条）') &&
        document.querySelector('[data-testid=satisfaction-counts]')?.textContent?.includes('科普讲座'),
    );
    expect(await total.innerText()).toBe('全部所选活动：平均满意度 2.5 分（2 条）');
    expect(await fill(PINGSHAN)).toBe('#f3f4f6');

    // Offline, a filter not asked yet says it needs the network; back online it is asked.
    await staff.ctx.setOffline(true);
    await go(staff, '/map?measure=satisfaction&format=caravan');
    const state = page.locator('[data-testid=satisfaction-state]');
    await state.waitFor();
    expect(await state.innerText()).toBe('满意度来自服务器上的群众评价，需联网查看');
    await screenshot(page, FEATURE, '12-map-satisfaction-offline');
    await staff.ctx.setOffline(false);
    await page.waitForFunction(() => document.querySelector('[data-testid=satisfaction-total]')?.textContent === '全部所选活动：平均满意度 4.5 分（2 条）');
    expect(await state.count()).toBe(0);
  });

  it('exports the year’s XLSX with the 群众意见办理台账 online, and without it (saying so) offline', async () => {
    const page = staff.page;
    const xlsx = async () => {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-xlsx]').click()]);
      const path = join(dataDir, `dl-${Date.now()}.xlsx`);
      await dl.saveAs(path);
      const wb = new Workbook();
      await wb.xlsx.load(readFileSync(path) as unknown as ArrayBuffer);
      return wb;
    };
    await go(staff, '/reports');
    await page.locator('[data-testid=export-xlsx]').waitFor();
    const online = await xlsx();
    const register = online.getWorksheet('群众意见办理台账');
    expect(register).toBeDefined();
    expect(register!.getCell('A1').value).toBe(`${new Date().getFullYear()}年群众意见办理台账`);
    expect((register!.getRow(2).values as unknown[]).slice(1)).toEqual([
      '编号',
      '收到日期',
      '渠道',
      '类别',
      '内容摘要',
      '承办人',
      '受理日期',
      '答复日期',
      '办理结果',
      '回访满意度',
    ]);
    // Every item of the year (two event ratings of each event with text or not, the letter, the box item).
    const rows = [];
    for (let r = 3; r <= register!.rowCount; r++) rows.push(register!.getRow(r));
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.getCell(2).value instanceof Date)).toBe(true);
    const formulaLike = rows.find((r) => String(r.getCell(5).value).includes('=1+1'));
    expect(formulaLike?.getCell(5).formula).toBeUndefined();
    expect(JSON.stringify(rows.map((r) => r.values))).not.toContain('13812341234');
    expect(await page.locator('[data-testid=export-status]').innerText()).toMatch(/^已生成 .*\.xlsx$/);

    await staff.ctx.setOffline(true);
    const offline = await xlsx();
    expect(offline.getWorksheet('群众意见办理台账')).toBeUndefined();
    expect(offline.getWorksheet('汇总')).toBeDefined();
    expect(await page.locator('[data-testid=export-status]').innerText()).toContain('未含群众意见办理台账');
    await page.locator('[data-testid=export-status]').scrollIntoViewIfNeeded();
    await screenshot(page, FEATURE, '13-export-offline');
    await staff.ctx.setOffline(false);
  });
});
