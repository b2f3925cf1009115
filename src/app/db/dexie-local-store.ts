/**
 * The sync engine's LocalStore over the phone's Dexie database (see src/sync/local-store.ts for
 * the contract). The outbox lives in the `outbox` table (pending and quarantined rows), the pull
 * cursor in meta 'pullCursor', photos in `photos` (uploaded 0/1). Each method is one Dexie
 * transaction, so a tab closed at any moment leaves either all of a step or none of it.
 */
import type { Target } from '../../domain/targets';
import type { Award } from '../../domain/awards';
import { inScope, scopeUser } from '../../domain/scope';
import type { TotalsRow } from '../../domain/totals';
import type { LocalEpoch, LocalStore, PulledExtras, QuarantinedMutation, RecoveryKey, StoredBlob } from '../../sync/local-store';
import { mergePulledAward, mergePulledEvent, mergePulledTarget } from '../../sync/merge';
import { cursorAfterPull, recordIdOf, recordKeyOf, settlePushResults } from '../../sync/outbox';
import type { Mutation, MutationResult, OutboxMutation, PulledRow, RecoveredRow } from '../../sync/protocol';
import { recordOfRow, writeEvents, type EventWrite, type StoredEvent } from './event-writes';
import { withoutSig, type AwardRow, type EventRow, type LedgerDb, type OutboxRow, type TargetRow } from './ledger-db';
import { getOrCreateClientId, META, takeSeq } from './meta';

/** Meta key of the last rev applied from pulls. */
export const PULL_CURSOR_KEY = 'pullCursor';
/** Meta key of the server ledger epoch the events and the cursor belong to. */
export const LEDGER_EPOCH_KEY = 'ledgerEpoch';
/** Meta key of the epoch a recovery under way is sending rows back to. */
export const RECOVERING_EPOCH_KEY = 'recoveringEpoch';
/** Meta key of the pull scope the events and the cursor belong to (issue 13 §5: domain/scope.ts). */
export const PULL_SCOPE_KEY = META.pullScope;
/** Meta key of the org's year totals as the server last counted them for a scoped phone (TotalsRow[]). */
export const ORG_TOTALS_KEY = META.orgTotals;
/** Meta key of the server's name of those totals (PullResponse.totalsKey). */
export const ORG_TOTALS_KEY_KEY = 'orgTotalsKey';

/** What the store needs besides the database. */
export interface DexieLocalStoreDeps {
  /** 16 random bytes, for the device id made on first use. */
  random16(): Uint8Array;
  /** The region's time zone, for the year/month keys of stored events. */
  timeZone: string;
}

/** Strips the outbox row's own bookkeeping. */
function mutationOf(row: OutboxRow): OutboxMutation {
  const { state: _state, rejection: _rejection, ...m } = row;
  return m as OutboxMutation;
}

/** Pages at least this long look up their local rows by a key scan first (see localEventsOf). */
const LOCAL_KEYS_SCAN_MIN = 64;

/** Runs of consecutive integers, as [first, last] pairs, of a list in any order. */
export function runsOf(seqs: readonly number[]): [number, number][] {
  const sorted = [...seqs].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const n of sorted) {
    const last = runs[runs.length - 1];
    if (last && n <= last[1] + 1) last[1] = Math.max(last[1], n);
    else runs.push([n, n]);
  }
  return runs;
}

/** The LocalStore over LedgerDb. */
export class DexieLocalStore implements LocalStore {
  constructor(
    private readonly db: LedgerDb,
    private readonly deps: DexieLocalStoreDeps,
  ) {}

  clientId(): Promise<string> {
    return getOrCreateClientId(this.db, this.deps.random16);
  }

  async pendingMutations(limit: number): Promise<OutboxMutation[]> {
    // Equal index keys come in primary-key (seq) order.
    const rows = await this.db.outbox.where('state').equals('pending').limit(limit).toArray();
    return rows.map(mutationOf);
  }

  pendingCount(): Promise<number> {
    return this.db.outbox.where('state').equals('pending').count();
  }

