/**
 * Staff's org-wide records on the phone — targets (绩效目标) and competition awards (竞赛获奖) — the
 * same way as events: every create, edit and delete writes the record's row AND its outbox
 * mutation in one Dexie transaction, so a record made offline syncs like an event and the server
 * keeps its history. One implementation, parametrised by the record kind (its table, outbox entity
 * and schemas); target-repository.ts and award-repository.ts name its operations for their kind.
 */
import type { Table } from 'dexie';
import * as v from 'valibot';
import { createUuidV7, isUuid } from '../../domain/ids';
import { toProblems } from '../../domain/problems';
import { toZonedIso } from '../../domain/year';
import type { Mutation } from '../../sync/protocol';
import { MissingRecordError, ValidationError } from './errors';
import type { RepositoryDeps } from './event-repository';
import { withoutSig, type LedgerDb } from './ledger-db';
import { sameValue, takeSeq } from './meta';

/** The bookkeeping every synced record row carries besides its fields. */
export interface SyncedRecordRow {
  id: string;
  orgId: string;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
  deleted: boolean;
  rev: number;
  sig?: string;
}

/** What the repository needs to know about one kind of record. */
export interface SyncedRecordKind<Row extends SyncedRecordRow, Fields extends object, Patch extends object> {
  /** The outbox entity, and the mutation's id field for it. */
  readonly entity: 'target' | 'award';
  readonly idKey: 'targetId' | 'awardId';
  readonly table: (db: LedgerDb) => Table<Row, string>;
  /** Checks a whole set of fields (a create; with `checkWholeOnEdit`, a record after an edit). */
  readonly fieldsSchema: v.GenericSchema<unknown, Fields>;
  readonly patchSchema: v.GenericSchema<unknown, Patch>;
  readonly mutableFields: readonly (keyof Fields & keyof Row & string)[];
  /**
   * An edit must leave the whole record valid, not only the fields it sets (an award: a project
   * keeps a prize, an honour has none). Targets have no rule across fields, and their rows from
   * before a field existed stay editable, so they check the patch only.
   */
  readonly checkWholeOnEdit: boolean;
  /**
   * A deleted record refuses edits (MissingRecordError). Targets never did (a stray edit of a
   * tombstone syncs and changes nothing the reports show), and keep that.
   */
  readonly refuseEditsWhenDeleted: boolean;
}

/** When and by whom a write happens: the device, the instant in the zone's wall time, the user. */
export interface WriteStamp {
  readonly clientId: string;
  /** deps.now() of the write, ms. */
  readonly now: number;
  readonly at: string;
  readonly who: { readonly userId: string; readonly orgId: string };
}

/** One kind's synced records on the phone. */
export interface SyncedRecordRepository<Row extends SyncedRecordRow, Fields extends object, Patch extends object> {
  /** A new UUID v7 for a record made now. */
  newId(): string;
  /** Creates the record and its outbox 'put' (all fields); idempotent on id. Throws ValidationError. */
  create(id: string, fields: Fields): Promise<Row>;
  /** Applies a patch; the outbox gets only the changed fields. Throws ValidationError or MissingRecordError. */
  update(id: string, patch: Patch): Promise<Row>;
  /** Tombstone + outbox 'delete'. */
  remove(id: string): Promise<void>;
  /** The tables a write transaction spans (the record table, outbox, meta), for a caller's own transaction. */
  readonly tables: readonly Table[];
  /** The stamp of a write made now. */
  stamp(): Promise<WriteStamp>;
  /** The fields checked as a create checks them; throws ValidationError. */
  parseFields(fields: unknown): Fields;
  /** Inside a transaction over `tables`: adds a new row of checked fields and its outbox put of every field. */
  addRow(id: string, fields: Fields, stamp: WriteStamp): Promise<Row>;
}

