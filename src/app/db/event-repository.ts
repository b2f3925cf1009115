/**
 * Events on the phone: every create, edit and delete writes the event AND its outbox mutation in
 * one transaction, so the outbox the sync engine pushes can never disagree with the ledger. The
 * transactions are IndexedDB's own (native-write.ts: the save path is the app's hottest write);
 * the rows, their calendar keys and the year totals go through event-writes.ts like every writer's.
 */
import * as v from 'valibot';
import {
  checkEventReferences,
  eventContentEntries,
  eventFieldsOf,
  eventPatchSchema,
  importBatchRefSchema,
  validateEventContent,
  type EventContent,
  type EventPatch,
  type EventStatus,
  type ImportBatchRef,
  type ReferenceContext,
} from '../../domain/event';
import { createUuidV7, isUuid } from '../../domain/ids';
import { BACK_TO_REVIEW, losesApproval } from '../../domain/review';
import { toProblems, type Problem } from '../../domain/problems';
import { toZonedIso, yearMonthOf, yearOf } from '../../domain/year';
import type { Mutation } from '../../sync/protocol';
import { MissingRecordError, ValidationError } from './errors';
import { writeEventsNative, type EventWrite, type StoredEvent } from './event-writes';
import { withoutSig, type EventRow, type LedgerDb, type MetaRow, type OutboxRow } from './ledger-db';
import { META, sameValue } from './meta';
import { nativeWrite, request } from './native-write';

/** Who is signed in; userId '' when the phone was never signed in. */
export interface Identity {
  userId: string;
  orgId: string;
  role: 'admin' | 'staff' | 'volunteer' | null;
}

/** What the repository needs from the world: clock, randomness, identity, device id, zone. */
export interface RepositoryDeps {
  now(): number;
  random16(): Uint8Array;
  identity(): Identity;
  clientId(): Promise<string>;
  timeZone: string;
  /** Taxonomy and region codes for checkEventReferences; null or absent skips that check. */
  references?(): ReferenceContext | null;
}

/** One event to create: its id, content, status and, for an imported row, where it came from. */
export interface NewEventItem {
  id: string;
  content: EventContent;
  status: EventStatus;
  importBatch?: ImportBatchRef;
}

/** How createEvents treats ids that already exist. */
export interface CreateEventsOptions {
  /**
   * For imports, whose ids are made from the row (domain/import-key.ts), so a re-import after an
   * undo meets the undone events' tombstones: a stored tombstone is rewritten with the item and
   * undeleted (outbox put + undelete). A live event is kept as it is; a new one gets its put only.
   * (A tombstone the server holds but this device has not pulled stays deleted on the server; the
   * pull then shows the batch as undone, and 恢复本次导入 brings it back.)
   */
  revive?: boolean;
}

/** The phone's event store; see the API contract. */
export interface EventRepository {
  /** A new UUID v7 event id; the form takes one when it opens and keeps it in its draft. */
  newEventId(): string;
  /** Event + outbox 'put' (all mutable fields) in one transaction; returns the kept row if the id exists. */
  createEvent(id: string, content: EventContent, status: 'draft' | 'submitted'): Promise<EventRow>;
  /** Many events and their outbox rows in one transaction: all or nothing (see CreateEventsOptions). */
  createEvents(items: NewEventItem[], options?: CreateEventsOptions): Promise<EventRow[]>;
  /** Applies a patch; the outbox gets only the changed fields; nothing is written when none changed. */
  updateEvent(id: string, patch: EventPatch): Promise<EventRow>;
  /** Tombstone (deleted=true) + outbox 'delete'; a no-op on a deleted event. */
  deleteEvent(id: string): Promise<void>;
  /** Reverses deleteEvent + outbox 'undelete'. */
  undeleteEvent(id: string): Promise<void>;
  /** deleteEvent for many events in ONE transaction (an import batch's undo); unknown id: nothing written. */
  deleteEvents(ids: readonly string[]): Promise<void>;
  /** undeleteEvent for many events in ONE transaction. */
  undeleteEvents(ids: readonly string[]): Promise<void>;
  /** The stored row, tombstones included. */
  getEvent(id: string): Promise<EventRow | undefined>;
  /** The stored rows of these ids that exist, tombstones included. */
  getEvents(ids: readonly string[]): Promise<EventRow[]>;
  /** The stored rows, tombstones included, of the calendar months (region's zone) these instants fall in. */
  eventsInMonthsOf(instants: readonly string[]): Promise<EventRow[]>;
}

type MutationBody = { op: 'put'; fields: EventPatch } | { op: 'delete' | 'undelete' };
const CONTENT_KEYS = new Set(Object.keys(eventContentEntries));
const rootOf = (field: string) => field.split('.')[0] ?? field;

