/**
 * An in-memory LocalStore for tests and simulations. Every method does its work synchronously
 * between two awaits, so each is atomic like a Dexie transaction. Besides the LocalStore contract
 * it offers the few local edits a test needs (create, edit, delete) which, like the real
 * repository, write the record and its outbox mutation together.
 */
import { EVENT_MUTABLE_FIELDS, eventFieldsOf, type EventPatch, type LedgerEvent } from '../domain/event';
import type { Target } from '../domain/targets';
import type { Award } from '../domain/awards';
import { inScope, scopeUser } from '../domain/scope';
import type { TotalsRow } from '../domain/totals';
import type { LocalEpoch, LocalStore, PulledExtras, QuarantinedMutation, RecoveryKey, StoredBlob } from './local-store';
import { mergePulledAward, mergePulledEvent, mergePulledTarget } from './merge';
import { cursorAfterPull, recordKeyOf, settlePushResults } from './outbox';
import type { Mutation, MutationResult, OutboxMutation, PulledRow, RecoveredRow } from './protocol';

type Rejection = Extract<MutationResult, { status: 'rejected' }>;
/** An outbox row as this store keeps it. */
export type MemoryOutboxRow = OutboxMutation & { state: 'pending' | 'quarantined'; rejection: Rejection | null };
type MutationBody = { op: 'put'; fields: EventPatch } | { op: 'delete' | 'undelete' };

/** Structural equality of JSON-like values. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => k in b && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const clone = <T>(x: T): T => structuredClone(x);

/** The in-memory LocalStore. */
export class MemoryLocalStore implements LocalStore {
  readonly events = new Map<string, LedgerEvent>();
  readonly targets = new Map<string, Target>();
  readonly awards = new Map<string, Award>();
  readonly outbox = new Map<number, MemoryOutboxRow>();
  readonly photos = new Map<string, StoredBlob & { uploaded: boolean }>();
  /** The signature each record was last pulled with, by "event:<id>" / "target:<id>". */
  readonly sigs = new Map<string, string>();
  cursor = 0;
  seq = 0;
  epoch: string | null = null;
  recovering: string | null = null;
  scope: string | null = null;
  totals: TotalsRow[] | null = null;
  totalsKey: string | null = null;

  constructor(private readonly id: string) {}

  async clientId(): Promise<string> {
    return this.id;
  }

  async pendingMutations(limit: number): Promise<OutboxMutation[]> {
    return this.sortedOutbox()
      .filter((r) => r.state === 'pending')
      .slice(0, limit)
      .map(({ state: _s, rejection: _r, ...m }) => clone(m) as OutboxMutation);
  }

  async pendingCount(): Promise<number> {
    return this.sortedOutbox().filter((r) => r.state === 'pending').length;
  }

  async applyPushResults(results: readonly MutationResult[]): Promise<void> {
    const pending = new Map<number, Mutation>();
    for (const r of this.outbox.values()) if (r.state === 'pending') pending.set(r.seq, r);
    const plan = settlePushResults(results, pending, (key) => this.recordOf(key)?.rev);
    for (const seq of plan.drop) this.outbox.delete(seq);
    for (const q of plan.quarantine) {
      const row = this.outbox.get(q.seq)!;
      this.outbox.set(q.seq, { ...row, state: 'quarantined', rejection: clone(q.rejection) });
    }
    if (plan.rewindTo !== null) this.cursor = Math.min(this.cursor, plan.rewindTo);
  }

  async pullCursor(): Promise<number> {
    return this.cursor;
  }

  async applyPulled(rows: readonly PulledRow[], cursor: number, fromCursor: number, extras: PulledExtras = {}): Promise<void> {
    const unsettled = this.sortedOutbox();
    const keep = new Set(unsettled.map((m) => recordKeyOf(m)));
    for (const id of extras.dropped ?? []) {
      if (keep.has(`event:${id}`)) continue;
      this.events.delete(id);
      this.sigs.delete(`event:${id}`);
    }
    if (extras.totals) {
      this.totals = clone([...extras.totals]);
      this.totalsKey = extras.totalsKey ?? null;
    }
    for (const pulled of rows) {
      let verbatim: boolean;
      if (pulled.entity === 'event') {
        const local = this.events.get(pulled.row.id);
        const merged = mergePulledEvent(pulled.row, local, unsettled);
        verbatim = merged === pulled.row;
        this.events.set(pulled.row.id, clone(merged));
      } else if (pulled.entity === 'award') {
        const local = this.awards.get(pulled.row.id);
        const merged = mergePulledAward(pulled.row, local, unsettled);
        verbatim = merged === pulled.row;
        this.awards.set(pulled.row.id, clone(merged));
      } else {
        const local = this.targets.get(pulled.row.id);
        const merged = mergePulledTarget(pulled.row, local, unsettled);
        verbatim = merged === pulled.row;
        this.targets.set(pulled.row.id, clone(merged));
      }
      const key = `${pulled.entity}:${pulled.row.id}`;
      if (verbatim && pulled.sig) this.sigs.set(key, pulled.sig);
      else this.sigs.delete(key);
    }
    this.cursor = cursorAfterPull(this.cursor, fromCursor, cursor);
  }