/** Builds one kind's repository over a LedgerDb, with the event repository's world (clock, ids, identity). */
export function createSyncedRecordRepository<Row extends SyncedRecordRow, Fields extends object, Patch extends object>(
  db: LedgerDb,
  deps: Omit<RepositoryDeps, 'references'>,
  kind: SyncedRecordKind<Row, Fields, Patch>,
): SyncedRecordRepository<Row, Fields, Patch> {
  const table = kind.table(db);
  const tables = [table, db.outbox, db.meta] as Table[];

  async function stamp(): Promise<WriteStamp> {
    const clientId = await deps.clientId();
    const now = deps.now();
    return { clientId, now, at: toZonedIso(now, deps.timeZone), who: deps.identity() };
  }

  async function enqueue(clientId: string, id: string, at: string, body: { op: 'put'; fields: Partial<Fields> } | { op: 'delete' }): Promise<void> {
    const seq = await takeSeq(db);
    const m = { entity: kind.entity, seq, [kind.idKey]: id, at, ...body } as unknown as Mutation;
    await db.outbox.add({ ...m, clientId, state: 'pending', rejection: null });
  }

  function parseFields(fields: unknown): Fields {
    const parsed = v.safeParse(kind.fieldsSchema, fields, { abortPipeEarly: true });
    if (!parsed.success) throw new ValidationError(toProblems(parsed.issues));
    return parsed.output;
  }

  async function addRow(id: string, fields: Fields, s: WriteStamp): Promise<Row> {
    const row = {
      ...fields,
      id,
      orgId: s.who.orgId,
      createdBy: s.who.userId,
      createdAt: s.at,
      updatedBy: s.who.userId,
      updatedAt: s.at,
      deleted: false,
      rev: 0,
    } as unknown as Row;
    await table.add(row);
    await enqueue(s.clientId, id, s.at, { op: 'put', fields: { ...fields } });
    return row;
  }

  async function create(id: string, fields: Fields): Promise<Row> {
    if (!isUuid(id)) throw new ValidationError([{ field: 'id', code: 'badId' }]);
    const parsed = parseFields(fields);
    const s = await stamp();
    return db.transaction('rw', tables, async () => {
      const existing = await table.get(id);
      if (existing) return existing;
      return addRow(id, parsed, s);
    });
  }

  async function update(id: string, patch: Patch): Promise<Row> {
    const parsed = v.safeParse(kind.patchSchema, patch, { abortPipeEarly: true });
    if (!parsed.success) throw new ValidationError(toProblems(parsed.issues));
    const s = await stamp();
    return db.transaction('rw', tables, async () => {
      const old = await table.get(id);
      if (!old || (kind.refuseEditsWhenDeleted && old.deleted)) throw new MissingRecordError(kind.entity, id);
      const changed: Record<string, unknown> = {};
      for (const k of kind.mutableFields) {
        const value = (parsed.output as Record<string, unknown>)[k];
        if (value !== undefined && !sameValue(old[k], value)) changed[k] = value;
      }
      if (Object.keys(changed).length === 0) return old;
      const next = { ...withoutSig(old), ...changed, updatedAt: s.at, updatedBy: s.who.userId } as Row;
      if (kind.checkWholeOnEdit) {
        const fields: Record<string, unknown> = {};
        for (const k of kind.mutableFields) fields[k] = next[k];
        parseFields(fields);
      }
      await table.put(next);
      await enqueue(s.clientId, id, s.at, { op: 'put', fields: changed as Partial<Fields> });
      return next;
    });
  }

  async function remove(id: string): Promise<void> {
    const s = await stamp();
    await db.transaction('rw', tables, async () => {
      const old = await table.get(id);
      if (!old) throw new MissingRecordError(kind.entity, id);
      if (old.deleted) return;
      await table.put({ ...withoutSig(old), deleted: true, updatedAt: s.at, updatedBy: s.who.userId });
      await enqueue(s.clientId, id, s.at, { op: 'delete' });
    });
  }

  return { newId: () => createUuidV7(deps.now(), deps.random16()), create, update, remove, tables, stamp, parseFields, addRow };
}
