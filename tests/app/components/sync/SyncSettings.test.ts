import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { i18n } from '../../../../src/app/i18n';
import SyncSettings from '../../../../src/app/components/sync/SyncSettings.vue';
import { ledgerDb, setLedgerDbFactory } from '../../../../src/app/db/database';
import { useLedgerStore } from '../../../../src/app/stores/ledger';
import { useSessionStore } from '../../../../src/app/stores/session';
import { useSyncStore } from '../../../../src/app/stores/sync';
import type { QuarantinedMutation } from '../../../../src/sync/local-store';
import { freshDb, sampleContent } from '../../db/helpers';

// Vant's style entry points import CSS, which Node cannot load; the tests need no styles.
vi.mock('vant/es/dialog/style', () => ({}));
vi.mock('vant/es/toast/style', () => ({}));

let pinia: Pinia;
let router: Router;
const EVENT = '018a9b7c-1d2e-7f00-8a00-0000000000e1';

function render() {
  router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div />' } }] });
  return mount(SyncSettings, { global: { plugins: [pinia, i18n, router] } });
}

const refused = (seq: number, reason: string, op: 'put' | 'delete' = 'put'): QuarantinedMutation =>
  (op === 'put'
    ? {
        entity: 'event',
        op,
        seq,
        eventId: EVENT,
        fields: { title: '改了别人的标题' },
        at: '2026-03-05T10:00:00+08:00',
        clientId: 'c',
        rejection: { seq, status: 'rejected', reason },
      }
    : {
        entity: 'event',
        op,
        seq,
        eventId: EVENT,
        at: '2026-03-05T10:00:00+08:00',
        clientId: 'c',
        rejection: { seq, status: 'rejected', reason },
      }) as QuarantinedMutation;

describe('SyncSettings', () => {
  beforeEach(async () => {
    pinia = createPinia();
    setActivePinia(pinia);
    setLedgerDbFactory(freshDb);
    useSessionStore().session = {
      userId: 'u-1',
      orgId: 'o-1',
      role: 'volunteer',
      name: '李志愿',
      token: 't',
      serverUrl: '',
      username: 'li',
      orgName: '惠东县科协',
      expired: false,
    };
    const ledger = useLedgerStore();
    await ledgerDb().events.put({
      ...sampleContent({ title: '张志愿的讲座' }),
      status: 'submitted',
      reviewNote: null,
      reviewedBy: null,
      reviewedAt: null,
      id: EVENT,
      orgId: 'o-1',
      createdBy: 'u-2',
      createdAt: '2026-03-05T10:00:00+08:00',
      updatedBy: 'u-2',
      updatedAt: '2026-03-05T10:00:00+08:00',
      deleted: false,
      rev: 3,
      year: 2023,
      ym: '2023-09',
    });
  });

  it('shows the account, the server and the unsynced count', async () => {
    useSyncStore().pendingCount = 2;
    const w = render();
    await flushPromises();
    expect(w.get('[data-testid=sync-account]').text()).toContain('李志愿（志愿者）');
    expect(w.get('[data-testid=sync-pending]').text()).toContain('2');
    expect(w.text()).toContain('本站');
  });

  it('lists each refused change with its event and the reason in Chinese', async () => {
    useSyncStore().quarantined = [refused(3, 'notYourEvent'), refused(5, 'somethingNew', 'delete')];
    const w = render();
    await vi.waitFor(() => expect(w.text()).toContain('张志愿的讲座'));
    expect(w.findAll('[data-testid=quarantined-reason]').map((r) => r.text())).toEqual(['只能修改自己记录的活动', '服务器拒绝：somethingNew']);
    expect(w.findAll('.kl-sync-settings__what').map((r) => r.text())).toEqual(['修改 张志愿的讲座', '删除 张志愿的讲座']);
  });

  it('resubmits, and opens the event of a refused change', async () => {
    const sync = useSyncStore();
    sync.quarantined = [refused(3, 'notYourEvent')];
    const retry = vi.spyOn(sync, 'retryQuarantined').mockResolvedValue();
    const w = render();
    await flushPromises();
    const buttons = w.get('[data-testid=quarantined-item]').findAll('button');
    expect(buttons.map((b) => b.text())).toEqual(['查看活动', '重新提交', '放弃']);
    await buttons[1]!.trigger('click');
    expect(retry).toHaveBeenCalledWith(3);
    await buttons[0]!.trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.path).toBe(`/events/${EVENT}`);
  });

  it('says so when nothing was refused', async () => {
    const w = render();
    await flushPromises();
    expect(w.get('[data-testid=sync-quarantine]').text()).toContain('没有未被服务器接受的修改');
  });
});