  async pendingBlobHashes(): Promise<string[]> {
    return [...this.photos.entries()]
      .filter(([, p]) => !p.uploaded)
      .map(([h]) => h)
      .sort();
  }

  async readBlob(hash: string): Promise<StoredBlob | null> {
    const p = this.photos.get(hash);
    return p ? { blob: p.blob, type: p.type } : null;
  }

  async markBlobUploaded(hash: string): Promise<void> {
    const p = this.photos.get(hash);
    if (p) p.uploaded = true;
  }

  async storeFetchedBlob(hash: string, blob: StoredBlob): Promise<void> {
    if (!this.photos.has(hash)) this.photos.set(hash, { ...blob, uploaded: true });
  }

  async setRejectionReason(seq: number, reason: string): Promise<void> {
    const row = this.outbox.get(seq);
    if (row?.state === 'quarantined' && row.rejection) this.outbox.set(seq, { ...row, rejection: { ...row.rejection, reason } });
  }

  async quarantined(): Promise<QuarantinedMutation[]> {
    return this.sortedOutbox()
      .filter((r) => r.state === 'quarantined')
      .map(({ state: _s, rejection, ...m }) => ({ ...clone(m), rejection: clone(rejection!) }) as QuarantinedMutation);
  }

  async retryQuarantined(seq: number): Promise<void> {
    const row = this.outbox.get(seq);
    if (!row || row.state !== 'quarantined') return;
    this.outbox.delete(seq);
    const next = ++this.seq;
    this.outbox.set(next, { ...row, seq: next, state: 'pending', rejection: null });
  }

  async discardQuarantined(seq: number): Promise<void> {
    const row = this.outbox.get(seq);
    if (!row || row.state !== 'quarantined') return;
    this.outbox.delete(seq);
    const key = recordKeyOf(row);
    const rec = this.recordOf(key);
    if (!rec) return;
    const others = this.sortedOutbox().some((r) => recordKeyOf(r) === key);
    if (row.entity === 'event' && this.scope !== null && !others && !inScope(this.scope, rec as LedgerEvent)) {
      // Kept only for its unsynced change: outside this phone's scope the server never sends it again.
      this.events.delete(row.eventId);
      this.sigs.delete(key);
      return;
    }
    if (rec.rev > 0) this.cursor = Math.min(this.cursor, rec.rev - 1);
    else if (!this.sortedOutbox().some((r) => recordKeyOf(r) === key)) {
      if (row.entity === 'event') this.events.delete(row.eventId);
      else if (row.entity === 'award') this.awards.delete(row.awardId);
      else this.targets.delete(row.targetId);
    }
  }

  async ledgerEpoch(): Promise<LocalEpoch> {
    return { epoch: this.epoch, recovering: this.recovering };
  }

  async adoptEpoch(epoch: string): Promise<void> {
    if (this.epoch === null && this.cursor === 0) this.epoch = epoch;
  }

  async beginRecovery(epoch: string): Promise<void> {
    this.recovering = epoch;
    for (const p of this.photos.values()) p.uploaded = false;
  }

  async recoveryRows(after: RecoveryKey | null, limit: number): Promise<RecoveredRow[]> {
    const order = ['event', 'target', 'award'];
    const all: RecoveredRow[] = [
      ...[...this.events.keys()].sort().map((id) => ({ entity: 'event' as const, id })),
      ...[...this.targets.keys()].sort().map((id) => ({ entity: 'target' as const, id })),
      ...[...this.awards.keys()].sort().map((id) => ({ entity: 'award' as const, id })),
    ]
      .filter((k) => after === null || (k.entity === after.entity ? k.id > after.id : order.indexOf(k.entity) > order.indexOf(after.entity)))
      .slice(0, limit)
      .map((k) => {
        const row = (k.entity === 'event' ? this.events.get(k.id) : k.entity === 'award' ? this.awards.get(k.id) : this.targets.get(k.id))!;
        return { entity: k.entity, row: clone(row) as unknown as RecoveredRow['row'], sig: this.sigs.get(`${k.entity}:${k.id}`) ?? null };
      });
    return all;
  }

  async finishRecovery(epoch: string): Promise<void> {
    if (this.recovering !== epoch) return;
    this.epoch = epoch;
    this.recovering = null;
    this.cursor = 0;
  }

  async pullScope(): Promise<string | null> {
    return this.scope;
  }

