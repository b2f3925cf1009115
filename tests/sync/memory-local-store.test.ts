import { describeLocalStoreConformance } from './local-store-conformance';
import { MemoryLocalStore } from '../../src/sync/memory-local-store';
import { CLIENT_A, sampleEvent } from './fixtures';

const AT = '2023-09-17T08:00:00+08:00';

describeLocalStoreConformance('in-memory', async () => {
  const store = new MemoryLocalStore(CLIENT_A);
  return {
    store,
    create: async (id, overrides = {}) => store.createEvent(sampleEvent({ id, ...overrides })),
    update: async (id, patch) => store.updateEvent(id, patch, AT, 'u-vol-1'),
    remove: async (id) => store.setEventDeleted(id, true, AT, 'u-vol-1'),
    event: async (id) => store.events.get(id),
    target: async (id) => store.targets.get(id),
    createAward: async (id, fields) =>
      store.putAward(
        { ...fields, id, orgId: 'org-1', createdBy: 'u-staff', createdAt: AT, updatedBy: 'u-staff', updatedAt: AT, deleted: false, rev: 0 },
        fields,
        AT,
      ),
    updateAward: async (id, patch) => store.putAward({ ...store.awards.get(id)!, ...patch, updatedAt: AT, updatedBy: 'u-staff' }, patch, AT),
    removeAward: async (id) => store.deleteAward(id, AT, 'u-staff'),
    award: async (id) => store.awards.get(id),
    addPhoto: async (hash, bytes, type) => store.addPhoto(hash, { blob: new Blob([bytes], { type }), type }),
  };
});
