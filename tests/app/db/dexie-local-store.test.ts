import { beforeAll } from 'vitest';
import { DexieLocalStore } from '../../../src/app/db/dexie-local-store';
import { createEventRepository } from '../../../src/app/db/event-repository';
import { createAwardRepository } from '../../../src/app/db/award-repository';
import { eventFieldsOf, type LedgerEvent } from '../../../src/domain/event';
import { describeLocalStoreConformance } from '../../sync/local-store-conformance';
import { sampleEvent } from '../../sync/fixtures';
import { freshDb, testDeps } from './helpers';

// happy-dom's Blob does not survive fake-indexeddb's structuredClone; a browser's does, and so does Node's.
beforeAll(async () => {
  const { Blob: NodeBlob } = await import('node:buffer');
  globalThis.Blob = NodeBlob as unknown as typeof Blob;
});

describeLocalStoreConformance('Dexie (fake-indexeddb)', async () => {
  const db = freshDb();
  let r = 100;
  const store = new DexieLocalStore(db, { random16: () => new Uint8Array(16).fill((r += 1)), timeZone: 'Asia/Shanghai' });
  const { deps } = testDeps({ clientId: () => store.clientId() });
  const repo = createEventRepository(db, deps);
  const awards = createAwardRepository(db, deps);
  const strip = (row: (LedgerEvent & { year?: number; ym?: string; sig?: string }) | undefined) => {
    if (!row) return undefined;
    const { year: _y, ym: _m, sig: _s, ...e } = row;
    return e as LedgerEvent;
  };
  return {
    store,
    create: async (id, overrides = {}) => {
      const e = sampleEvent({ id, ...overrides });
      const { status: _s, reviewNote: _n, reviewedBy: _b, reviewedAt: _a, ...content } = eventFieldsOf(e);
      await repo.createEvent(id, content, 'submitted');
    },
    update: async (id, patch) => {
      await repo.updateEvent(id, patch);
    },
    remove: (id) => repo.deleteEvent(id),
    event: async (id) => strip(await db.events.get(id)),
    target: async (id) => {
      const row = await db.targets.get(id);
      if (!row) return undefined;
      const { sig: _s, ...t } = row;
      return t;
    },
    createAward: async (id, fields) => {
      await awards.createAward(id, fields);
    },
    updateAward: async (id, patch) => {
      await awards.updateAward(id, patch);
    },
    removeAward: (id) => awards.deleteAward(id),
    award: async (id) => {
      const row = await db.awards.get(id);
      if (!row) return undefined;
      const { sig: _s, ...a } = row;
      return a;
    },
    addPhoto: async (hash, bytes, type) => {
      const blob = new Blob([bytes], { type });
      await db.photos.put({ hash, blob, thumb: blob, width: 1, height: 1, type, uploaded: 0, createdAt: '2023-09-16T12:00:00+08:00' });
    },
  };
});
