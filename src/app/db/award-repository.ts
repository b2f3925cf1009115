/**
 * Competition awards (竞赛获奖, issue 14 §4) on the phone, the same way as targets: every create,
 * edit and delete writes the `awards` row AND its outbox mutation (entity 'award') in one Dexie
 * transaction, so an award entered offline syncs like an event and the server keeps its history.
 * Staff only: the reports screen loads this with its awards section, never a volunteer's route.
 */
import * as v from 'valibot';
import { AWARD_MUTABLE_FIELDS, awardFieldsSchema, awardPatchSchema, type AwardFields, type AwardPatch } from '../../domain/awards';
import { createUuidV7, isUuid } from '../../domain/ids';
import { toProblems } from '../../domain/problems';
import { toZonedIso } from '../../domain/year';
import type { Mutation } from '../../sync/protocol';
import { MissingRecordError, ValidationError } from './errors';
import type { RepositoryDeps } from './event-repository';
import { withoutSig, type AwardRow, type LedgerDb } from './ledger-db';
import { sameValue, takeSeq } from './meta';

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

/** Live awards of a year in `db`: by month (unknown last), then in the order they were made. */
export async function awardsOfYearIn(db: LedgerDb, year: number): Promise<AwardRow[]> {
  const rows = await db.awards.where('year').equals(year).toArray();
  return rows
    .filter((a) => !a.deleted)
    .sort((a, b) => (a.month ?? 13) - (b.month ?? 13) || (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
}

/** Builds the repository over one LedgerDb, with the event repository's world (clock, ids, identity). */
export function createAwardRepository(db: LedgerDb, deps: Omit<RepositoryDeps, 'references'>): AwardRepository {
  const tables = [db.awards, db.outbox, db.meta];

  async function enqueue(clientId: string, awardId: string, at: string, body: { op: 'put'; fields: AwardPatch } | { op: 'delete' }): Promise<void> {
    const seq = await takeSeq(db);
    const m = { entity: 'award', seq, awardId, at, ...body } as Mutation;
    await db.outbox.add({ ...m, clientId, state: 'pending', rejection: null });
  }

  async function createAward(id: string, fields: AwardFields): Promise<AwardRow> {
    if (!isUuid(id)) throw new ValidationError([{ field: 'id', code: 'badId' }]);
    const parsed = v.safeParse(awardFieldsSchema, fields, { abortPipeEarly: true });
    if (!parsed.success) throw new ValidationError(toProblems(parsed.issues));
    const clientId = await deps.clientId();
    const at = toZonedIso(deps.now(), deps.timeZone);
    const who = deps.identity();
    return db.transaction('rw', tables, async () => {
      const existing = await db.awards.get(id);
      if (existing) return existing;
      const row: AwardRow = {
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
      await db.awards.add(row);
      await enqueue(clientId, id, at, { op: 'put', fields: { ...parsed.output } });
      return row;
    });
  }

  async function updateAward(id: string, patch: AwardPatch): Promise<AwardRow> {
    const parsed = v.safeParse(awardPatchSchema, patch, { abortPipeEarly: true });
    if (!parsed.success) throw new ValidationError(toProblems(parsed.issues));
    const clientId = await deps.clientId();
    const at = toZonedIso(deps.now(), deps.timeZone);
    return db.transaction('rw', tables, async () => {
      const old = await db.awards.get(id);
      if (!old || old.deleted) throw new MissingRecordError('award', id);
      const changed: Record<string, unknown> = {};
      for (const k of AWARD_MUTABLE_FIELDS) {
        const value = parsed.output[k];
        if (value !== undefined && !sameValue(old[k], value)) changed[k] = value;
      }
      if (Object.keys(changed).length === 0) return old;
      const next: AwardRow = { ...withoutSig(old), ...changed, updatedAt: at, updatedBy: deps.identity().userId };
      // The whole award must still hold together (a project keeps a prize, an honour has none).
      const fields: Record<string, unknown> = {};
      for (const k of AWARD_MUTABLE_FIELDS) fields[k] = next[k];
      const whole = v.safeParse(awardFieldsSchema, fields, { abortPipeEarly: true });
      if (!whole.success) throw new ValidationError(toProblems(whole.issues));
      await db.awards.put(next);
      await enqueue(clientId, id, at, { op: 'put', fields: changed as AwardPatch });
      return next;
    });
  }

  async function deleteAward(id: string): Promise<void> {
    const clientId = await deps.clientId();
    const at = toZonedIso(deps.now(), deps.timeZone);
    await db.transaction('rw', tables, async () => {
      const old = await db.awards.get(id);
      if (!old) throw new MissingRecordError('award', id);
      if (old.deleted) return;
      await db.awards.put({ ...withoutSig(old), deleted: true, updatedAt: at, updatedBy: deps.identity().userId });
      await enqueue(clientId, id, at, { op: 'delete' });
    });
  }

  return {
    newAwardId: () => createUuidV7(deps.now(), deps.random16()),
    createAward,
    updateAward,
    deleteAward,
    awardsOfYear: (year) => awardsOfYearIn(db, year),
  };
}
