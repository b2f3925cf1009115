/**
 * The ledger store: how screens write the phone's ledger — its event repository (targets: the
 * targets store, over the same world), the form's drafts, the backup — stamped with the session's identity, the device id and the region's
 * time zone. Reads go through the named live queries (composables/useLedger.ts). The database
 * itself is app/db's (database.ts), never this store's.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { EventContent, ReferenceContext } from '../../domain/event';
import { townshipCodesOf, villageTownshipMapOf, type RegionPack } from '../../domain/region';
import { DEFAULT_TIME_ZONE } from '../../domain/year';
import { ledgerDb } from '../db/database';
import { clearDraft, isFreeEventId, isNewEventDraft, listDrafts, loadDraft, rekeyDraft, saveDraft } from '../db/draft-repository';
import type { DraftMode, DraftRow } from '../db/ledger-db';
import { createEventRepository, type RepositoryDeps } from '../db/event-repository';
import type { ImportCounts } from '../db/ledger-backup';
import { observe } from '../db/live';
import { META, getOrCreateClientId } from '../db/meta';
import { myLastLoggedEventIn } from '../db/my-events';
import { readMeta } from '../db/meta-values';
import { useRegionStore } from './region';
import { useIdentityStore } from './identity';
import { useSettingsStore } from './settings';

const random16 = () => crypto.getRandomValues(new Uint8Array(16));
const packCodes = new WeakMap<RegionPack, Pick<ReferenceContext, 'townshipCodes' | 'villageTownship'>>();

/** The phone's ledger: `repo`, `drafts`, `clientId` (null until read), `identity`, `timeZone`, and the `world` (clock, ids, identity, zone) repositories share. */
export const useLedgerStore = defineStore('ledger', () => {
  const db = ledgerDb();
  const clientId = ref<string | null>(null);
  const who = useIdentityStore();
  const region = useRegionStore();
  const settings = useSettingsStore();
  const identity = computed(() => who.identity);
  const timeZone = computed(() => region.pack?.meta.timeZone ?? DEFAULT_TIME_ZONE);

  let clientIdPromise: Promise<string> | null = null;
  /** This device's id, made on first use; follows meta 'clientId' (an import may adopt another). */
  function ensureClientId(): Promise<string> {
    if (clientId.value) return Promise.resolve(clientId.value);
    clientIdPromise ??= getOrCreateClientId(db, random16).then((id) => (clientId.value = id));
    return clientIdPromise;
  }
  void ensureClientId();
  observe(
    () => readMeta(META.clientId),
    (id) => {
      if (typeof id === 'string') clientId.value = id;
    },
  );

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

  const world: RepositoryDeps = {
    now: () => Date.now(),
    random16,
    identity: () => who.identity,
    // A write waits for the stored identity, so it is stamped with who is signed in even when it
    // comes before the app has read the session (a save on the first screen).
    clientId: async () => {
      await who.ready();
      return ensureClientId();
    },
    get timeZone() {
      return timeZone.value;
    },
    references,
  };
  const repo = createEventRepository(db, world);

  /** The draft box: the forms' unsaved content (autosaved or kept on purpose), by the id of the event each becomes. */
  const drafts = {
    load: (key: string) => loadDraft(db, key),
    save: (key: string, content: EventContent, mode: DraftMode) => saveDraft(db, key, content, Date.now(), mode),
    clear: (key: string) => clearDraft(db, key),
    rekey: (from: string, to: string) => rekeyDraft(db, from, to),
    /** Every draft, last touched first. */
    list: () => listDrafts(db),
    /** Whether a draft holds changes to a stored event (else it is a new event's). */
    isEdit: (d: DraftRow) => !isNewEventDraft(d),
    /** Whether a new event may take `key` as its id (a UUID no stored event has). */
    isFreeEventId: (key: string) => isFreeEventId(db, key),
    /** The event this person logged last: what "repeat last event" copies. */
    lastLoggedEvent: () => myLastLoggedEventIn(db, who.identity.userId),
  };

  // The backup code loads only when asked: it is not part of the logging route.
  /** The whole ledger as a backup file (导出全部数据). */
  const exportBackup = async (): Promise<Blob> => (await import('../db/ledger-backup')).exportLedger(db);
  /** Merges a backup file (导入); throws ImportError with problems when the file is refused. */
  const importBackup = async (file: Blob): Promise<ImportCounts> => (await import('../db/ledger-backup')).importLedger(db, file, timeZone.value);
  return { repo, world, drafts, clientId, identity, timeZone, ensureClientId, exportBackup, importBackup };
});
