import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { setLedgerDbFactory } from '../../../src/app/db/database';
import { useSettingsStore } from '../../../src/app/stores/settings';
import { freshDb } from '../db/helpers';

describe('settings load', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('asks the browser once for persistent storage and records the answer and the warnings', async () => {
    const asked: string[] = [];
    vi.stubGlobal('navigator', {
      storage: {
        persisted: async () => {
          asked.push('persisted');
          return false;
        },
        persist: async () => {
          asked.push('persist');
          return false;
        },
        estimate: async () => ({ usage: 90, quota: 100 }),
      },
    });
    setActivePinia(createPinia());
    setLedgerDbFactory(freshDb);
    const s = useSettingsStore();
    await Promise.all([s.load(), s.load()]);
    for (let i = 0; i < 50 && s.storage.quota === null; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(asked).toEqual(['persisted', 'persist']);
    expect(s.storage).toEqual({ persisted: false, usage: 90, quota: 100 });
    expect(s.warnings).toEqual(['notPersistent', 'nearQuota']);
  });
});