  async applyPushResults(results: readonly MutationResult[]): Promise<void> {
    const { db } = this;
    await db.transaction('rw', [db.outbox, db.events, db.targets, db.awards, db.meta], async () => {
      if (results.length === 0) return;
      // A page's seqs are one run of the outbox: one range read (getAll) instead of a get per seq;
      // rows in the range without a result are never settled (settlePushResults goes by results).
      let lo = results[0]!.seq;
      let hi = lo;
      for (const r of results) {
        if (r.seq < lo) lo = r.seq;
        if (r.seq > hi) hi = r.seq;
      }
      const held = await db.outbox.where(':id').between(lo, hi, true, true).toArray();
      const pending = new Map<number, Mutation>();
      for (const row of held) if (row.state === 'pending') pending.set(row.seq, row);
      const revs = await this.revsOf([...pending.values()]);
      const plan = settlePushResults(results, pending, (key) => revs.get(key));
      // Consecutive seqs go in one range delete each (seqs are integers: a run holds no other key).
      for (const [from, to] of runsOf(plan.drop)) {
        if (from === to) await db.outbox.delete(from);
        else await db.outbox.where(':id').between(from, to, true, true).delete();
      }
      for (const q of plan.quarantine) {
        await db.outbox.update(q.seq, { state: 'quarantined', rejection: q.rejection });
      }
      if (plan.rewindTo !== null) await this.lowerCursor(plan.rewindTo);
    });
  }

  async pullCursor(): Promise<number> {
    const row = await this.db.meta.get(PULL_CURSOR_KEY);
    return typeof row?.value === 'number' ? row.value : 0;
  }

  async applyPulled(rows: readonly PulledRow[], cursor: number, fromCursor: number, extras: PulledExtras = {}): Promise<void> {
    const { db } = this;
    await db.transaction('rw', [db.outbox, db.events, db.targets, db.awards, db.meta, db.totals], async () => {
      // The outbox is read inside the same transaction: a save landing meanwhile is either fully
      // before (and re-applied here) or fully after (and applied over what we write).
      const unsettled = await db.outbox.toArray();
      // Events that left this phone's scope go first (a row for one of them later in the page
      // brings it back), unless they hold unsynced changes: those stay for the push to resolve.
      if (extras.dropped?.length) {
        const keep = new Set(unsettled.map((m) => recordKeyOf(m)));
        const gone = (await db.events.bulkGet(extras.dropped.filter((id) => !keep.has(`event:${id}`)))).filter((r): r is EventRow => r !== undefined);
        if (gone.length)
          await writeEvents(
            db,
            gone.map((before) => ({ before, after: null })),
            this.deps.timeZone,
          );
      }
      if (extras.totals) {
        await db.meta.put({ key: ORG_TOTALS_KEY, value: extras.totals });
        if (extras.totalsKey === undefined) await db.meta.delete(ORG_TOTALS_KEY_KEY);
        else await db.meta.put({ key: ORG_TOTALS_KEY_KEY, value: extras.totalsKey });
      }
      const events = rows.flatMap((r) => (r.entity === 'event' ? [r.row] : []));
      const targets = rows.flatMap((r) => (r.entity === 'target' ? [r.row] : []));
      if (events.length) {
        const locals = await this.localEventsOf(events.map((e) => e.id));
        const merged = new Map<string, StoredEvent>();
        const sigs = rows.flatMap((r) => (r.entity === 'event' ? [r.sig] : []));
        events.forEach((pulled, i) => {
          const row = mergePulledEvent(pulled, merged.get(pulled.id) ?? locals[i], unsettled);
          // The server's signature holds only for its row as sent (see local-store.ts, point 9).
          const sig = row === pulled ? sigs[i] : undefined;
          merged.set(pulled.id, sig ? { ...row, sig } : row);
        });
        // Each id goes from its stored row to the last row merged for it.
        const before = new Map<string, EventRow | undefined>();
        events.forEach((e, i) => {
          if (!before.has(e.id)) before.set(e.id, locals[i]);
        });
        const writes: EventWrite[] = [...merged.values()].map((after) => ({ before: before.get(after.id), after }));
        await writeEvents(db, writes, this.deps.timeZone);
      }
      if (targets.length) {
        const locals = await db.targets.bulkGet(targets.map((t) => t.id));
        const merged = new Map<string, TargetRow>();
        const sigs = rows.flatMap((r) => (r.entity === 'target' ? [r.sig] : []));
        targets.forEach((pulled, i) => {
          const row: Target = mergePulledTarget(pulled, merged.get(pulled.id) ?? locals[i], unsettled);
          const sig = row === pulled ? sigs[i] : undefined;
          merged.set(pulled.id, sig ? { ...row, sig } : withoutSig<TargetRow>(row));
        });
        await db.targets.bulkPut([...merged.values()]);
      }
      const awards = rows.flatMap((r) => (r.entity === 'award' ? [r.row] : []));
      if (awards.length) {
        const locals = await db.awards.bulkGet(awards.map((a) => a.id));
        const merged = new Map<string, AwardRow>();
        const sigs = rows.flatMap((r) => (r.entity === 'award' ? [r.sig] : []));
        awards.forEach((pulled, i) => {
          const row: Award = mergePulledAward(pulled, merged.get(pulled.id) ?? locals[i], unsettled);
          const sig = row === pulled ? sigs[i] : undefined;
          merged.set(pulled.id, sig ? { ...row, sig } : withoutSig<AwardRow>(row));
        });
        await db.awards.bulkPut([...merged.values()]);
      }
      const stored = await this.pullCursor();
      await db.meta.put({ key: PULL_CURSOR_KEY, value: cursorAfterPull(stored, fromCursor, cursor) });
    });
  }

