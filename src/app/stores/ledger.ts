/**
 * The ledger store: the one LedgerDb of this phone, its EventRepository and the device id.
 * Thin on purpose; screens query `db` through useLiveQuery and write through `repo`.
 */
import { liveQuery } from 'dexie';
import { defineStore } from 'pinia';
import { computed, markRaw, ref } from 'vue';
import { DEFAULT_TIME_ZONE } from '../../domain/year';
import type { ReferenceContext } from '../../domain/event';
import { townshipCodesOf, villageTownshipMapOf, type RegionPack } from '../../domain/region';
import { createEventRepository, type Identity } from '../db/event-repository';
import { LedgerDb } from '../db/ledger-db';
import { META, getOrCreateClientId } from '../db/meta';
import type { ImportCounts } from '../db/ledger-backup';
import { useRegionStore } from './region';
import { useSettingsStore } from './settings';

/** The identity of a phone nobody has signed in on. */
export const NO_IDENTITY: Identity = { userId: '', orgId: '', role: null };

let makeDb: () => LedgerDb = () => new LedgerDb();
/** Tests: make the store open a database of their own (call before the store is first used). */
export function setLedgerDbFactory(factory: () => LedgerDb): void {
  makeDb = factory;
}

/** Reads the cached identity out of a meta 'session' value written by the session store. */
export function identityOf(session: unknown): Identity {
  if (!session || typeof session !== 'object') return NO_IDENTITY;
  const s = session as Record<string, unknown>;
  const role = s.role === 'admin' || s.role === 'staff' || s.role === 'volunteer' ? s.role : null;
  return { userId: typeof s.userId === 'string' ? s.userId : '', orgId: typeof s.orgId === 'string' ? s.orgId : '', role };
}

const random16 = () => crypto.getRandomValues(new Uint8Array(16));
const packCodes = new WeakMap<RegionPack, Pick<ReferenceContext, 'townshipCodes' | 'villageTownship'>>();

/** The phone's ledger: `db`, `repo`, `clientId` (null until read), `identity`. */
export const useLedgerStore = defineStore('ledger', () => {
  // markRaw: a reactive proxy around Dexie breaks its transactions (PrematureCommitError in Chromium).
  const db = markRaw(makeDb());
  const clientId = ref<string | null>(null);
  const identity = ref<Identity>(NO_IDENTITY);
  const region = useRegionStore();
  const settings = useSettingsStore();

  let clientIdPromise: Promise<string> | null = null;
  /** This device's id, made on first use; follows meta 'clientId' (an import may adopt another). */
  function ensureClientId(): Promise<string> {
    if (clientId.value) return Promise.resolve(clientId.value);
    clientIdPromise ??= getOrCreateClientId(db, random16).then((id) => (clientId.value = id));
    return clientIdPromise;
  }
  void ensureClientId();
  liveQuery(() => db.meta.get(META.clientId)).subscribe({
    next: (row) => { if (typeof row?.value === 'string') clientId.value = row.value; },
  });

  // Keep the identity cache in step with whatever the session store writes to meta 'session'.
  liveQuery(() => db.meta.get('session')).subscribe({
    next: (row) => { identity.value = identityOf(row?.value); },
    error: () => { identity.value = NO_IDENTITY; },
  });

  function references(): ReferenceContext | null {
    const pack = region.pack;
    if (!pack) return null;
    let codes = packCodes.get(pack);
    if (!codes) {
      codes = { townshipCodes: townshipCodesOf(pack), villageTownship: villageTownshipMapOf(pack) };
      packCodes.set(pack, codes);
    }
    return { taxonomy: settings.taxonomy, ...codes };
  }

  const repo = createEventRepository(db, {
    now: () => Date.now(),
    random16,
    identity: () => identity.value,
    clientId: ensureClientId,
    get timeZone() { return region.pack?.meta.timeZone ?? DEFAULT_TIME_ZONE; },
    references,
  });

  const timeZone = computed(() => region.pack?.meta.timeZone ?? DEFAULT_TIME_ZONE);
  /** The whole ledger as a backup file (导出全部数据). */
  // The backup code loads only when asked: it is not part of the logging route.
  const exportBackup = async (): Promise<Blob> => (await import('../db/ledger-backup')).exportLedger(db);
  /** Merges a backup file (导入); throws ImportError with problems when the file is refused. */
  const importBackup = async (file: Blob): Promise<ImportCounts> =>
    (await import('../db/ledger-backup')).importLedger(db, file, timeZone.value);
  return { db, repo, clientId, identity, timeZone, ensureClientId, exportBackup, importBackup };
});
