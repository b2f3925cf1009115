/**
 * What a recovery means (POST /api/sync/recover), as a pure function of the stored rows, like
 * planPush. After a restore from a backup, every phone sends back every event and target it
 * holds; the server takes each row it lacks, or holds in an older version, so the restored ledger
 * regains everything any phone still has. "Older" compares `updatedAt`, which is always the
 * server's own clock at the write (plan.ts sets it), so versions from before and after the
 * restore compare correctly although revs start again.
 *
 * Two kinds of row:
 * - trusted: the row carries the server's signature of exactly this content (the phone pulled it
 *   and did not change it). It is stored as the server once issued it — author, reviewer and
 *   times included — whoever's phone sends it: a volunteer's phone restores the org's rows too.
 * - untrusted: no valid signature (pulled before signatures existed, or changed on the phone
 *   since). It counts as a change by the sender and goes through the push rules (planEvent /
 *   planTarget): a volunteer restores only their own events, never a review decision, and a
 *   change to a reviewed event sends it back to review.
 * Rejected rows change nothing; the phone's next pull brings the server's version.
 */
import { EVENT_MUTABLE_FIELDS, validateLedgerEvent, type LedgerEvent } from '../../domain/event.js';
import { TARGET_MUTABLE_FIELDS, targetSchema, type Target } from '../../domain/targets.js';
import { AWARD_MUTABLE_FIELDS, awardSchema, type Award } from '../../domain/awards.js';
import { toProblems } from '../../domain/problems.js';
import * as v from 'valibot';
import { PROTOCOL_VERSION, type Mutation, type RecordEntity, type RecoverResponse, type RecoverResult } from '../../sync/protocol.js';
import type { HistoryRow, PushPlan, PushState } from '../store/store.js';
import { EpochChangedError, REJECT_REASONS, changesOf, isStaff, planAward, planEvent, planTarget, type Outcome, type PlanContext } from './plan.js';

/** One row of a recovery request, after the route checked its signature. */
export interface CheckedRecoveredRow {
  readonly entity: RecordEntity;
  readonly row: { id: string } & Record<string, unknown>;
  /** The signature is the server's own for exactly this row. */
  readonly trusted: boolean;
}

export interface RecoveryContext extends Pick<PlanContext, 'actor' | 'clientId' | 'now' | 'refs'> {
  /** The epoch the phone recovers into (learnt from an epochChanged answer). */
  epoch: string;
  rows: readonly CheckedRecoveredRow[];
}

const REVIEW_FIELDS = ['status', 'reviewNote', 'reviewedBy', 'reviewedAt'] as const;

function isNewer(candidate: string, stored: string): boolean {
  return Date.parse(candidate) > Date.parse(stored);
}

/** The mutable fields of a row a non-trusted sender may set (review decisions only for staff). */
function fieldsOf(row: LedgerEvent, staff: boolean): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const f of EVENT_MUTABLE_FIELDS) if (row[f] !== undefined) fields[f] = row[f];
  if (!staff) {
    for (const f of REVIEW_FIELDS) delete fields[f];
    if (row.status === 'draft' || row.status === 'submitted') fields.status = row.status;
  }
  return fields;
}

type Planned<T> = Outcome<T> | { kind: 'kept' };

function planTrustedEvent(row: LedgerEvent, current: LedgerEvent | undefined): Planned<LedgerEvent> {
  const before = current ?? null;
  const changes = changesOf([...EVENT_MUTABLE_FIELDS, 'deleted'], before, row);
  // A row the server lacked arrives deleted: record who deleted it, as a push would have.
  if (!before && row.deleted) changes.push({ field: 'deleted', oldValue: false, newValue: true });
  return { kind: 'write', row, changes };
}

