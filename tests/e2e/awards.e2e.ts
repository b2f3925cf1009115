/**
 * Issue 14 §4 in a real browser over the real server: staff record the 2023 city competition's
 * awards on the reports screen of a 390×844 phone (获奖记录: add, edit, delete, an evidence photo),
 * the counts table and the report's sentence show the seed's words, the awards sync and the server
 * holds them (read back through its API, the photo too), and a volunteer's phone neither gets them
 * nor sees the section. Then staff attach an evidence photo to a manual indicator (the 自评表 shows
 * its 佐证; the server holds the target and the photo) and edit the awards sentence like a narrative
 * clause (已修改, the generated text beside it, 恢复), which syncs with the org document.
 * Screenshots go to test-artifacts/awards/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Award } from '../../src/domain/awards';
import type { Target } from '../../src/domain/targets';
import type { Taxonomy } from '../../src/domain/taxonomy';
import type { PullResponse } from '../../src/sync/protocol';
import { auditA11y, readStore, screenshot } from './harness';
import { gradientPng } from './png';
import { go, type OrgServer, type Phone, Phones, serverApi, signIn as signInAt, startOrg, syncNow } from './phones';

const FEATURE = 'awards';
const PASSWORD = 'kepu-ledger-2026';
const CITY = '第21届惠州市青少年科技创新大赛';

let base = '';
let org: OrgServer | null = null;
const phones = new Phones();
const api = serverApi(() => base);
const signIn = (p: Phone, username: string) => signInAt(p, base, username, PASSWORD);

beforeAll(async () => {
  org = await startOrg('awards', PASSWORD, [
    { role: 'staff', name: '王干事', username: 'wang' },
    { role: 'volunteer', name: '张志愿', username: 'zhang' },
  ]);
  base = org.base;
});

afterAll(async () => {
  await phones.closeAll();
  await org?.stop();
});

/** Fills the open award form as staff would and saves it. */
async function addAward(p: Phone, a: { category: string; prize?: string; count: number; recipients?: string; photo?: Buffer }): Promise<void> {
  const page = p.page;
  await page.locator('[data-testid=award-add]').click();
  const form = page.locator('[data-testid=award-form]');
  await form.waitFor();
  await page.locator('[data-testid=award-competition]').fill(CITY);
  await page.locator('[data-testid=award-level]').selectOption('city');
  await page.locator('[data-testid=award-month]').selectOption({ label: '2月' });
  await page.locator('[data-testid=award-category]').selectOption(a.category);
  if (a.prize) await page.locator('[data-testid=award-prize]').selectOption(a.prize);
  else expect(await page.locator('[data-testid=award-prize]').count()).toBe(0);
  await page.locator('[data-testid=award-count]').fill(String(a.count));
  if (a.recipients) await page.locator('[data-testid=award-recipients]').fill(a.recipients);
  if (a.photo) {
    await form.locator('[data-test=photo-pick]').setInputFiles({ name: 'certificate.png', mimeType: 'image/png', buffer: a.photo });
    await form.locator('.kl-photos__item img').first().waitFor();
  }
  await page.locator('[data-testid=award-save]').click();
  await form.waitFor({ state: 'detached' });
}

let staffPhone: Phone | null = null;

