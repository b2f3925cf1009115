/**
 * What a push means, as a pure function of the stored rows it names: rights, validation,
 * field-level merge, tombstones, revs and history. Both stores call it inside their write
 * transaction (see PushPlanner in ../store/store.ts), so SQLite and PostgreSQL agree exactly.
 */
import * as v from 'valibot';
import { EVENT_MUTABLE_FIELDS, checkEventReferences, validateLedgerEvent, type LedgerEvent, type ReferenceContext } from '../../domain/event.js';
import { toProblems, type Problem } from '../../domain/problems.js';
import { BACK_TO_REVIEW, losesApproval } from '../../domain/review.js';
import { TARGET_MUTABLE_FIELDS, targetSchema, type Target } from '../../domain/targets.js';
import { AWARD_MUTABLE_FIELDS, awardPatchSchema, awardSchema, type Award } from '../../domain/awards.js';
import { PROTOCOL_VERSION, type Mutation, type MutationResult } from '../../sync/protocol.js';
import { stableJson, type Actor, type HistoryRow, type PushPlan, type PushState, type RejectedResult } from '../store/store.js';

export interface PlanContext {
  actor: Actor;
  clientId: string;
  mutations: readonly Mutation[];
  /** Server time of the push (ISO). */
  now: string;
  refs: ReferenceContext;
  /**
   * The ledger epoch the phone's outbox was made against; null or absent when it knows none
   * (a fresh phone, or one older than epochs), which any epoch accepts.
   */
  clientEpoch?: string | null;
}

/**
 * The push was made against an epoch the server no longer has (it was restored from a backup):
 * nothing is applied. The phone must first send back what it holds (POST /api/sync/recover).
 */
export class EpochChangedError extends Error {
  override readonly name = 'EpochChangedError';
  constructor(readonly epoch: string) {
    super(`the ledger was restored from a backup: its epoch is now ${epoch}`);
  }
}

/** Reasons a mutation is rejected (the phone shows them on the quarantined entry). */
export const REJECT_REASONS = {
  invalid: 'invalid',
  notFound: 'notFound',
  notYourEvent: 'notYourEvent',
  staffOnlyField: 'staffOnlyField',
  staffOnly: 'staffOnly',
  /** A volunteer's undelete of an event staff deleted. */
  deletedByStaff: 'deletedByStaff',
  /** A put names a photo the org does not hold (never uploaded, refused, or swept): problems say which (`photos.<index>`). */
  photoMissing: 'photoMissing',
} as const;

export type Outcome<T> =
  | { kind: 'rejected'; reason: string; problems?: Problem[] }
  | { kind: 'noop'; rev: number }
  | { kind: 'write'; row: T; changes: { field: string; oldValue: unknown; newValue: unknown }[] };

const STAFF_ONLY_EVENT_FIELDS = ['reviewNote', 'reviewedBy', 'reviewedAt'] as const;
const STAFF_STATUSES: readonly string[] = ['reviewed', 'returned'];

/** Whether the actor reviews and sees the whole ledger (staff or admin). */
export function isStaff(actor: Actor): boolean {
  return actor.role === 'staff' || actor.role === 'admin';
}

