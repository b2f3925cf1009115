import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { ledgerDb, setLedgerDbFactory } from '../../../src/app/db/database';
import { useLedgerStore } from '../../../src/app/stores/ledger';
import { identityOf } from '../../../src/app/stores/identity';
import { freshDb, sampleContent } from '../db/helpers';

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i += 1) await new Promise((r) => setTimeout(r, 10));
};

describe('useLedgerStore', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    setLedgerDbFactory(freshDb);
  });

  it('makes one device id, keeps it in meta and stamps it on outbox rows', async () => {
    const store = useLedgerStore();
    const id = await store.ensureClientId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(store.clientId).toBe(id);
    expect((await ledgerDb().meta.get('clientId'))?.value).toBe(id);
    const eventId = store.repo.newEventId();
    await store.repo.createEvent(eventId, sampleContent(), 'submitted');
    expect((await ledgerDb().outbox.get(1))?.clientId).toBe(id);
  });

  it('stamps events with the signed-in user read from meta session', async () => {
    const store = useLedgerStore();
    await ledgerDb().meta.put({ key: 'session', value: { userId: 'u-7', orgId: 'org-1', role: 'staff', name: '李', token: 't', serverUrl: '' } });
    await until(() => store.identity.userId === 'u-7');
    expect(store.identity).toEqual({ userId: 'u-7', orgId: 'org-1', role: 'staff' });
    const row = await store.repo.createEvent(store.repo.newEventId(), sampleContent(), 'submitted');
    expect([row.createdBy, row.orgId]).toEqual(['u-7', 'org-1']);
  });

  it('reads an absent or malformed session as nobody signed in', () => {
    expect(identityOf(undefined)).toEqual({ userId: '', orgId: '', role: null });
    expect(identityOf({ userId: 3, role: 'king' })).toEqual({ userId: '', orgId: '', role: null });
  });
});

describe('useLedgerStore backup', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  it('restores a backup into a wiped ledger and stamps later mutations with the restored device id', async () => {
    setLedgerDbFactory(freshDb);
    const first = useLedgerStore();
    const oldId = await first.ensureClientId();
    await first.repo.createEvent(first.repo.newEventId(), sampleContent(), 'submitted');
    const file = await first.exportBackup();

    setActivePinia(createPinia());
    setLedgerDbFactory(freshDb);
    const wiped = useLedgerStore();
    const newId = await wiped.ensureClientId();
    expect(newId).not.toBe(oldId);
    expect(await wiped.importBackup(file)).toEqual({ events: 1, outbox: 1, photos: 0 });
    await until(() => wiped.clientId === oldId);
    await wiped.repo.createEvent(wiped.repo.newEventId(), sampleContent(), 'draft');
    expect((await ledgerDb().outbox.toArray()).map((m) => [m.seq, m.clientId])).toEqual([
      [1, oldId],
      [2, oldId],
    ]);
  });
});
