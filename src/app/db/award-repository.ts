/**
 * Competition awards (竞赛获奖, issue 14 §4) on the phone, the same way as targets (the shared
 * synced-record repository): every create, edit and delete writes the `awards` row AND its outbox
 * mutation (entity 'award') in one Dexie transaction, so an award entered offline syncs like an
 * event and the server keeps its history. Staff only: the reports screen loads this with its
 * awards section, never a volunteer's route.
 */
import { AWARD_MUTABLE_FIELDS, awardFieldsSchema, awardPatchSchema, type AwardFields, type AwardPatch } from '../../domain/awards';
import type { RepositoryDeps } from './event-repository';
import type { AwardRow, LedgerDb } from './ledger-db';
import { awardsOfYearIn } from './queries';
import { createSyncedRecordRepository, type SyncedRecordKind } from './synced-record-repository';

/** Awards as synced records: an edit keeps the whole award valid (a project's prize), and a deleted award takes none. */
const AWARD_KIND: SyncedRecordKind<AwardRow, AwardFields, AwardPatch> = {
  entity: 'award',
  idKey: 'awardId',
  table: (db) => db.awards,
  fieldsSchema: awardFieldsSchema,
  patchSchema: awardPatchSchema,
  mutableFields: AWARD_MUTABLE_FIELDS,
  checkWholeOnEdit: true,
  refuseEditsWhenDeleted: true,
};

/** The phone's award store. */
export interface AwardRepository {
  newAwardId(): string;
  /** Creates the award and its outbox 'put' (all fields); idempotent on id. Throws ValidationError. */
  createAward(id: string, fields: AwardFields): Promise<AwardRow>;
  /** Applies a patch (checked with the stored fields); the outbox gets only the changed fields. */
  updateAward(id: string, patch: AwardPatch): Promise<AwardRow>;
  /** Tombstone + outbox 'delete'. */
  deleteAward(id: string): Promise<void>;
  /** Live awards of a year, by month, then in the order they were made. */
  awardsOfYear(year: number): Promise<AwardRow[]>;
}

/** Builds the repository over one LedgerDb, with the event repository's world (clock, ids, identity). */
export function createAwardRepository(db: LedgerDb, deps: Omit<RepositoryDeps, 'references'>): AwardRepository {
  const records = createSyncedRecordRepository(db, deps, AWARD_KIND);
  return {
    newAwardId: records.newId,
    createAward: records.create,
    updateAward: records.update,
    deleteAward: records.remove,
    awardsOfYear: (year) => awardsOfYearIn(db, year),
  };
}
