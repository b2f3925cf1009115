import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n } from '../../../../src/app/i18n';
import SyncBadge from '../../../../src/app/components/sync/SyncBadge.vue';
import { setLedgerDbFactory } from '../../../../src/app/db/database';
import { useSessionStore, type StoredSession } from '../../../../src/app/stores/session';
import { useSyncStore } from '../../../../src/app/stores/sync';
import { formatSyncTime } from '../../../../src/app/components/sync/sync-time';
import type { SyncLoopStatus } from '../../../../src/sync/sync-loop';
import { freshDb } from '../../db/helpers';

const SIGNED_IN: StoredSession = {
  userId: 'u-1',
  orgId: 'o-1',
  role: 'volunteer',
  name: '张志愿',
  token: 't',
  serverUrl: '',
  username: 'zhang',
  orgName: '惠东县科协',
  expired: false,
};
const AT = new Date(2026, 10, 26, 9, 5).getTime();
const IDLE: SyncLoopStatus = { state: 'idle', failures: 0, lastFailure: null, lastSuccessAt: AT, lastReport: null, nextRunAt: null };

let pinia: Pinia;
function render() {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div />' } }] });
  return mount(SyncBadge, { global: { plugins: [pinia, i18n, router] } });
}
const text = (w: ReturnType<typeof render>) => `${w.get('[data-testid=sync-headline]').text()} | ${w.get('[data-testid=sync-details]').text()}`;

describe('SyncBadge', () => {
  beforeEach(() => {
    pinia = createPinia();
    setActivePinia(pinia);
    setLedgerDbFactory(freshDb);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(2026, 10, 26, 15, 0));
    const session = useSessionStore();
    session.session = { ...SIGNED_IN };
    const sync = useSyncStore();
    sync.status = IDLE;
    sync.lastSuccessAt = AT;
    sync.online = true;
  });

  it('says synced with the time of the last successful sync', () => {
    const w = render();
    expect(text(w)).toBe('已同步 | 上次同步 09:05');
    expect(w.find('[data-testid=sync-retry]').exists()).toBe(false);
  });

  it('counts unsynced records', () => {
    useSyncStore().pendingCount = 3;
    expect(text(render())).toBe('3 条未同步 | 上次同步 09:05');
  });

  it('shows offline calmly, as weather, with the unsynced count', () => {
    const sync = useSyncStore();
    sync.online = false;
    sync.pendingCount = 2;
    const w = render();
    expect(text(w)).toBe('离线，联网后自动同步 | 2 条未同步 · 上次同步 09:05');
    expect(w.get('[data-testid=sync-badge]').classes()).toContain('kl-sync-badge--weather');
  });

  it('words a server failure in plain Chinese and 重试 asks for a run now', async () => {
    const sync = useSyncStore();
    sync.status = { ...IDLE, state: 'backoff', failures: 2, lastFailure: { kind: 'server', message: 'HTTP 503', at: AT } };
    sync.pendingCount = 1;
    const syncNow = vi.spyOn(sync, 'syncNow').mockImplementation(() => undefined);
    const w = render();
    expect(text(w)).toBe('服务器暂时不可用，稍后自动重试 | 1 条未同步 · 上次同步 09:05');
    expect(w.get('[data-testid=sync-badge]').classes()).toContain('kl-sync-badge--error');
    await w.get('[data-testid=sync-retry]').trigger('click');
    expect(syncNow).toHaveBeenCalledTimes(1);
  });

  it('tells an unreachable server (no answer while online) apart from being offline', () => {
    useSyncStore().status = { ...IDLE, state: 'backoff', lastFailure: { kind: 'offline', message: 'no answer', at: AT } };
    expect(text(render())).toBe('连不上服务器，稍后自动重试 | 上次同步 09:05');
  });

  it('asks to sign in again after the server refused the token, without a retry button', () => {
    useSessionStore().session = { ...SIGNED_IN, expired: true };
    useSyncStore().pendingCount = 4;
    const w = render();
    expect(text(w)).toBe('登录已失效，请重新登录（本机记录不受影响） | 4 条未同步 · 上次同步 09:05');
    expect(w.find('[data-testid=sync-retry]').exists()).toBe(false);
    expect(w.get('[data-testid=sync-signin]').attributes('href')).toBe('/login');
  });

  it('says the sign-in expired when the server said so (401 sessionExpired)', () => {
    useSessionStore().session = { ...SIGNED_IN, expired: true, expiredReason: 'sessionExpired' };
    useSyncStore().pendingCount = 2;
    expect(text(render())).toBe('登录已过期，请重新登录（本机记录不受影响） | 2 条未同步 · 上次同步 09:05');
  });

  it('shows a phone nobody signed in on as keeping records locally', () => {
    useSessionStore().session = null;
    const sync = useSyncStore();
    sync.lastSuccessAt = null;
    expect(text(render())).toBe('未登录，记录保存在本机 | 尚未同步');
  });

  it('puts changes the server refused first, linking to settings', () => {
    const sync = useSyncStore();
    sync.quarantined = [
      { entity: 'event', op: 'delete', seq: 4, eventId: 'e', at: '', clientId: 'c', rejection: { seq: 4, status: 'rejected', reason: 'notYourEvent' } },
    ];
    const w = render();
    expect(text(w)).toBe('1 条同步被拒 | 只能修改自己记录的活动 · 上次同步 09:05');
    expect(w.get('a.kl-sync-badge__text').attributes('href')).toBe('/settings');
  });
});

describe('formatSyncTime', () => {
  it('gives the clock time today and the date before today', () => {
    const now = new Date(2026, 10, 26, 15, 0).getTime();
    expect(formatSyncTime(new Date(2026, 10, 26, 9, 5).getTime(), now, 'zh-CN')).toBe('09:05');
    expect(formatSyncTime(new Date(2026, 10, 3, 14, 5).getTime(), now, 'zh-CN')).toBe('11月3日 14:05');
  });
});