function planUntrustedEvent(row: LedgerEvent, current: LedgerEvent | undefined, ctx: RecoveryContext, deletedBy: string | undefined): Planned<LedgerEvent> {
  const staff = isStaff(ctx.actor);
  if (!staff && row.createdBy !== ctx.actor.userId) return { kind: 'rejected', reason: REJECT_REASONS.notYourEvent };
  // `at` is the device time planEvent keeps as createdAt for a row the server lacks.
  const put: Mutation = { entity: 'event', op: 'put', seq: 0, eventId: row.id, fields: fieldsOf(row, staff), at: current ? row.updatedAt : row.createdAt };
  const planned = planEvent(put, current, ctx, { deletedBy });
  if (planned.kind === 'rejected') return planned;
  // Staff may vouch for a colleague's row the server lacks: it stays that person's event.
  const first = planned.kind === 'write' && !current ? { ...planned, row: { ...planned.row, createdBy: row.createdBy } } : planned;
  const after = first.kind === 'write' ? first.row : current!;
  if (after.deleted === row.deleted) return first;
  const flip: Mutation = { entity: 'event', op: row.deleted ? 'delete' : 'undelete', seq: 0, eventId: row.id, at: row.updatedAt };
  const second = planEvent(flip, after, ctx, { deletedBy });
  if (second.kind !== 'write') return first;
  return { kind: 'write', row: second.row, changes: [...(first.kind === 'write' ? first.changes : []), ...second.changes] };
}

function planTrustedTarget(row: Target, current: Target | undefined): Planned<Target> {
  const changes = changesOf([...TARGET_MUTABLE_FIELDS, 'deleted'], current ?? null, row);
  if (!current && row.deleted) changes.push({ field: 'deleted', oldValue: false, newValue: true });
  return { kind: 'write', row, changes };
}

function planUntrustedTarget(row: Target, current: Target | undefined, ctx: RecoveryContext): Planned<Target> {
  const fields: Record<string, unknown> = {};
  for (const f of TARGET_MUTABLE_FIELDS) fields[f] = row[f];
  const first = planTarget({ entity: 'target', op: 'put', seq: 0, targetId: row.id, fields, at: current ? row.updatedAt : row.createdAt }, current, ctx);
  if (first.kind === 'rejected' || !row.deleted) return first;
  const after = first.kind === 'write' ? first.row : current!;
  const second = planTarget({ entity: 'target', op: 'delete', seq: 0, targetId: row.id, at: row.updatedAt }, after, ctx);
  if (second.kind !== 'write') return first;
  return { kind: 'write', row: second.row, changes: [...(first.kind === 'write' ? first.changes : []), ...second.changes] };
}

/** Awards as targets (staff only): a trusted row as issued, an untrusted one through planAward (no photo check, as for events). */
function planTrustedAward(row: Award, current: Award | undefined): Planned<Award> {
  const changes = changesOf([...AWARD_MUTABLE_FIELDS, 'deleted'], current ?? null, row);
  if (!current && row.deleted) changes.push({ field: 'deleted', oldValue: false, newValue: true });
  return { kind: 'write', row, changes };
}

function planUntrustedAward(row: Award, current: Award | undefined, ctx: RecoveryContext): Planned<Award> {
  const fields: Record<string, unknown> = {};
  for (const f of AWARD_MUTABLE_FIELDS) fields[f] = row[f];
  const first = planAward({ entity: 'award', op: 'put', seq: 0, awardId: row.id, fields, at: current ? row.updatedAt : row.createdAt }, current, ctx);
  if (first.kind === 'rejected' || !row.deleted) return first;
  const after = first.kind === 'write' ? first.row : current!;
  const second = planAward({ entity: 'award', op: 'delete', seq: 0, awardId: row.id, at: row.updatedAt }, after, ctx);
  if (second.kind !== 'write') return first;
  return { kind: 'write', row: second.row, changes: [...(first.kind === 'write' ? first.changes : []), ...second.changes] };
}

/** Validates a sent row; the problems when it is not a whole stored record. */
function checkRow(r: CheckedRecoveredRow): { ok: true; row: LedgerEvent | Target | Award } | { ok: false; problems: { field: string; code: string }[] } {
  if (r.entity === 'event') {
    const checked = validateLedgerEvent(r.row);
    return checked.ok ? { ok: true, row: checked.value } : { ok: false, problems: checked.problems };
  }
  if (r.entity === 'award') {
    const checked = v.safeParse(awardSchema, r.row, { abortPipeEarly: true });
    return checked.success ? { ok: true, row: checked.output } : { ok: false, problems: toProblems(checked.issues) };
  }
  const checked = v.safeParse(targetSchema, r.row, { abortPipeEarly: true });
  return checked.success ? { ok: true, row: checked.output } : { ok: false, problems: toProblems(checked.issues) };
}

