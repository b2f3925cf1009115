/**
 * The sync badge is never blank after a load: the live badge keeps what it shows in localStorage,
 * and the placeholder App.vue shows until the live badge has loaded shows exactly that, in the
 * badge's box; before anything was kept it says the state is being read (not an empty bar).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { nextTick } from 'vue';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n } from '../../../../src/app/i18n';
import SyncBadge from '../../../../src/app/components/sync/SyncBadge.vue';
import SyncBadgeSnapshot from '../../../../src/app/components/sync/SyncBadgeSnapshot.vue';
import { readBadgeSnapshot, writeBadgeSnapshot } from '../../../../src/app/components/sync/badge-snapshot';
import { setLedgerDbFactory } from '../../../../src/app/db/database';
import { useSessionStore, type StoredSession } from '../../../../src/app/stores/session';
import { useSyncStore } from '../../../../src/app/stores/sync';
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

let pinia: Pinia;
const router = () => createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div />' } }] });
const renderLive = () => mount(SyncBadge, { global: { plugins: [pinia, i18n, router()] } });
const renderSnapshot = () => mount(SyncBadgeSnapshot, { global: { plugins: [i18n, router()] } });

describe('the sync badge after a reload', () => {
  beforeEach(() => {
    localStorage.clear();
    pinia = createPinia();
    setActivePinia(pinia);
    setLedgerDbFactory(freshDb);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(2026, 10, 26, 15, 0));
  });

  it('shows at once what the live badge last showed: 3 条未同步 and the last sync time', async () => {
    const session = useSessionStore();
    session.session = { ...SIGNED_IN };
    session.loaded = true;
    const sync = useSyncStore();
    sync.status = { state: 'idle', failures: 0, lastFailure: null, lastSuccessAt: AT, lastReport: null, nextRunAt: null };
    sync.lastSuccessAt = AT;
    sync.online = true;
    sync.pendingCount = 3;
    const live = renderLive();
    await nextTick();
    expect(readBadgeSnapshot()).toEqual({ tone: 'busy', headline: '3 条未同步', details: '上次同步 09:05', action: null, actionText: '' });
    live.unmount();

    const w = renderSnapshot();
    expect(w.get('[data-testid=sync-snapshot-headline]').text()).toBe('3 条未同步');
    expect(w.get('.kl-sync-badge__details').text()).toBe('上次同步 09:05');
    expect(w.get('[data-testid=sync-badge-snapshot]').classes()).toContain('kl-sync-badge--busy');
  });

  it('keeps nothing until the stored session is read (it would say 未登录 to everyone)', async () => {
    useSessionStore().session = { ...SIGNED_IN };
    renderLive();
    await nextTick();
    expect(readBadgeSnapshot()).toBe(null);
  });

  it('offers 登录 right away on a phone nobody signed in on', async () => {
    useSessionStore().loaded = true;
    renderLive();
    await nextTick();
    const w = renderSnapshot();
    expect(w.get('[data-testid=sync-snapshot-headline]').text()).toBe('未登录，记录保存在本机');
    expect(w.get('a.kl-sync-badge__action').text()).toBe('登录');
    expect(w.get('a.kl-sync-badge__action').attributes('href')).toBe('/login');
  });

  it('says the state is being read, in the badge box, when nothing was kept yet or what was kept is malformed', () => {
    expect(renderSnapshot().get('[data-testid=sync-snapshot-headline]').text()).toBe('正在读取同步状态…');
    localStorage.setItem('kl-sync-badge', '{"tone":"fire","headline":"x","details":""}');
    expect(readBadgeSnapshot()).toBe(null);
    expect(renderSnapshot().get('[data-testid=sync-snapshot-headline]').text()).toBe('正在读取同步状态…');
    writeBadgeSnapshot({ tone: 'error', headline: '服务器暂时不可用，稍后自动重试', details: '', action: 'retry', actionText: '重试' });
    const w = renderSnapshot();
    expect(w.get('[data-testid=sync-snapshot-headline]').text()).toBe('服务器暂时不可用，稍后自动重试');
    // A retry needs the sync code: the placeholder offers no button that would do nothing.
    expect(w.find('button').exists()).toBe(false);
  });
});
