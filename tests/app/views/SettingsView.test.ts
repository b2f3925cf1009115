/**
 * 设置 by role: a volunteer's phone shows account and sync, password, language, storage and backup,
 * nothing of taxonomy, region, base map, targets or this device, and no way into 管理设置; staff and
 * admins (and a phone nobody signed in on) get the link; 管理设置 itself shows a volunteer only a
 * note and the way back.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n } from '../../../src/app/i18n';
import SettingsView from '../../../src/app/views/SettingsView.vue';
import StaffSettingsView from '../../../src/app/views/StaffSettingsView.vue';
import { setLedgerDbFactory } from '../../../src/app/db/database';
import { useSessionStore, type StoredSession } from '../../../src/app/stores/session';
import { serveHuidongFiles } from '../../fixtures/region-pack';
import { freshDb } from '../db/helpers';

vi.mock('vant/es/toast/style', () => ({}));
vi.mock('vant/es/dialog/style', () => ({}));

const session = (role: StoredSession['role']): StoredSession => ({
  userId: 'u-1',
  orgId: 'o-1',
  role,
  name: '张志愿',
  token: 't',
  serverUrl: '',
  username: 'zhang',
  orgName: '惠东县科协',
  expired: false,
});

const STAFF_PARTS = [
  '[data-testid=region-settings]',
  '[data-testid=basemap-settings]',
  '[data-testid=target-settings]',
  '[data-testid=line-settings]',
  '.kl-tax__input',
  '[data-test=client-id]',
];
const mounted: VueWrapper[] = [];

async function render(view: typeof SettingsView, role: StoredSession['role'] | null): Promise<VueWrapper> {
  const s = useSessionStore();
  s.session = role ? session(role) : null;
  s.loaded = true;
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div />' } }] });
  const w = mount(view, { global: { plugins: [i18n, router] }, attachTo: document.body });
  mounted.push(w);
  await flushPromises();
  return w;
}
const titles = (w: VueWrapper) => w.findAll('.van-cell-group__title').map((t) => t.text());

describe('settings by role', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    setLedgerDbFactory(freshDb);
    serveHuidongFiles();
    // Keep the admin link from asking a server.
    vi.stubGlobal('navigator', { ...navigator, onLine: false });
  });
  afterEach(() => {
    for (const w of mounted.splice(0)) w.unmount();
    vi.unstubAllGlobals();
  });

  it('shows a volunteer account, sync, password, language, storage and backup, and nothing for staff', async () => {
    const w = await render(SettingsView, 'volunteer');
    expect(titles(w)).toEqual(['账号与同步', '未被服务器接受的修改', '修改密码', '语言', '存储', '数据备份']);
    expect(w.find('[data-testid=staff-settings-link]').exists()).toBe(false);
    for (const sel of STAFF_PARTS) expect(w.find(sel).exists(), sel).toBe(false);
  });

  it.each([['staff'], ['admin']] as const)('gives %s the way into 管理设置', async (role) => {
    const w = await render(SettingsView, role);
    expect(w.get('[data-testid=staff-settings-link]').text()).toContain('管理设置');
  });

  it('gives a phone nobody signed in on the way into 管理设置 (setting up before anyone joins)', async () => {
    const w = await render(SettingsView, null);
    expect(w.find('[data-testid=staff-settings-link]').exists()).toBe(true);
  });

  it('shows staff taxonomy, region, base map, targets and this device in 管理设置', async () => {
    const w = await render(StaffSettingsView, 'staff');
    // The target editor is a staff-only chunk, loaded when the page opens. Its first import is
    // transformed on the spot, which took over the default 1 s on a loaded machine (load 10).
    await vi.waitFor(
      async () => {
        await flushPromises();
        expect(w.find('[data-testid=target-settings]').exists()).toBe(true);
      },
      { timeout: 15_000 },
    );
    for (const sel of STAFF_PARTS) expect(w.find(sel).exists(), sel).toBe(true);
  });

  it('shows a volunteer who opens 管理设置 only a note and the way back', async () => {
    const w = await render(StaffSettingsView, 'volunteer');
    expect(w.get('[data-testid=staff-only-note]').text()).toBe('这些设置仅供科协工作人员和管理员使用。');
    for (const sel of STAFF_PARTS) expect(w.find(sel).exists(), sel).toBe(false);
  });
});