/**
 * Plans a recovery: which rows to take, their new revs and the history. Throws
 * EpochChangedError (nothing written) when the phone recovers into an epoch the ledger no longer
 * has (restored again meanwhile). The client's seq is untouched.
 */
export function planRecovery(ctx: RecoveryContext, state: PushState): PushPlan<RecoverResponse> {
  if (ctx.epoch !== state.epoch) throw new EpochChangedError(state.epoch);
  let rev = state.rev;
  const events = new Map(state.events);
  const targets = new Map(state.targets);
  const awards = new Map(state.awards);
  const changedEvents = new Map<string, LedgerEvent>();
  const changedTargets = new Map<string, Target>();
  const changedAwards = new Map<string, Award>();
  const history: HistoryRow[] = [];
  const results: RecoverResult[] = [];

  for (const r of ctx.rows) {
    const id = r.row.id;
    const entity = r.entity;
    const reject = (reason: string, problems?: { field: string; code: string }[]): void => {
      results.push(problems && problems.length ? { entity, id, status: 'rejected', reason, problems } : { entity, id, status: 'rejected', reason });
    };
    const checked = checkRow(r);
    if (!checked.ok) {
      reject(REJECT_REASONS.invalid, checked.problems);
      continue;
    }
    const row = checked.row;
    const current = entity === 'event' ? events.get(id) : entity === 'award' ? awards.get(id) : targets.get(id);
    if (row.orgId !== ctx.actor.orgId || (current && current.orgId !== ctx.actor.orgId)) {
      reject(REJECT_REASONS.notFound);
      continue;
    }
    if (current && !isNewer(row.updatedAt, current.updatedAt)) {
      results.push({ entity, id, status: 'kept' });
      continue;
    }
    const planned: Planned<LedgerEvent | Target | Award> =
      entity === 'event'
        ? r.trusted
          ? planTrustedEvent(row as LedgerEvent, current as LedgerEvent | undefined)
          : planUntrustedEvent(row as LedgerEvent, current as LedgerEvent | undefined, ctx, state.deletedBy?.get(id))
        : entity === 'award'
          ? r.trusted
            ? planTrustedAward(row as Award, current as Award | undefined)
            : planUntrustedAward(row as Award, current as Award | undefined, ctx)
          : r.trusted
            ? planTrustedTarget(row as Target, current as Target | undefined)
            : planUntrustedTarget(row as Target, current as Target | undefined, ctx);
    if (planned.kind === 'rejected') {
      reject(
        planned.reason,
        planned.problems?.map((p) => ({ field: p.field, code: p.code })),
      );
      continue;
    }
    if (planned.kind === 'kept' || planned.kind === 'noop' || (current && planned.changes.length === 0)) {
      results.push({ entity, id, status: 'kept' });
      continue;
    }
    rev += 1;
    if (entity === 'event') {
      const stored = { ...(planned.row as LedgerEvent), rev };
      events.set(id, stored);
      changedEvents.set(id, stored);
    } else if (entity === 'award') {
      const stored = { ...(planned.row as Award), rev };
      awards.set(id, stored);
      changedAwards.set(id, stored);
    } else {
      const stored = { ...(planned.row as Target), rev };
      targets.set(id, stored);
      changedTargets.set(id, stored);
    }
    const userId = r.trusted ? row.updatedBy : ctx.actor.userId;
    for (const c of planned.changes) {
      history.push({
        entity,
        recordId: id,
        field: c.field,
        oldValue: c.oldValue,
        newValue: c.newValue,
        rev,
        userId,
        clientId: ctx.clientId,
        at: ctx.now,
        clientAt: row.updatedAt,
      });
    }
    results.push({ entity, id, status: 'restored', rev });
  }

  return {
    response: { v: PROTOCOL_VERSION, epoch: state.epoch, results },
    lastSeq: state.lastSeq,
    rev,
    events: [...changedEvents.values()],
    targets: [...changedTargets.values()],
    awards: [...changedAwards.values()],
    history,
  };
}