function same(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

/** The device's time of creation, unless it is unparsable, implausibly old or in the future. */
function creationTime(at: string, now: string): string {
  const t = Date.parse(at);
  if (!Number.isFinite(t) || t > Date.parse(now) || new Date(t).getUTCFullYear() < 2000) return now;
  return at;
}

/** The fields whose value differs between a stored row and its next version (none for a new row). */
export function changesOf(
  fields: readonly string[],
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
): { field: string; oldValue: unknown; newValue: unknown }[] {
  if (before === null) return [];
  const out: { field: string; oldValue: unknown; newValue: unknown }[] = [];
  for (const f of fields) {
    if (!same(before[f], after[f])) out.push({ field: f, oldValue: before[f] ?? null, newValue: after[f] ?? null });
  }
  return out;
}

/** What the photo check knows besides the current row (see PushState.storedPhotos). */
export interface PhotoHoldings {
  /** The event's photos as stored before this push (a name it already had is never re-checked). */
  before: readonly string[];
  /** Newly named hashes the org holds. */
  stored: ReadonlySet<string>;
}

/**
 * Problems for the photos a put adds (to the current row and the stored one) that the org does not
 * hold: refused, so the server never keeps an event whose evidence it cannot show.
 */
function missingPhotoProblems(photos: readonly string[], current: { photos: readonly string[] } | undefined, held: PhotoHoldings): Problem[] {
  const problems: Problem[] = [];
  photos.forEach((h, i) => {
    if (!held.stored.has(h) && !held.before.includes(h) && !(current?.photos ?? []).includes(h)) problems.push({ field: `photos.${i}`, code: 'photoMissing' });
  });
  return problems;
}

/**
 * Plans one event mutation against the stored row. `deletedBy` is who deleted the row when it is
 * deleted now (PushState.deletedBy); `held` the photos the org holds (absent: no photo check, as
 * for a recovery, which keeps an event whose photo is lost rather than lose the event).
 */
export function planEvent(
  m: Extract<Mutation, { entity: 'event' }>,
  current: LedgerEvent | undefined,
  ctx: Pick<PlanContext, 'actor' | 'now' | 'refs'>,
  opts: { deletedBy?: string; held?: PhotoHoldings } = {},
): Outcome<LedgerEvent> {
  const { actor, now } = ctx;
  if (current && current.orgId !== actor.orgId) return { kind: 'rejected', reason: REJECT_REASONS.notFound };
  if (current && !isStaff(actor) && current.createdBy !== actor.userId) {
    return { kind: 'rejected', reason: REJECT_REASONS.notYourEvent };
  }
  if (m.op !== 'put') {
    if (!current) return { kind: 'rejected', reason: REJECT_REASONS.notFound };
    const deleted = m.op === 'delete';
    if (current.deleted === deleted) return { kind: 'noop', rev: current.rev };
    // Staff deleting a volunteer's event is a decision about the ledger; the author cannot undo it.
    if (!deleted && !isStaff(actor) && opts.deletedBy !== undefined && opts.deletedBy !== actor.userId) {
      return { kind: 'rejected', reason: REJECT_REASONS.deletedByStaff };
    }
    const row: LedgerEvent = { ...current, deleted, updatedBy: actor.userId, updatedAt: now };
    return { kind: 'write', row, changes: [{ field: 'deleted', oldValue: current.deleted, newValue: deleted }] };
  }
  const base: Record<string, unknown> = current ?? {
    status: 'submitted',
    reviewNote: null,
    reviewedBy: null,
    reviewedAt: null,
    id: m.eventId,
    orgId: actor.orgId,
    createdBy: actor.userId,
    createdAt: creationTime(m.at, now),
    deleted: false,
    rev: 0,
  };
  const fields = m.fields as Record<string, unknown>;
  if (!isStaff(actor)) {
    const problems: Problem[] = [];
    for (const f of STAFF_ONLY_EVENT_FIELDS) {
      if (f in fields && !same(fields[f], base[f] ?? null)) problems.push({ field: f, code: 'staffOnly' });
    }
    if ('status' in fields && fields.status !== base.status && STAFF_STATUSES.includes(String(fields.status))) {
      problems.push({ field: 'status', code: 'staffOnly' });
    }
    if (problems.length) return { kind: 'rejected', reason: REJECT_REASONS.staffOnlyField, problems };
  }
  // Object.assign, not a second spread: V8 copies a large object spread into a literal after
  // another spread on a slow path (~20 µs per event here, most of a push's planning).
  const merged: Record<string, unknown> = Object.assign({}, base, fields, { updatedBy: actor.userId, updatedAt: now });
  if (isStaff(actor) && 'status' in fields && fields.status !== base.status && STAFF_STATUSES.includes(String(fields.status))) {
    if (!('reviewedBy' in fields)) merged.reviewedBy = actor.userId;
    if (!('reviewedAt' in fields)) merged.reviewedAt = now;
  }
  if (!isStaff(actor) && current && current.status === 'reviewed') {
    // An approval covers what staff saw (domain/review.ts): a non-staff change to anything a report
    // counts or shows, or the author taking the event back, ends it.
    const changed = Object.keys(fields).filter((f) => !same(fields[f], (current as Record<string, unknown>)[f] ?? null));
    if (merged.status !== 'reviewed' || losesApproval('reviewed', changed)) {
      Object.assign(merged, BACK_TO_REVIEW, merged.status === 'reviewed' ? {} : { status: merged.status });
    }
  }
  // The server's clock judges a start (new event, or a start this put moves); an old row stays editable.
  const checked = validateLedgerEvent(merged, { now: !current || merged.startAt !== current.startAt ? Date.parse(now) : undefined });
  if (!checked.ok) return { kind: 'rejected', reason: REJECT_REASONS.invalid, problems: checked.problems };
  const refProblems = checkEventReferences(checked.value, ctx.refs);
  if (refProblems.length) return { kind: 'rejected', reason: REJECT_REASONS.invalid, problems: refProblems };
  if (m.fields.photos && opts.held) {
    const missing = missingPhotoProblems(m.fields.photos, current, opts.held);
    if (missing.length) return { kind: 'rejected', reason: REJECT_REASONS.photoMissing, problems: missing };
  }
  const row = checked.value;
  const changes = changesOf(EVENT_MUTABLE_FIELDS, current ?? null, row);
  if (current && changes.length === 0) return { kind: 'noop', rev: current.rev };
  return { kind: 'write', row, changes };
}

/**
 * Plans one target mutation against the stored row (staff and admin only); like an award's, the
 * evidence photos a put names must be held by the org (`held`; absent: no check, as in a recovery).
 */
export function planTarget(
  m: Extract<Mutation, { entity: 'target' }>,
  current: Target | undefined,
  ctx: Pick<PlanContext, 'actor' | 'now'>,
  held?: PhotoHoldings,
): Outcome<Target> {
  const { actor, now } = ctx;
  if (current && current.orgId !== actor.orgId) return { kind: 'rejected', reason: REJECT_REASONS.notFound };
  if (!isStaff(actor)) return { kind: 'rejected', reason: REJECT_REASONS.staffOnly };
  if (m.op === 'delete') {
    if (!current) return { kind: 'rejected', reason: REJECT_REASONS.notFound };
    if (current.deleted) return { kind: 'noop', rev: current.rev };
    const row: Target = { ...current, deleted: true, updatedBy: actor.userId, updatedAt: now };
    return { kind: 'write', row, changes: [{ field: 'deleted', oldValue: false, newValue: true }] };
  }
  const base: Record<string, unknown> = current ?? {
    id: m.targetId,
    orgId: actor.orgId,
    createdBy: actor.userId,
    createdAt: creationTime(m.at, now),
    deleted: false,
    rev: 0,
  };
  const merged = Object.assign({}, base, m.fields as Record<string, unknown>, { updatedBy: actor.userId, updatedAt: now });
  const r = v.safeParse(targetSchema, merged, { abortPipeEarly: true });
  if (!r.success) {
    const problems: Problem[] = r.issues.map((i) => ({ field: v.getDotPath(i) ?? '', code: i.message.startsWith('Invalid') ? 'invalid' : i.message }));
    return { kind: 'rejected', reason: REJECT_REASONS.invalid, problems };
  }
  if (m.fields.photos && held) {
    const missing = missingPhotoProblems(m.fields.photos, current && { photos: current.photos ?? [] }, held);
    if (missing.length) return { kind: 'rejected', reason: REJECT_REASONS.photoMissing, problems: missing };
  }
  const row = r.output;
  const changes = changesOf(TARGET_MUTABLE_FIELDS, current ?? null, row);
  if (current && changes.length === 0) return { kind: 'noop', rev: current.rev };
  return { kind: 'write', row, changes };
}

/**
 * Plans one award mutation (issue 14 §4): like a target — staff and admin only, the whole row
 * checked after the merge — and, like an event's, its evidence photos must be held by the org.
 */
export function planAward(
  m: Extract<Mutation, { entity: 'award' }>,
  current: Award | undefined,
  ctx: Pick<PlanContext, 'actor' | 'now'>,
  held?: PhotoHoldings,
): Outcome<Award> {
  const { actor, now } = ctx;
  if (current && current.orgId !== actor.orgId) return { kind: 'rejected', reason: REJECT_REASONS.notFound };
  if (!isStaff(actor)) return { kind: 'rejected', reason: REJECT_REASONS.staffOnly };
  if (m.op === 'delete') {
    if (!current) return { kind: 'rejected', reason: REJECT_REASONS.notFound };
    if (current.deleted) return { kind: 'noop', rev: current.rev };
    const row: Award = { ...current, deleted: true, updatedBy: actor.userId, updatedAt: now };
    return { kind: 'write', row, changes: [{ field: 'deleted', oldValue: false, newValue: true }] };
  }
  // The wire schema leaves an award's fields to here (protocol.ts): only award fields, each valid.
  const patch = v.safeParse(awardPatchSchema, m.fields, { abortPipeEarly: true });
  if (!patch.success) return { kind: 'rejected', reason: REJECT_REASONS.invalid, problems: toProblems(patch.issues) };
  const base: Record<string, unknown> = current ?? {
    id: m.awardId,
    orgId: actor.orgId,
    createdBy: actor.userId,
    createdAt: creationTime(m.at, now),
    deleted: false,
    rev: 0,
  };
  const merged = Object.assign({}, base, patch.output as Record<string, unknown>, { updatedBy: actor.userId, updatedAt: now });
  const r = v.safeParse(awardSchema, merged, { abortPipeEarly: true });
  if (!r.success) {
    const problems: Problem[] = r.issues.map((i) => ({ field: v.getDotPath(i) ?? '', code: i.message.startsWith('Invalid') ? 'invalid' : i.message }));
    return { kind: 'rejected', reason: REJECT_REASONS.invalid, problems };
  }
  if (patch.output.photos && held) {
    const missing = missingPhotoProblems(patch.output.photos, current, held);
    if (missing.length) return { kind: 'rejected', reason: REJECT_REASONS.photoMissing, problems: missing };
  }
  const row = r.output;
  const changes = changesOf(AWARD_MUTABLE_FIELDS, current ?? null, row);
  if (current && changes.length === 0) return { kind: 'noop', rev: current.rev };
  return { kind: 'write', row, changes };
}

const NO_PHOTOS: ReadonlySet<string> = new Set();

/**
 * Plans a push: which mutations apply, the rows to write, their revs and the history. Throws
 * EpochChangedError (nothing applied) when the phone's epoch is not the ledger's.
 */
export function planPush(ctx: PlanContext, state: PushState): PushPlan {
  if (ctx.clientEpoch != null && ctx.clientEpoch !== state.epoch) throw new EpochChangedError(state.epoch);
  let lastSeq = state.lastSeq;
  let rev = state.rev;
  const events = new Map(state.events);
  const targets = new Map(state.targets);
  const awards = new Map(state.awards);
  const changedEvents = new Map<string, LedgerEvent>();
  const changedTargets = new Map<string, Target>();
  const changedAwards = new Map<string, Award>();
  const history: HistoryRow[] = [];
  const results: MutationResult[] = [];
  const rejections: RejectedResult[] = [];

  for (const m of ctx.mutations) {
    if (m.seq <= lastSeq) {
      // A retry. A rejected one is answered "rejected" again: had it been answered "skipped" after
      // the first answer was lost, the phone would drop the refused edit from its quarantine.
      results.push(state.rejections?.get(m.seq) ?? { seq: m.seq, status: 'skipped' });
      continue;
    }
    lastSeq = m.seq;
    const id = m.entity === 'event' ? m.eventId : m.entity === 'target' ? m.targetId : m.awardId;
    const outcome: Outcome<LedgerEvent | Target | Award> =
      m.entity === 'event'
        ? planEvent(m, events.get(m.eventId), ctx, {
            deletedBy: state.deletedBy?.get(m.eventId),
            held: { before: state.events.get(m.eventId)?.photos ?? [], stored: state.storedPhotos ?? NO_PHOTOS },
          })
        : m.entity === 'award'
          ? planAward(m, awards.get(m.awardId), ctx, { before: state.awards.get(m.awardId)?.photos ?? [], stored: state.storedPhotos ?? NO_PHOTOS })
          : planTarget(m, targets.get(m.targetId), ctx, { before: state.targets.get(m.targetId)?.photos ?? [], stored: state.storedPhotos ?? NO_PHOTOS });
    if (outcome.kind === 'rejected') {
      const r: RejectedResult = { seq: m.seq, status: 'rejected', reason: outcome.reason };
      if (outcome.problems && outcome.problems.length) r.problems = outcome.problems.map((p) => ({ field: p.field, code: p.code }));
      results.push(r);
      rejections.push(r);
      continue;
    }
    if (outcome.kind === 'noop') {
      results.push({ seq: m.seq, status: 'applied', rev: outcome.rev });
      continue;
    }
    rev += 1;
    if (m.entity === 'event') {
      const row = { ...(outcome.row as LedgerEvent), rev };
      events.set(id, row);
      changedEvents.set(id, row);
    } else if (m.entity === 'award') {
      const row = { ...(outcome.row as Award), rev };
      awards.set(id, row);
      changedAwards.set(id, row);
    } else {
      const row = { ...(outcome.row as Target), rev };
      targets.set(id, row);
      changedTargets.set(id, row);
    }
    for (const c of outcome.changes) {
      history.push({
        entity: m.entity,
        recordId: id,
        field: c.field,
        oldValue: c.oldValue,
        newValue: c.newValue,
        rev,
        userId: ctx.actor.userId,
        clientId: ctx.clientId,
        at: ctx.now,
        clientAt: m.at,
      });
    }
    results.push({ seq: m.seq, status: 'applied', rev });
  }

  return {
    response: { v: PROTOCOL_VERSION, epoch: state.epoch, lastAppliedSeq: lastSeq, results },
    lastSeq,
    rev,
    events: [...changedEvents.values()],
    targets: [...changedTargets.values()],
    awards: [...changedAwards.values()],
    history,
    rejections,
  };
}