  async pendingBlobHashes(): Promise<string[]> {
    return (await this.db.photos.where('uploaded').equals(0).primaryKeys()).map(String);
  }

  async readBlob(hash: string): Promise<StoredBlob | null> {
    const p = await this.db.photos.get(hash);
    return p ? { blob: p.blob, type: p.type } : null;
  }

  async markBlobUploaded(hash: string): Promise<void> {
    await this.db.photos.update(hash, { uploaded: 1 });
  }

  async storeFetchedBlob(hash: string, blob: StoredBlob): Promise<void> {
    const { db } = this;
    await db.transaction('rw', db.photos, async () => {
      if (await db.photos.get(hash)) return;
      // A photo made elsewhere: no thumbnail was made for it here, the full image serves as one.
      await db.photos.put({
        hash,
        blob: blob.blob,
        thumb: blob.blob,
        width: 0,
        height: 0,
        type: blob.type,
        uploaded: 1,
        createdAt: new Date(0).toISOString(),
      });
    });
  }

  async setRejectionReason(seq: number, reason: string): Promise<void> {
    const { db } = this;
    await db.transaction('rw', db.outbox, async () => {
      const row = await db.outbox.get(seq);
      if (row?.state === 'quarantined' && row.rejection) await db.outbox.update(seq, { rejection: { ...row.rejection, reason } });
    });
  }

  async quarantined(): Promise<QuarantinedMutation[]> {
    const rows = await this.db.outbox.where('state').equals('quarantined').toArray();
    return rows.map((r) => ({ ...mutationOf(r), rejection: r.rejection! }) as QuarantinedMutation);
  }

  async retryQuarantined(seq: number): Promise<void> {
    const { db } = this;
    await db.transaction('rw', [db.outbox, db.meta], async () => {
      const row = await db.outbox.get(seq);
      if (!row || row.state !== 'quarantined') return;
      const next = await takeSeq(db);
      await db.outbox.delete(seq);
      await db.outbox.add({ ...row, seq: next, state: 'pending', rejection: null } as OutboxRow);
    });
  }

