/**
 * The phone's ledger in IndexedDB. Versions only append: a new version adds stores or indexes
 * and, where needed, an upgrade that rewrites old rows; each is tested by opening data written
 * by the version before it (tests/app/db/ledger-db-upgrade.test.ts).
 */
import Dexie, { type Table, type Transaction } from 'dexie';
import type { LedgerEvent, EventContent } from '../../domain/event';
import type { Target } from '../../domain/targets';
import type { Award } from '../../domain/awards';
import type { OutboxMutation, MutationResult } from '../../sync/protocol';
import type { StoredTotalsRow, TotalsKey } from '../../domain/totals';
import { rebuildTotals } from './year-totals';
import { moveDraftsIntoBox } from './draft-repository';

/** A stored event, with the calendar keys the indexes need (Asia/Shanghai, see domain/year). */
export type EventRow = LedgerEvent & {
  /** Report year of startAt in the region's time zone. */
  year: number;
  /** "YYYY-MM" of startAt in the region's time zone. */
  ym: string;
  /** The server's signature of the row as last pulled, absent once changed here (sync/local-store.ts, point 9). */
  sig?: string;
};

/** An outbox row: one mutation waiting for the server, or held back after a rejection. */
export type OutboxRow = OutboxMutation & {
  state: 'pending' | 'quarantined';
  /** Why the server refused it (when quarantined). */
  rejection?: Extract<MutationResult, { status: 'rejected' }> | null;
};

/** Which form a draft belongs to: a new event's, or an edit of a stored event. */
export type DraftMode = 'new' | 'edit';

/** An unsaved form in the draft box (草稿箱), kept on every change so a phone call or a dead battery loses nothing. */
export interface DraftRow {
  /** The id of the event the draft becomes: a new event's reserved id, or the edited event's id ('new' before version 3). */
  key: string;
  /** Absent in rows written before version 3 (and in old backups). */
  mode?: DraftMode;
  content: EventContent;
  /** When the draft was last touched (ISO). */
  savedAt: string;
}

/** A photo as evidence (佐证材料): the resized JPEG and a thumbnail, named by content hash. */
export interface PhotoRow {
  hash: string;
  blob: Blob;
  thumb: Blob;
  width: number;
  height: number;
  type: string;
  /** 1 once the server holds it (kept as a number: booleans cannot be indexed). */
  uploaded: 0 | 1;
  createdAt: string;
}

/** Small named values: device id, seq counter, pull cursor, settings, session, taxonomy. */
export interface MetaRow {
  key: string;
  value: unknown;
}

/** A stored target (绩效目标), with the server's signature as for events. */
export type TargetRow = Target & { sig?: string };

/** A stored competition award (竞赛获奖, staff only), with the server's signature as for events. */
export type AwardRow = Award & { sig?: string };

/** A stored row without the server's signature: what a local change must store (it no longer holds). */
export function withoutSig<T extends { sig?: string }>(row: T): T {
  if (!('sig' in row)) return row;
  const { sig: _sig, ...rest } = row;
  return rest as T;
}

export const LEDGER_DB_NAME = 'kepu-ledger';

/** The schema of each version, in order; never edit a published line, only add one. */
export const LEDGER_DB_VERSIONS: Record<number, Record<string, string>> = {
  1: {
    events: 'id, startAt, [townshipCode+year], [year+ym], status, createdBy, updatedAt',
    outbox: 'seq, eventId, targetId, state',
    drafts: 'key',
    photos: 'hash, uploaded',
    meta: 'key',
    targets: 'id, year',
  },
  // Year totals by township and by format, kept in the same transaction as every event write.
  2: {
    totals: '[year+axis+key]',
  },
  // The draft box: many drafts, each keyed by its event's id, listed by when they were touched.
  3: {
    drafts: 'key, savedAt',
  },
  // Competition awards (issue 14 §4), synced like targets; the outbox finds an award's mutations.
  4: {
    outbox: 'seq, eventId, targetId, awardId, state',
    awards: 'id, year',
  },
};

/**
 * Version 4: a staff phone's cursor may have passed award rows the server held back from its
 * earlier build (protocol.ts, pull query `awards`): it pulls once more from 0 (rows it holds are
 * written again or merged, which changes nothing). A volunteer's phone receives no awards.
 */
async function pullAgainForAwards(tx: Transaction): Promise<void> {
  const meta = tx.table<MetaRow, string>('meta');
  const scope = await meta.get('pullScope');
  if (typeof scope?.value === 'string' && scope.value.startsWith('own:')) return;
  if ((await meta.get('pullCursor')) !== undefined) await meta.put({ key: 'pullCursor', value: 0 });
}

/** Upgrades that rewrite or build rows, by the version that brings them. */
const LEDGER_DB_UPGRADES: Record<number, (tx: Transaction) => Promise<void>> = {
  2: rebuildTotals,
  3: moveDraftsIntoBox,
  4: pullAgainForAwards,
};

/**
 * The Dexie database of one phone's ledger. Dexie's query cache is off: the save path writes
 * through IndexedDB itself (native-write.ts) and tells live queries by Dexie's public
 * 'storagemutated' event, which a cached result would not hear.
 */
export class LedgerDb extends Dexie {
  events!: Table<EventRow, string>;
  outbox!: Table<OutboxRow, number>;
  drafts!: Table<DraftRow, string>;
  photos!: Table<PhotoRow, string>;
  meta!: Table<MetaRow, string>;
  targets!: Table<TargetRow, string>;
  awards!: Table<AwardRow, string>;
  totals!: Table<StoredTotalsRow, TotalsKey>;

  private readonly queuedListeners = new Set<() => void>();

  constructor(name = LEDGER_DB_NAME) {
    super(name, { cache: 'disabled' });
    for (const [version, stores] of Object.entries(LEDGER_DB_VERSIONS)) {
      const v = this.version(Number(version)).stores(stores);
      const upgrade = LEDGER_DB_UPGRADES[Number(version)];
      if (upgrade) v.upgrade(upgrade);
    }
    // Outbox rows written through Dexie (targets, imports, restores, retries) announce themselves
    // once their transaction has committed; the native save path announces its own.
    this.outbox.hook('creating', (_key, _row, tx) => {
      tx.on('complete', () => this.announceQueued());
    });
  }

  /** Calls `listener` after every committed transaction that queued a mutation; answers a function that stops. */
  onMutationQueued(listener: () => void): () => void {
    this.queuedListeners.add(listener);
    return () => this.queuedListeners.delete(listener);
  }

  /** Tells the listeners a committed transaction queued a mutation (writers in app/db call it). */
  announceQueued(): void {
    for (const l of this.queuedListeners) l();
  }
}
