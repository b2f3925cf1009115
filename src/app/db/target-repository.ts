/**
 * Targets (绩效目标) on the phone, the same way as events: every create, edit and delete writes
 * the `targets` row AND its outbox mutation (entity 'target') in one Dexie transaction (the shared
 * synced-record repository), so a target set offline syncs like an event and the server keeps its
 * history.
 */
import * as v from 'valibot';
import { createUuidV7 } from '../../domain/ids';
import { copyIndicatorDefinitions } from '../../domain/self-eval';
import { targetFieldEntries, targetPatchSchema, TARGET_MUTABLE_FIELDS, type TargetFields, type TargetPatch } from '../../domain/targets';
import type { RepositoryDeps } from './event-repository';
import type { LedgerDb, TargetRow } from './ledger-db';
import { targetsOfYearIn } from './queries';
import { createSyncedRecordRepository, type SyncedRecordKind } from './synced-record-repository';

/** Targets as synced records: no rule across fields, and (as always) a tombstone still takes an edit. */
const TARGET_KIND: SyncedRecordKind<TargetRow, TargetFields, TargetPatch> = {
  entity: 'target',
  idKey: 'targetId',
  table: (db) => db.targets,
  fieldsSchema: v.strictObject(targetFieldEntries),
  patchSchema: targetPatchSchema,
  mutableFields: TARGET_MUTABLE_FIELDS,
  checkWholeOnEdit: false,
  refuseEditsWhenDeleted: false,
};

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
  const records = createSyncedRecordRepository(db, deps, TARGET_KIND);

  async function copyIndicators(fromYear: number, toYear: number): Promise<number> {
    const stamp = await records.stamp();
    return db.transaction('rw', records.tables, async () => {
      const copies = copyIndicatorDefinitions(await targetsOfYearIn(db, fromYear), await targetsOfYearIn(db, toYear), toYear);
      for (const [i, fields] of copies.entries()) {
        // Ids a millisecond apart keep the copies in the order of last year's table.
        await records.addRow(createUuidV7(stamp.now + i, deps.random16()), records.parseFields(fields), stamp);
      }
      return copies.length;
    });
  }

  return {
    newTargetId: records.newId,
    copyIndicators,
    createTarget: records.create,
    updateTarget: records.update,
    deleteTarget: records.remove,
    targetsOfYear: (year) => targetsOfYearIn(db, year),
  };
}