  async discardQuarantined(seq: number): Promise<void> {
    const { db } = this;
    await db.transaction('rw', [db.outbox, db.events, db.targets, db.awards, db.meta, db.totals], async () => {
      const row = await db.outbox.get(seq);
      if (!row || row.state !== 'quarantined') return;
      await db.outbox.delete(seq);
      const id = recordIdOf(row);
      const rec = row.entity === 'event' ? await db.events.get(id) : row.entity === 'award' ? await db.awards.get(id) : await db.targets.get(id);
      if (!rec) return;
      if (row.entity === 'event') {
        // Kept only for its unsynced change: outside this phone's scope the server never sends it again.
        const scope = await db.meta.get(PULL_SCOPE_KEY);
        const outside = typeof scope?.value === 'string' && !inScope(scope.value, rec as EventRow);
        if (outside && (await db.outbox.where('eventId').equals(row.eventId).count()) === 0) {
          await writeEvents(db, [{ before: rec as EventRow, after: null }], this.deps.timeZone);
          return;
        }
      }
      if (rec.rev > 0) {
        await this.lowerCursor(rec.rev - 1);
        return;
      }
      const key = recordKeyOf(row);
      const others = await db.outbox.where(`${row.entity}Id`).equals(id).toArray();
      if (others.some((o) => recordKeyOf(o) === key)) return;
      if (row.entity === 'event') await writeEvents(db, [{ before: rec as EventRow, after: null }], this.deps.timeZone);
      else if (row.entity === 'award') await db.awards.delete(id);
      else await db.targets.delete(id);
    });
  }

  async ledgerEpoch(): Promise<LocalEpoch> {
    const [epoch, recovering] = await this.db.meta.bulkGet([LEDGER_EPOCH_KEY, RECOVERING_EPOCH_KEY]);
    return {
      epoch: typeof epoch?.value === 'string' ? epoch.value : null,
      recovering: typeof recovering?.value === 'string' ? recovering.value : null,
    };
  }

  async adoptEpoch(epoch: string): Promise<void> {
    const { db } = this;
    await db.transaction('rw', db.meta, async () => {
      const [stored, cursor] = await db.meta.bulkGet([LEDGER_EPOCH_KEY, PULL_CURSOR_KEY]);
      if (typeof stored?.value === 'string') return;
      if (typeof cursor?.value === 'number' && cursor.value > 0) return;
      await db.meta.put({ key: LEDGER_EPOCH_KEY, value: epoch });
    });
  }

  async beginRecovery(epoch: string): Promise<void> {
    const { db } = this;
    await db.transaction('rw', [db.meta, db.photos], async () => {
      await db.meta.put({ key: RECOVERING_EPOCH_KEY, value: epoch });
      await db.photos.where('uploaded').equals(1).modify({ uploaded: 0 });
    });
  }

  async recoveryRows(after: RecoveryKey | null, limit: number): Promise<RecoveredRow[]> {
    const { db } = this;
    return db.transaction('r', [db.events, db.targets, db.awards], async () => {
      const out: RecoveredRow[] = [];
      if (after === null || after.entity === 'event') {
        const events = after === null ? db.events.orderBy(':id') : db.events.where(':id').above(after.id);
        for (const row of await events.limit(limit).toArray()) {
          out.push({ entity: 'event', row: recordOfRow(row) as RecoveredRow['row'], sig: row.sig ?? null });
        }
      }
      if (out.length < limit && after?.entity !== 'award') {
        const targets = after?.entity === 'target' ? db.targets.where(':id').above(after.id) : db.targets.orderBy(':id');
        for (const row of await targets.limit(limit - out.length).toArray()) {
          const { sig, ...record } = row;
          out.push({ entity: 'target', row: record as RecoveredRow['row'], sig: sig ?? null });
        }
      }
      if (out.length < limit) {
        const awards = after?.entity === 'award' ? db.awards.where(':id').above(after.id) : db.awards.orderBy(':id');
        for (const row of await awards.limit(limit - out.length).toArray()) {
          const { sig, ...record } = row;
          out.push({ entity: 'award', row: record as RecoveredRow['row'], sig: sig ?? null });
        }
      }
      return out;
    });
  }

  async finishRecovery(epoch: string): Promise<void> {
    const { db } = this;
    await db.transaction('rw', db.meta, async () => {
      const recovering = await db.meta.get(RECOVERING_EPOCH_KEY);
      if (recovering?.value !== epoch) return;
      await db.meta.bulkPut([
        { key: LEDGER_EPOCH_KEY, value: epoch },
        { key: PULL_CURSOR_KEY, value: 0 },
      ]);
      await db.meta.delete(RECOVERING_EPOCH_KEY);
    });
  }