describe('competition awards on the reports screen', () => {
  it('staff add, edit and delete awards; the counts and the seed’s sentence show; the server holds them', async () => {
    const staff = await phones.open('staff');
    staffPhone = staff;
    await signIn(staff, 'wang');
    const page = staff.page;
    await go(staff, '/reports?year=2023');
    const section = page.locator('[data-testid=awards-section]');
    await section.waitFor();
    expect(await page.locator('[data-testid=awards-empty]').innerText()).toContain('还没有获奖记录');

    await addAward(staff, { category: 'studentProject', prize: 'first', count: 8, recipients: '平山第三小学、吉隆中心小学', photo: gradientPng(900, 600, 7) });
    await addAward(staff, { category: 'studentProject', prize: 'second', count: 28 });
    await addAward(staff, { category: 'studentProject', prize: 'third', count: 18 });
    await addAward(staff, { category: 'counselor', count: 2 });
    await addAward(staff, { category: 'organization', count: 2 });
    await addAward(staff, { category: 'studentProject', prize: 'merit', count: 3 });

    // A wrong count is corrected, a record entered by mistake is deleted.
    const items = page.locator('[data-testid=award-item]');
    await items.nth(5).waitFor(); // the list follows the database a moment after the form closes
    expect(await items.count()).toBe(6);
    await items.filter({ hasText: '二等奖' }).locator('[data-testid=award-edit]').click();
    await page.locator('[data-testid=award-count]').fill('29');
    await page.locator('[data-testid=award-save]').click();
    await page.locator('[data-testid=award-form]').waitFor({ state: 'detached' });
    await items.filter({ hasText: '优秀奖' }).locator('[data-testid=award-delete]').click();
    await page.locator('.van-dialog__confirm').click();
    await items.filter({ hasText: '优秀奖' }).waitFor({ state: 'detached' });
    expect(await items.count()).toBe(5);

    // A bad count is refused with a clear message and changes nothing.
    await page.locator('[data-testid=award-add]').click();
    await page.locator('[data-testid=award-competition]').fill(CITY);
    await page.locator('[data-testid=award-count]').fill('0');
    await page.locator('[data-testid=award-save]').click();
    await page.locator('[data-testid=award-form] .problem').filter({ hasText: /\S/ }).first().waitFor();
    expect(await items.count()).toBe(5);
    await page.locator('[data-testid=award-form]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.evaluate(() => window.scrollBy(0, -64));
    await screenshot(page, FEATURE, '1-form-refuses-a-zero-count');
    await page.locator('[data-testid=award-cancel]').click();

    const sentence = '在2月份第21届惠州市青少年科技创新大赛中，获得各类项目一等奖8项、二等奖29项、三等奖18项，同时评选出了2名优秀科技辅导员、2个优秀组织奖单位';
    expect(await page.locator('[data-testid=award-sentence]').innerText()).toBe(sentence);
    const counts = await page.locator('[data-testid=award-counts] tbody tr').allInnerTexts();
    // Prizes down, levels across (市级, 合计): it fits the phone's width, no sideways scroll.
    expect(counts.map((r) => r.split(/\s+/).filter(Boolean))).toEqual([
      ['一等奖', '8', '8'],
      ['二等奖', '29', '29'],
      ['三等奖', '18', '18'],
      ['优秀奖', '0', '0'],
      ['优秀组织奖', '2', '2'],
      ['优秀辅导员', '2', '2'],
      ['合计', '59', '59'],
    ]);
    expect(await page.locator('[data-testid=award-counts]').evaluate((t) => t.parentElement!.scrollWidth <= t.parentElement!.clientWidth)).toBe(true);

    // Labels, 44 px targets and contrast in the section (other features' parts are judged by their tests).
    const audit = await auditA11y(page, ['.van-tabbar', '[data-testid=sync-badge]', '.kl-reports > :not([data-testid=awards-section])']);
    expect(audit).toEqual({ unlabeled: [], smallTargets: [], lowContrast: [] });

    await section.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.evaluate(() => window.scrollBy(0, -64));
    await screenshot(page, FEATURE, '2-awards-list');
    await page.locator('[data-testid=award-counts]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.evaluate(() => window.scrollBy(0, -64));
    await screenshot(page, FEATURE, '3-counts-and-sentence');

    // It syncs: the server holds the five awards, the edit and the tombstone, and the photo.
    await syncNow(staff);
    const { token } = await api<{ token: string }>('POST', '/api/login', null, { username: 'wang', password: PASSWORD });
    const pulled = await api<PullResponse>('GET', '/api/sync/pull?cursor=0&limit=100&awards=1', token);
    const awards = pulled.rows.filter((r) => r.entity === 'award').map((r) => r.row as Award);
    const live = awards.filter((a) => !a.deleted);
    expect(awards).toHaveLength(6);
    expect(live.map((a) => [a.competition, a.level, a.month, a.category, a.prize, a.count]).sort()).toEqual(
      [
        [CITY, 'city', 2, 'studentProject', 'first', 8],
        [CITY, 'city', 2, 'studentProject', 'second', 29],
        [CITY, 'city', 2, 'studentProject', 'third', 18],
        [CITY, 'city', 2, 'counselor', null, 2],
        [CITY, 'city', 2, 'organization', null, 2],
      ].sort(),
    );
    const first = live.find((a) => a.prize === 'first')!;
    expect(first.recipients).toBe('平山第三小学、吉隆中心小学');
    expect(first.photos).toHaveLength(1);
    const photo = await fetch(`${base}/api/blobs/${first.photos[0]}`, { headers: { authorization: `Bearer ${token}` } });
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toMatch(/^image\//);
    // The phone's copy now carries the server's revs.
    const local = await readStore<Award & { sig?: string }>(page, 'awards');
    expect(local.filter((a) => !a.deleted).every((a) => a.rev > 0)).toBe(true);
    expect(staff.errors).toEqual([]);
  });

  it('staff attach an evidence photo to a manual indicator and edit the awards sentence; both sync', async () => {
    const staff = staffPhone!;
    const page = staff.page;
    // A manual indicator with a note, text evidence and a photo of the document.
    await page.locator('[data-testid=target-settings-toggle]').click();
    const form = page.locator('[data-testid=target-form]');
    await form.waitFor();
    await page.locator('[data-testid=target-source]').selectOption('manual');
    await page.locator('[data-testid=target-min]').fill('100');
    await form.locator('label', { hasText: '单位' }).locator('input').fill('%');
    await form.locator('label', { hasText: '一级指标' }).locator('input').fill('预算执行');
    await form.locator('label', { hasText: '二级指标' }).locator('input').fill('资金管理');
    await page.locator('[data-testid=target-name]').fill('部门预算资金支出率');
    await page.locator('[data-testid=target-weight]').fill('5');
    await page.locator('[data-testid=target-manual-value]').fill('97');
    await page.locator('[data-testid=target-value-note]').fill('支出97万元，预算100万元');
    await page.locator('[data-testid=target-evidence]').fill('2023年部门决算报表');
    const photos = page.locator('[data-testid=target-photos]');
    await photos.locator('[data-test=photo-pick]').setInputFiles({ name: 'juesuan.png', mimeType: 'image/png', buffer: gradientPng(900, 1200, 3) });
    await photos.locator('.kl-photos__item img').first().waitFor();
    await photos.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await screenshot(page, FEATURE, '4-indicator-photo-attached');
    await page.locator('[data-testid=target-save]').click();

    // The 自评表 row shows its 佐证: the count and the thumbnail.
    const row = page.locator('[data-testid=self-eval-row]', { hasText: '部门预算资金支出率' });
    await row.waitFor();
    expect(await row.locator('[data-testid=self-eval-evidence]').innerText()).toBe('佐证照片 1 张');
    await row.locator('.thumbs img').first().waitFor();
    await row.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await screenshot(page, FEATURE, '5-self-eval-evidence');

    // A note and a remark on the first prizes go into the sentence: the note after its count, the remark after the category.
    await page.locator('[data-testid=award-item]').filter({ hasText: '一等奖' }).locator('[data-testid=award-edit]').click();
    await page.locator('[data-testid=award-note]').fill('全市8项');
    await page.locator('[data-testid=award-remark]').fill('其中3个项目推荐参加省赛');
    await page.locator('[data-testid=award-save]').click();
    await page.locator('[data-testid=award-form]').waitFor({ state: 'detached' });
    const generated =
      '在2月份第21届惠州市青少年科技创新大赛中，获得各类项目一等奖8项（全市8项）、二等奖29项、三等奖18项，其中3个项目推荐参加省赛；同时评选出了2名优秀科技辅导员、2个优秀组织奖单位';
    await page.locator('[data-testid=award-sentence]').filter({ hasText: generated }).waitFor();
    // The awards sentence, edited as a narrative clause: 已修改, the generated text beside it.
    const edited =
      '在今年2月份第21届惠州市青少年科技创新大赛中，获得各类项目一等奖8项（全市8项）、二等奖29项、三等奖18项，其中3个项目推荐进入省赛；同时评选出了2名优秀科技辅导员、2个优秀组织奖单位';
    await page.locator('[data-testid=narrative-awards]').filter({ hasText: generated }).waitFor();
    const clause = page.locator('[data-testid=awards-section] [data-testid=clause-awards]');
    await clause.locator('[data-testid=clause-edit]').click();
    await clause.locator('[data-testid=clause-draft]').fill(edited);
    await clause.locator('[data-testid=clause-save]').click();
    await clause.locator('[data-testid=clause-edited]').waitFor();
    expect(await page.locator('[data-testid=award-sentence]').innerText()).toBe(edited);
    expect(await clause.locator('.generated').innerText()).toBe(`自动生成：${generated}`);
    await page.locator('[data-testid=narrative-awards]').filter({ hasText: edited }).waitFor();
    // The narrative card lists it among the clauses staff edit, marked the same way.
    await page.locator('[data-testid=clause-editor] summary').click();
    expect(await page.locator('[data-testid=clause-editor] [data-testid=clause-awards] [data-testid=clause-edited]').count()).toBe(1);
    await page.locator('[data-testid=awards-section] [data-testid=award-sentence]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.evaluate(() => window.scrollBy(0, -64));
    await screenshot(page, FEATURE, '6-awards-sentence-edited');

    // Both sync: the server holds the target with its photo, the photo, and the clause edit.
    await syncNow(staff);
    const { token } = await api<{ token: string }>('POST', '/api/login', null, { username: 'wang', password: PASSWORD });
    const pulled = await api<PullResponse>('GET', '/api/sync/pull?cursor=0&limit=100', token);
    const target = pulled.rows.filter((r) => r.entity === 'target').map((r) => r.row as Target)[0]!;
    expect([target.level3, target.source, target.manualValue, target.evidence, target.photos?.length]).toEqual([
      '部门预算资金支出率',
      'manual',
      97,
      '2023年部门决算报表',
      1,
    ]);
    const photo = await fetch(`${base}/api/blobs/${target.photos![0]}`, { headers: { authorization: `Bearer ${token}` } });
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toMatch(/^image\//);
    const doc = await api<{ taxonomy: Taxonomy }>('GET', '/api/org/taxonomy', token);
    expect(doc.taxonomy.clauseEdits).toEqual([{ year: 2023, key: 'awards', text: edited, generated }]);

    // 恢复 brings the generated sentence back.
    await clause.locator('[data-testid=clause-restore]').click();
    await page.locator('[data-testid=award-sentence]').filter({ hasText: generated }).waitFor();
    expect(await clause.locator('[data-testid=clause-edited]').count()).toBe(0);
    expect(staff.errors).toEqual([]);
  });

  it('a volunteer’s phone neither receives the awards nor shows the section', async () => {
    const vol = await phones.open('volunteer');
    await signIn(vol, 'zhang');
    await go(vol, '/reports?year=2023');
    await vol.page.locator('[data-testid=reports-view]').waitFor();
    await vol.page.locator('[data-testid=report-scope]').waitFor();
    expect(await vol.page.locator('[data-testid=awards-section]').count()).toBe(0);
    expect(await readStore(vol.page, 'awards')).toEqual([]);
    const { token } = await api<{ token: string }>('POST', '/api/login', null, { username: 'zhang', password: PASSWORD });
    const pulled = await api<PullResponse>('GET', '/api/sync/pull?cursor=0&limit=100&awards=1&scope=', token);
    expect(pulled.rows.filter((r) => r.entity === 'award')).toEqual([]);
    expect(vol.errors).toEqual([]);
  });
});