  async changeScope(scope: string): Promise<void> {
    this.scope = scope;
    this.cursor = 0;
    this.totalsKey = null;
    if (scopeUser(scope) === null) {
      this.totals = null;
      return;
    }
    const keep = new Set(this.sortedOutbox().map((m) => recordKeyOf(m)));
    for (const [id, e] of this.events) {
      if (inScope(scope, e) || keep.has(`event:${id}`)) continue;
      this.events.delete(id);
      this.sigs.delete(`event:${id}`);
    }
    // Volunteers do not receive awards: only those with unsynced changes stay, for the push.
    for (const id of [...this.awards.keys()]) {
      if (keep.has(`award:${id}`)) continue;
      this.awards.delete(id);
      this.sigs.delete(`award:${id}`);
    }
  }

  async orgTotals(): Promise<TotalsRow[] | null> {
    return this.totals ? clone(this.totals) : null;
  }

  async orgTotalsKey(): Promise<string | null> {
    return this.totalsKey;
  }

  // ---- local edits, as the repository makes them (record + outbox in one step) ----

  /** Creates an event and its 'put' mutation carrying every mutable field; idempotent on id. */
  createEvent(row: LedgerEvent): void {
    if (this.events.has(row.id)) return;
    this.events.set(row.id, clone(row));
    this.enqueue(row.id, row.createdAt, { op: 'put', fields: eventFieldsOf(row) });
  }

  /** Edits an event; the mutation carries only the fields whose value changed. */
  updateEvent(id: string, patch: EventPatch, at: string, userId: string): void {
    const old = this.events.get(id);
    if (!old || old.deleted) throw new Error(`cannot edit event ${id}`);
    const changed: Record<string, unknown> = {};
    for (const [k, value] of Object.entries(patch)) {
      if (value !== undefined && (EVENT_MUTABLE_FIELDS as string[]).includes(k) && !sameValue(old[k as keyof LedgerEvent], value)) {
        changed[k] = value;
      }
    }
    if (Object.keys(changed).length === 0) return;
    this.events.set(id, clone({ ...old, ...changed, updatedAt: at, updatedBy: userId }));
    this.sigs.delete(`event:${id}`);
    this.enqueue(id, at, { op: 'put', fields: changed as EventPatch });
  }

  /** Deletes (tombstones) or undeletes an event. */
  setEventDeleted(id: string, deleted: boolean, at: string, userId: string): void {
    const old = this.events.get(id);
    if (!old) throw new Error(`no event ${id}`);
    if (old.deleted === deleted) return;
    this.events.set(id, { ...old, deleted, updatedAt: at, updatedBy: userId });
    this.sigs.delete(`event:${id}`);
    this.enqueue(id, at, { op: deleted ? 'delete' : 'undelete' });
  }

  /** Stores a photo taken on this device (not yet uploaded). */
  addPhoto(hash: string, blob: StoredBlob): void {
    if (!this.photos.has(hash)) this.photos.set(hash, { ...blob, uploaded: false });
  }

  private enqueue(eventId: string, at: string, body: MutationBody): void {
    const seq = ++this.seq;
    const m = { entity: 'event', seq, eventId, at, ...body } as Mutation;
    this.outbox.set(seq, { ...clone(m), clientId: this.id, state: 'pending', rejection: null } as MemoryOutboxRow);
  }

  private sortedOutbox(): MemoryOutboxRow[] {
    return [...this.outbox.values()].sort((a, b) => a.seq - b.seq);
  }

  private recordOf(key: string): { rev: number } | undefined {
    const [entity, id] = key.split(':') as [string, string];
    return entity === 'event' ? this.events.get(id) : entity === 'award' ? this.awards.get(id) : this.targets.get(id);
  }

  /** Creates (or replaces) an award as staff would on this device, with its 'put' or 'delete' mutation. */
  putAward(row: Award, fields: Partial<Award>, at: string): void {
    this.awards.set(row.id, clone(row));
    this.sigs.delete(`award:${row.id}`);
    const seq = ++this.seq;
    const m = { entity: 'award', seq, awardId: row.id, at, op: 'put', fields: clone(fields) } as Mutation;
    this.outbox.set(seq, { ...m, clientId: this.id, state: 'pending', rejection: null } as MemoryOutboxRow);
  }

  /** Tombstones an award with its 'delete' mutation. */
  deleteAward(id: string, at: string, userId: string): void {
    const old = this.awards.get(id);
    if (!old) throw new Error(`no award ${id}`);
    this.awards.set(id, { ...old, deleted: true, updatedAt: at, updatedBy: userId });
    this.sigs.delete(`award:${id}`);
    const seq = ++this.seq;
    this.outbox.set(seq, { entity: 'award', op: 'delete', seq, awardId: id, at, clientId: this.id, state: 'pending', rejection: null });
  }
}