  async pullScope(): Promise<string | null> {
    const row = await this.db.meta.get(PULL_SCOPE_KEY);
    return typeof row?.value === 'string' ? row.value : null;
  }

  async changeScope(scope: string): Promise<void> {
    const { db } = this;
    await db.transaction('rw', [db.outbox, db.events, db.awards, db.meta, db.totals], async () => {
      await db.meta.bulkPut([
        { key: PULL_SCOPE_KEY, value: scope },
        { key: PULL_CURSOR_KEY, value: 0 },
      ]);
      await db.meta.delete(ORG_TOTALS_KEY_KEY);
      if (scopeUser(scope) === null) {
        await db.meta.delete(ORG_TOTALS_KEY);
        return;
      }
      // Narrowed (a demotion, or a phone from before scopes): what is outside goes, unless unsynced.
      const keep = new Set((await db.outbox.toArray()).map((m) => recordKeyOf(m)));
      const gone: EventWrite[] = [];
      await db.events.each((e) => {
        if (!inScope(scope, e) && !keep.has(`event:${e.id}`)) gone.push({ before: e, after: null });
      });
      if (gone.length) await writeEvents(db, gone, this.deps.timeZone);
      // Volunteers do not receive awards: only those with unsynced changes stay, for the push.
      const awardIds = (await db.awards.toCollection().primaryKeys()).filter((id) => !keep.has(`award:${id}`));
      if (awardIds.length) await db.awards.bulkDelete(awardIds);
    });
  }

  async orgTotalsKey(): Promise<string | null> {
    const row = await this.db.meta.get(ORG_TOTALS_KEY_KEY);
    return typeof row?.value === 'string' ? row.value : null;
  }

  async orgTotals(): Promise<TotalsRow[] | null> {
    const row = await this.db.meta.get(ORG_TOTALS_KEY);
    return Array.isArray(row?.value) ? (row.value as TotalsRow[]) : null;
  }

  /**
   * The stored rows of `ids` (undefined where absent), in order. A large page into a phone that
   * holds few of them (a first sync) would cost one get per id, nearly all answering "absent":
   * the keys within the page's id span are read first (one request), and only those are fetched.
   */
  private async localEventsOf(ids: readonly string[]): Promise<(EventRow | undefined)[]> {
    if (ids.length < LOCAL_KEYS_SCAN_MIN) return this.db.events.bulkGet([...ids]);
    let lo = ids[0]!;
    let hi = lo;
    for (const id of ids) {
      if (id < lo) lo = id;
      if (id > hi) hi = id;
    }
    const present = new Set(await this.db.events.where(':id').between(lo, hi, true, true).primaryKeys());
    const wanted = ids.filter((id) => present.has(id));
    if (wanted.length === 0) return ids.map(() => undefined);
    const found = new Map<string, EventRow>();
    for (const row of await this.db.events.bulkGet(wanted)) if (row) found.set(row.id, row);
    return ids.map((id) => found.get(id));
  }

  /** The rev each named record was last pulled at (0 when never). */
  private async revsOf(mutations: readonly Mutation[]): Promise<Map<string, number>> {
    const eventIds = [...new Set(mutations.flatMap((m) => (m.entity === 'event' ? [m.eventId] : [])))];
    const targetIds = [...new Set(mutations.flatMap((m) => (m.entity === 'target' ? [m.targetId] : [])))];
    const awardIds = [...new Set(mutations.flatMap((m) => (m.entity === 'award' ? [m.awardId] : [])))];
    const out = new Map<string, number>();
    if (awardIds.length) (await this.db.awards.bulkGet(awardIds)).forEach((a, i) => out.set(`award:${awardIds[i]}`, a?.rev ?? 0));
    (await this.db.events.bulkGet(eventIds)).forEach((e, i) => out.set(`event:${eventIds[i]}`, e?.rev ?? 0));
    (await this.db.targets.bulkGet(targetIds)).forEach((t, i) => out.set(`target:${targetIds[i]}`, t?.rev ?? 0));
    return out;
  }

  private async lowerCursor(to: number): Promise<void> {
    const stored = await this.pullCursor();
    if (to < stored) await this.db.meta.put({ key: PULL_CURSOR_KEY, value: to });
  }
}
