/**
 * The phone-side storage the sync engine needs, and nothing more. The engine never imports Dexie:
 * `app/db/dexie-local-store.ts` implements this over IndexedDB, `sync/memory-local-store.ts` in
 * memory for tests, and ONE conformance suite (tests/sync/local-store-conformance.ts) runs over both.
 *
 * Vocabulary:
 * - pending mutation: an outbox row waiting to be pushed (state 'pending').
 * - quarantined mutation: an outbox row the server rejected; kept, visible, never pushed again
 *   unless retried (under a new seq), and never blocking the mutations behind it.
 * - unsettled mutations of a record: its pending AND quarantined mutations. They still describe
 *   what this device's user meant, so a pull re-applies them on top of the server's row (see
 *   merge.ts) — local intent wins until the server has decided and the user has seen the answer.
 *
 * Every method is idempotent with respect to repeated input and atomic (one transaction): a tab
 * closed between any two calls leaves a state from which the next run simply continues.
 */
import type { TotalsRow } from '../domain/totals';
import type { MutationResult, OutboxMutation, PulledRow, RecoveredRow } from './protocol';

/** A mutation the server refused, with its answer, as the settings screen shows it. */
export type QuarantinedMutation = OutboxMutation & {
  readonly rejection: Extract<MutationResult, { status: 'rejected' }>;
};

/** A stored photo's bytes, as uploaded under its hash. */
export interface StoredBlob {
  readonly blob: Blob;
  readonly type: string;
}

/**
 * What the sync engine and the sync UI need from local storage. Implementers guarantee:
 *
 * 1. `clientId()` is the same UUID for the life of the local database.
 * 2. `pendingMutations(limit)` returns at most `limit` pending (never quarantined) mutations in
 *    rising seq order, starting at the lowest pending seq.
 * 3. `applyPushResults(results)`, in one transaction: deletes the outbox rows whose result is
 *    `applied` or `skipped`; marks `rejected` ones quarantined with the rejection; ignores results
 *    for seqs it no longer holds (a duplicated response) and leaves rows without a result pending.
 *    It then makes sure the next pull re-delivers any record whose local copy may now differ from
 *    the server's: when a dropped mutation's record was already pulled at a rev the mutation may
 *    not have been the last word on (`skipped`, or `applied` at a rev below the local rev), the
 *    pull cursor is lowered to (local rev − 1). Normal pushes (applied at a rev above the local rev)
 *    never move the cursor.
 * 4. `pullCursor()` is the last rev this device has applied from pulls (0 at first).
 * 5. `applyPulled(rows, cursor, fromCursor)`, in ONE transaction with the outbox read: writes every
 *    pulled row (tombstones included) — verbatim when the record has no unsettled mutations, else
 *    merged with `mergePulledRow` (pulled row, then the unsettled mutations re-applied in seq
 *    order) — and sets the cursor to `cursor`, unless the stored cursor is no longer `fromCursor`
 *    (a rewind happened meanwhile), in which case the lower of the two is kept.
 * 6. `pendingBlobHashes()` lists photos stored locally and not yet uploaded; `readBlob(hash)` gives
 *    the bytes (null when absent); `markBlobUploaded(hash)` records the upload (no-op when absent);
 *    `storeFetchedBlob(hash, blob)` caches a photo fetched from the server (already uploaded).
 * 7. `pendingCount()` counts pending mutations; `quarantined()` lists quarantined ones in seq order.
 * 8. `retryQuarantined(seq)` re-queues a quarantined mutation as pending under a NEW seq (the
 *    device's next one: the server skips seqs it has already answered). `discardQuarantined(seq)`
 *    deletes it and restores the server's version of its record: the cursor is lowered to
 *    (local rev − 1) so the next pull re-delivers it, or, for a record the server never gave
 *    (rev 0) with no other unsettled mutation, the local copy is deleted — as is an event outside
 *    the stored pull scope (point 11) with no other unsettled mutation: no pull would bring it.
 * 9. Epochs (the identity of the server's ledger, changed by a restore from a backup):
 *    `ledgerEpoch()` answers the epoch this device's rows and cursor belong to (null before the
 *    first pull from rev 0) and the epoch of a recovery under way (null when none).
 *    `adoptEpoch(epoch)` stores it only when none is stored and the cursor is 0 (a fresh device).
 *    `beginRecovery(epoch)` atomically records the recovery and marks every local photo as not
 *    uploaded (the restored server may lack it; a PUT of one it has is harmless).
 *    `recoveryRows(after, limit)` pages every stored event, then every target, then every award, in id order after
 *    `after` (null: from the start), tombstones included, each with only the record's own fields
 *    and the signature it was last pulled with (null when it has none, or was changed here since).
 *    `finishRecovery(epoch)` atomically, when that recovery is the one under way: stores the
 *    epoch, ends the recovery and sets the pull cursor to 0. `applyPulled` keeps the signature of
 *    a row it writes verbatim and forgets it for a merged one.
 * 10. `setRejectionReason(seq, reason)` replaces the reason of a quarantined mutation's rejection,
 *     keeping its problems (the sync engine's word on a photo it could not send again: waiting for
 *     the server's budget, or lost on this phone too); a no-op when `seq` is not quarantined.
 * 11. Scopes (issue 13 §5, domain/scope.ts): `pullScope()` answers the scope the rows and cursor
 *     belong to (null before the first pull that named one). `changeScope(scope)` atomically stores
 *     it, sets the cursor to 0 and, for a volunteer's scope (`own:<id>`), deletes every event outside
 *     it that has no unsettled mutation (rows with unsynced changes are never lost: the push
 *     resolves them), and every award without one (volunteers do not receive awards); for `all`
 *     it forgets the org totals.
 * 12. Awards (issue 14 §4) are records like targets: pulled, merged, settled, discarded and sent
 *     back in a recovery by the same rules (`entity: 'award'`, key "award:<id>"). `applyPulled`'s `extras.dropped` are
 *     applied before its rows, in the same transaction: each named event without unsettled
 *     mutations is deleted (its totals too); `extras.totals`, when present, replaces the stored
 *     org totals, which `orgTotals()` answers (null when none), and `extras.totalsKey` (kept only
 *     with them) names them: `orgTotalsKey()` answers it (null when none, or forgotten).
 */