/** Builds the repository over one LedgerDb. */
export function createEventRepository(db: LedgerDb, deps: RepositoryDeps): EventRepository {
  /** Validates new content (its start against the phone's clock) and its references; throws ValidationError. */
  function checkContent(content: unknown): EventContent {
    const r = validateEventContent(content, { now: deps.now() });
    const problems: Problem[] = r.ok ? referenceProblems(r.value) : r.problems;
    if (problems.length || !r.ok) throw new ValidationError(problems);
    return r.value;
  }
  function referenceProblems(content: EventContent): Problem[] {
    const ctx = deps.references?.() ?? null;
    return ctx ? checkEventReferences(content, ctx) : [];
  }

  function newEvent(id: string, content: EventContent, status: EventStatus, at: string, importBatch?: ImportBatchRef): StoredEvent {
    const who = deps.identity();
    // Written as approved (staff importing their own records): the writer approved it, now, and
    // the 审核人 of every export says so (the server keeps a reviewer the put names).
    const approved = status === 'reviewed';
    return {
      ...content,
      status,
      reviewNote: null,
      reviewedBy: approved ? who.userId : null,
      reviewedAt: approved ? at : null,
      ...(importBatch ? { importBatch } : {}),
      id,
      orgId: who.orgId,
      createdBy: who.userId,
      createdAt: at,
      updatedBy: who.userId,
      updatedAt: at,
      deleted: false,
      rev: 0,
    };
  }
  /** The outbox row of one mutation. */
  function mutation(clientId: string, seq: number, eventId: string, at: string, body: MutationBody): OutboxRow {
    return { ...({ entity: 'event', seq, eventId, at, ...body } as Mutation), clientId, state: 'pending', rejection: null };
  }
  /**
   * In one native transaction: reads the stored rows of `ids` and the outbox seq (one round of
   * requests), lets `plan` decide, then writes the events, their outbox rows, the new seq and the
   * year totals' change together (a second round: the totals change is logged under the seq, not
   * read and rewritten). `plan` may throw (nothing is written) or answer no writes.
   */
  function transact<T>(
    ids: readonly string[],
    plan: (stored: (EventRow | undefined)[], seq0: number) => { writes: EventWrite[]; outbox: OutboxRow[]; add: boolean; result: (rows: EventRow[]) => T },
  ): Promise<T> {
    return nativeWrite(db, ['events', 'outbox', 'meta', 'totals'], async (tx) => {
      const events = tx.objectStore('events');
      const meta = tx.objectStore('meta');
      const [seqRow, ...stored] = await Promise.all([
        request(meta.get(META.seq) as IDBRequest<MetaRow | undefined>),
        ...ids.map((id) => request(events.get(id) as IDBRequest<EventRow | undefined>)),
      ]);
      const seq0 = typeof seqRow?.value === 'number' ? seqRow.value : 0;
      const p = plan(stored, seq0);
      if (p.outbox.length === 0) return p.result([]);
      const seq = seq0 + p.outbox.length;
      const outbox = tx.objectStore('outbox');
      const { rows, done } = writeEventsNative(tx, p.writes, deps.timeZone, { add: p.add, tag: `seq-${String(seq).padStart(12, '0')}` });
      await Promise.all([done, ...p.outbox.map((m) => request(outbox.add(m))), request(meta.put({ key: META.seq, value: seq }))]);
      return p.result(rows);
    });
  }

  async function createEvents(items: NewEventItem[], options: CreateEventsOptions = {}): Promise<EventRow[]> {
    const problems: Problem[] = [];
    const clean = items.flatMap((item, i) => {
      const prefix = items.length > 1 ? `${i}.` : '';
      try {
        if (!isUuid(item.id)) throw new ValidationError([{ field: 'id', code: 'badId' }]);
        if (item.importBatch !== undefined) {
          const b = v.safeParse(importBatchRefSchema, item.importBatch, { abortPipeEarly: true });
          if (!b.success) throw new ValidationError(toProblems(b.issues).map((p) => ({ ...p, field: `importBatch.${p.field}` })));
        }
        return [{ ...item, content: checkContent(item.content) }];
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        problems.push(...e.problems.map((p) => ({ ...p, field: prefix + p.field })));
        return [];
      }
    });
    if (problems.length) throw new ValidationError(problems);
    const clientId = await deps.clientId();
    const at = toZonedIso(deps.now(), deps.timeZone);
    return transact(
      clean.map((c) => c.id),
      (existing, seq0) => {
        const kept: (EventRow | undefined)[] = [];
        const written = new Map<string, StoredEvent>();
        const writes: EventWrite[] = [];
        const outbox: OutboxRow[] = [];
        let revived = false;
        const queue = (id: string, body: MutationBody) => outbox.push(mutation(clientId, seq0 + outbox.length + 1, id, at, body));
        clean.forEach(({ id, content, status, importBatch }, i) => {
          const old = written.has(id) ? undefined : existing[i];
          if (written.has(id) || (old && !(options.revive && old.deleted))) {
            kept.push(old);
            return;
          }
          const fresh = newEvent(id, content, status, at, importBatch);
          // A revived tombstone keeps who made it, when, and the rev it was pulled at.
          const event: StoredEvent = old ? { ...fresh, id: old.id, orgId: old.orgId, createdBy: old.createdBy, createdAt: old.createdAt, rev: old.rev } : fresh;
          revived ||= old !== undefined;
          written.set(id, event);
          writes.push({ before: old ?? null, after: event });
          queue(id, { op: 'put', fields: eventFieldsOf(event) });
          if (old) queue(id, { op: 'undelete' });
          kept.push(undefined);
        });
        // Added unless a tombstone is rewritten: a new id that exists after all fails loudly.
        return {
          writes,
          outbox,
          add: !revived,
          result: (rows) => {
            const byId = new Map(rows.map((r) => [r.id, r]));
            return clean.map((c, i) => kept[i] ?? byId.get(c.id)!);
          },
        };
      },
    );
  }

  async function updateEvent(id: string, patch: EventPatch): Promise<EventRow> {
    const parsed = v.safeParse(eventPatchSchema, patch, { abortPipeEarly: true });
    if (!parsed.success) throw new ValidationError(toProblems(parsed.issues));
    const clientId = await deps.clientId();
    const at = toZonedIso(deps.now(), deps.timeZone);
    return transact([id], ([old], seq0) => {
      if (!old) throw new MissingRecordError('event', id);
      if (old.deleted) throw new ValidationError([{ field: '', code: 'eventDeleted' }]);
      const changed: Record<string, unknown> = {};
      for (const [k, value] of Object.entries(parsed.output)) {
        if (value !== undefined && !sameValue(old[k as keyof EventRow], value)) changed[k] = value;
      }
      if (Object.keys(changed).length === 0) return { writes: [], outbox: [], add: false, result: () => old };
      const { year: _y, ym: _m, ...record } = withoutSig(old);
      const merged = { ...record, ...changed } as StoredEvent;
      const content = Object.fromEntries([...CONTENT_KEYS].map((k) => [k, merged[k as keyof StoredEvent]]));
      // Only a start this edit sets is held to the clock: an event logged before keeps its start.
      const r = validateEventContent(content, { now: 'startAt' in changed ? deps.now() : undefined });
      if (!r.ok) throw new ValidationError(r.problems);
      const refs = referenceProblems(r.value).filter((p) => rootOf(p.field) in changed);
      if (refs.length) throw new ValidationError(refs);
      const who = deps.identity();
      // The server sends a reviewed event back to review when a non-staff user changes what a
      // report counts (domain/review.ts); show that here at once rather than after the next pull.
      const staff = who.role === 'staff' || who.role === 'admin';
      const review =
        !staff && old.status === 'reviewed' && (merged.status !== 'reviewed' || losesApproval('reviewed', Object.keys(changed)))
          ? { ...BACK_TO_REVIEW, ...(merged.status === 'reviewed' ? {} : { status: merged.status }) }
          : {};
      const event: StoredEvent = { ...merged, ...review, updatedAt: at, updatedBy: who.userId };
      return {
        writes: [{ before: old, after: event }],
        outbox: [mutation(clientId, seq0 + 1, id, at, { op: 'put', fields: changed as EventPatch })],
        add: false,
        result: ([row]) => row!,
      };
    });
  }

  async function setDeleted(ids: readonly string[], deleted: boolean): Promise<void> {
    const clientId = await deps.clientId();
    const at = toZonedIso(deps.now(), deps.timeZone);
    const unique = [...new Set(ids)];
    await transact(unique, (olds, seq0) => {
      const missing = unique.findIndex((_, i) => !olds[i]);
      if (missing >= 0) throw new MissingRecordError('event', unique[missing]!);
      const who = deps.identity();
      const writes: EventWrite[] = [];
      const outbox: OutboxRow[] = [];
      for (const old of olds as EventRow[]) {
        if (old.deleted === deleted) continue;
        writes.push({ before: old, after: { ...withoutSig(old), deleted, updatedAt: at, updatedBy: who.userId } });
        outbox.push(mutation(clientId, seq0 + outbox.length + 1, old.id, at, { op: deleted ? 'delete' : 'undelete' }));
      }
      return { writes, outbox, add: false, result: () => undefined };
    });
  }

  return {
    newEventId: () => createUuidV7(deps.now(), deps.random16()),
    createEvent: async (id, content, status) => (await createEvents([{ id, content, status }]))[0]!,
    createEvents,
    updateEvent,
    deleteEvent: (id) => setDeleted([id], true),
    undeleteEvent: (id) => setDeleted([id], false),
    deleteEvents: (ids) => setDeleted(ids, true),
    undeleteEvents: (ids) => setDeleted(ids, false),
    getEvent: (id) => db.events.get(id),
    getEvents: async (ids) => (await db.events.bulkGet([...ids])).filter((e): e is EventRow => e !== undefined),
    eventsInMonthsOf: (instants) => {
      const months = new Map(
        instants.map((at) => [yearMonthOf(at, deps.timeZone), [yearOf(at, deps.timeZone), yearMonthOf(at, deps.timeZone)] as [number, string]]),
      );
      return months.size
        ? db.events
            .where('[year+ym]')
            .anyOf([...months.values()])
            .toArray()
        : Promise.resolve([]);
    },
  };
}
