import { describe, expect, it } from 'vitest';
import { readStorageStatus, storageWarnings } from '../../../src/app/db/storage-status';

const MB = 1024 * 1024;
function fakeStorage(opts: { persisted: boolean; grant: boolean; usage: number; quota: number }) {
  const calls: string[] = [];
  const storage = {
    persisted: async () => {
      calls.push('persisted');
      return opts.persisted;
    },
    persist: async () => {
      calls.push('persist');
      return opts.grant;
    },
    estimate: async () => ({ usage: opts.usage, quota: opts.quota }),
    getDirectory: async () => {
      throw new Error('unused');
    },
  } as StorageManager;
  return { storage, calls };
}

describe('storage status', () => {
  it('asks for persistence when not yet granted and reports the grant', async () => {
    const { storage, calls } = fakeStorage({ persisted: false, grant: true, usage: 5 * MB, quota: 100 * MB });
    expect(await readStorageStatus(storage, true)).toEqual({ persisted: true, usage: 5 * MB, quota: 100 * MB });
    expect(calls).toEqual(['persisted', 'persist']);
  });

  it('does not ask again when storage is already persistent', async () => {
    const { storage, calls } = fakeStorage({ persisted: true, grant: true, usage: 0, quota: 1 });
    await readStorageStatus(storage, true);
    expect(calls).toEqual(['persisted']);
  });

  it('warns when storage is not persistent', () => {
    expect(storageWarnings({ persisted: false, usage: 1, quota: 100 })).toEqual(['notPersistent']);
  });

  it('warns above 80% of quota and not at 80%', () => {
    expect(storageWarnings({ persisted: true, usage: 81, quota: 100 })).toEqual(['nearQuota']);
    expect(storageWarnings({ persisted: true, usage: 80, quota: 100 })).toEqual([]);
  });

  it('reports unknowns as null when the browser has no storage manager', async () => {
    expect(await readStorageStatus(undefined)).toEqual({ persisted: null, usage: null, quota: null });
    expect(storageWarnings({ persisted: null, usage: null, quota: null })).toEqual([]);
  });
});