export interface LocalStore {
  clientId(): Promise<string>;
  pendingMutations(limit: number): Promise<OutboxMutation[]>;
  pendingCount(): Promise<number>;
  applyPushResults(results: readonly MutationResult[]): Promise<void>;
  pullCursor(): Promise<number>;
  applyPulled(rows: readonly PulledRow[], cursor: number, fromCursor: number, extras?: PulledExtras): Promise<void>;
  pendingBlobHashes(): Promise<string[]>;
  readBlob(hash: string): Promise<StoredBlob | null>;
  markBlobUploaded(hash: string): Promise<void>;
  storeFetchedBlob(hash: string, blob: StoredBlob): Promise<void>;
  quarantined(): Promise<QuarantinedMutation[]>;
  retryQuarantined(seq: number): Promise<void>;
  discardQuarantined(seq: number): Promise<void>;
  setRejectionReason(seq: number, reason: string): Promise<void>;
  ledgerEpoch(): Promise<LocalEpoch>;
  adoptEpoch(epoch: string): Promise<void>;
  beginRecovery(epoch: string): Promise<void>;
  recoveryRows(after: RecoveryKey | null, limit: number): Promise<RecoveredRow[]>;
  finishRecovery(epoch: string): Promise<void>;
  pullScope(): Promise<string | null>;
  changeScope(scope: string): Promise<void>;
  orgTotals(): Promise<TotalsRow[] | null>;
  orgTotalsKey(): Promise<string | null>;
}

/** What a scoped pull carries besides rows (point 11). */
export interface PulledExtras {
  /** Events that left this phone's scope: deleted unless they hold unsynced changes. */
  readonly dropped?: readonly string[] | undefined;
  /** The org's year totals counted by the server (a scoped phone's coverage card and map). */
  readonly totals?: readonly TotalsRow[] | undefined;
  /** The server's name of `totals` (PullResponse.totalsKey); stored only with them. */
  readonly totalsKey?: string | undefined;
}

/** Where a device stands with the server's ledger epochs (point 9). */
export interface LocalEpoch {
  readonly epoch: string | null;
  readonly recovering: string | null;
}

/** A place in the recovery order: events by id, then targets by id, then awards by id. */
export interface RecoveryKey {
  readonly entity: 'event' | 'target' | 'award';
  readonly id: string;
}
