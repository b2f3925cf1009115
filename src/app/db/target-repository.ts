/**
 * Targets (绩效目标) on the phone, the same way as events: every create, edit and delete writes
 * the `targets` row AND its outbox mutation (entity 'target') in one Dexie transaction, so a
 * target set offline syncs like an event and the server keeps its history.
 */
import * as v from 'valibot';
import { createUuidV7, isUuid } from '../../domain/ids';
import { toProblems } from '../../domain/problems';
import { copyIndicatorDefinitions } from '../../domain/self-eval';
import { targetFieldEntries, targetPatchSchema, TARGET_MUTABLE_FIELDS, type TargetFields, type TargetPatch } from '../../domain/targets';
import { toZonedIso } from '../../domain/year';
import type { Mutation } from '../../sync/protocol';
import { MissingRecordError, ValidationError } from './errors';
import type { RepositoryDeps } from './event-repository';
import { withoutSig, type LedgerDb, type TargetRow } from './ledger-db';
import { sameValue, takeSeq } from './meta';
import { targetsOfYearIn } from './queries';

const targetFieldsSchema = v.strictObject(targetFieldEntries);

/** The phone's target store. */
export interface TargetRepository {
  newTargetId(): string;
  /** Creates the target and its outbox 'put' (all fields); idempotent on id. Throws ValidationError. */
  createTarget(id: string, fields: TargetFields): Promise<TargetRow>;
  /** Applies a patch; the outbox gets only the changed fields. */
  updateTarget(id: string, patch: TargetPatch): Promise<TargetRow>;
  /** Tombstone + outbox 'delete'. */
  deleteTarget(id: string): Promise<void>;
  /** Live targets of a year, in the order they were made. */
  targetsOfYear(year: number): Promise<TargetRow[]>;
  /**
   * "Copy last year's indicators": the definitions (not the values) of `fromYear`'s live targets
   * as new targets of `toYear`, in their order, each with its outbox put, all in one transaction;
   * an indicator `toYear` already has (same 一级/二级/三级指标) is not copied again. The number made.
   */
  copyIndicators(fromYear: number, toYear: number): Promise<number>;
}

/** Builds the repository over one LedgerDb, with the event repository's world (clock, ids, identity). */
export function createTargetRepository(db: LedgerDb, deps: Omit<RepositoryDeps, 'references'>): TargetRepository {
  const tables = [db.targets, db.outbox, db.meta];

  async function enqueue(clientId: string, targetId: string, at: string, body: { op: 'put'; fields: TargetPatch } | { op: 'delete' }): Promise<void> {
    const seq = await takeSeq(db);
    const m = { entity: 'target', seq, targetId, at, ...body } as Mutation;
    await db.outbox.add({ ...m, clientId, state: 'pending', rejection: null });
  }

  async function createTarget(id: string, fields: TargetFields): Promise<TargetRow> {
    if (!isUuid(id)) throw new ValidationError([{ field: 'id', code: 'badId' }]);
    const parsed = v.safeParse(targetFieldsSchema, fields, { abortPipeEarly: true });
    if (!parsed.success) throw new ValidationError(toProblems(parsed.issues));
    const clientId = await deps.clientId();
    const at = toZonedIso(deps.now(), deps.timeZone);
    const who = deps.identity();
    return db.transaction('rw', tables, async () => {
      const existing = await db.targets.get(id);
      if (existing) return existing;
      const row: TargetRow = {
        ...parsed.output,
        id,
        orgId: who.orgId,
        createdBy: who.userId,
        createdAt: at,
        updatedBy: who.userId,
        updatedAt: at,
        deleted: false,
        rev: 0,
      };
      await db.targets.add(row);
      await enqueue(clientId, id, at, { op: 'put', fields: { ...parsed.output } });
      return row;
    });
  }

  async function updateTarget(id: string, patch: TargetPatch): Promise<TargetRow> {
    const parsed = v.safeParse(targetPatchSchema, patch, { abortPipeEarly: true });
    if (!parsed.success) throw new ValidationError(toProblems(parsed.issues));
    const clientId = await deps.clientId();
    const at = toZonedIso(deps.now(), deps.timeZone);
    return db.transaction('rw', tables, async () => {
      const old = await db.targets.get(id);
      if (!old) throw new MissingRecordError('target', id);
      const changed: Record<string, unknown> = {};
      for (const k of TARGET_MUTABLE_FIELDS) {
        const value = parsed.output[k];
        if (value !== undefined && !sameValue(old[k], value)) changed[k] = value;
      }
      if (Object.keys(changed).length === 0) return old;
      const row: TargetRow = { ...withoutSig(old), ...changed, updatedAt: at, updatedBy: deps.identity().userId };
      await db.targets.put(row);
      await enqueue(clientId, id, at, { op: 'put', fields: changed as TargetPatch });
      return row;
    });
  }

  async function deleteTarget(id: string): Promise<void> {
    const clientId = await deps.clientId();
    const at = toZonedIso(deps.now(), deps.timeZone);
    await db.transaction('rw', tables, async () => {
      const old = await db.targets.get(id);
      if (!old) throw new MissingRecordError('target', id);
      if (old.deleted) return;
      await db.targets.put({ ...withoutSig(old), deleted: true, updatedAt: at, updatedBy: deps.identity().userId });
      await enqueue(clientId, id, at, { op: 'delete' });
    });
  }

  async function copyIndicators(fromYear: number, toYear: number): Promise<number> {
    const clientId = await deps.clientId();
    const now = deps.now();
    const at = toZonedIso(now, deps.timeZone);
    const who = deps.identity();
    return db.transaction('rw', tables, async () => {
      const copies = copyIndicatorDefinitions(await targetsOfYearIn(db, fromYear), await targetsOfYearIn(db, toYear), toYear);
      for (const [i, fields] of copies.entries()) {
        const parsed = v.safeParse(targetFieldsSchema, fields, { abortPipeEarly: true });
        if (!parsed.success) throw new ValidationError(toProblems(parsed.issues));
        // Ids a millisecond apart keep the copies in the order of last year's table.
        const id = createUuidV7(now + i, deps.random16());
        await db.targets.add({
          ...parsed.output,
          id,
          orgId: who.orgId,
          createdBy: who.userId,
          createdAt: at,
          updatedBy: who.userId,
          updatedAt: at,
          deleted: false,
          rev: 0,
        });
        await enqueue(clientId, id, at, { op: 'put', fields: { ...parsed.output } });
      }
      return copies.length;
    });
  }

  return {
    newTargetId: () => createUuidV7(deps.now(), deps.random16()),
    copyIndicators,
    createTarget,
    updateTarget,
    deleteTarget,
    targetsOfYear: (year) => targetsOfYearIn(db, year),
  };
}
