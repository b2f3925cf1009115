/**
 * The sync wire protocol, shared by the phone (src/sync) and the server (src/server): push the
 * outbox, pull rows changed since a cursor. Modelled on Replicache/Zero push/pull. The version
 * travels with every request so a later change can be told apart from day one.
 *
 * Imports only src/domain, so the server can compile it with NodeNext resolution.
 */
import * as v from 'valibot';
import { eventPatchSchema, type EventPatch, type LedgerEvent } from '../domain/event.js';
import { targetPatchSchema, type Target, type TargetPatch } from '../domain/targets.js';
import type { Award, AwardPatch } from '../domain/awards.js';
import type { TotalsRow } from '../domain/totals.js';

/** The protocol version this build speaks. */
export const PROTOCOL_VERSION = 1;

/**
 * Most mutations one push may carry; a longer outbox goes in several pushes. A page of 2,000
 * realistic events is about 2.2 MB of JSON, inside MAX_BODY_BYTES; phones also cut pages by size.
 */
export const MAX_PUSH_MUTATIONS = 2000;
/** Most rows one pull may return. */
export const MAX_PULL_LIMIT = 2000;
/** Largest photo the server accepts (bytes); phones resize to ≤ 1600 px JPEG, far below it. */
export const MAX_BLOB_BYTES = 8 * 1024 * 1024;
/** Largest request body other than a blob (bytes). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

const uuid = v.pipe(v.string('required'), v.uuid('badId'));
const seq = v.pipe(v.number('notNumber'), v.integer('notInteger'), v.minValue(1, 'notPositive'), v.maxValue(Number.MAX_SAFE_INTEGER, 'tooLarge'));
const at = v.pipe(v.string('required'), v.isoTimestamp('badTime'));

/** One change to one record, as the outbox keeps it and push sends it. */
export const mutationSchema = v.variant('entity', [
  v.variant('op', [
    v.strictObject({ entity: v.literal('event'), op: v.literal('put'), seq, eventId: uuid, fields: eventPatchSchema, at }),
    v.strictObject({ entity: v.literal('event'), op: v.literal('delete'), seq, eventId: uuid, at }),
    v.strictObject({ entity: v.literal('event'), op: v.literal('undelete'), seq, eventId: uuid, at }),
  ]),
  v.variant('op', [
    v.strictObject({ entity: v.literal('target'), op: v.literal('put'), seq, targetId: uuid, fields: targetPatchSchema, at }),
    v.strictObject({ entity: v.literal('target'), op: v.literal('delete'), seq, targetId: uuid, at }),
  ]),
  // Competition awards (issue 14 §4, domain/awards.ts): staff and admins only, like targets. The
  // fields are checked field by field by the planner (planAward: a bad put is that mutation's
  // rejection, with its problems), so a volunteer's phone, which validates its outbox backup with
  // this schema, does not carry the award schema in its first visit.
  v.variant('op', [
    v.strictObject({ entity: v.literal('award'), op: v.literal('put'), seq, awardId: uuid, fields: v.record(v.string(), v.unknown(), 'notObject'), at }),
    v.strictObject({ entity: v.literal('award'), op: v.literal('delete'), seq, awardId: uuid, at }),
  ]),
]);
export type Mutation =
  | { entity: 'event'; op: 'put'; seq: number; eventId: string; fields: EventPatch; at: string }
  | { entity: 'event'; op: 'delete' | 'undelete'; seq: number; eventId: string; at: string }
  | { entity: 'target'; op: 'put'; seq: number; targetId: string; fields: TargetPatch; at: string }
  | { entity: 'target'; op: 'delete'; seq: number; targetId: string; at: string }
  | { entity: 'award'; op: 'put'; seq: number; awardId: string; fields: AwardPatch; at: string }
  | { entity: 'award'; op: 'delete'; seq: number; awardId: string; at: string };

/** An outbox row: a mutation and the device that made it. */
export type OutboxMutation = Mutation & { readonly clientId: string };

/**
 * A ledger epoch: the identity of one copy of the server's ledger, changed by every restore from
 * a backup (see src/server/README.md). Phones send the one they last saw; null when they have
 * none yet (a fresh phone, or one from before epochs existed).
 */
const epochSchema = v.pipe(v.string('notText'), v.regex(/^[0-9a-f]{32}$/, 'badEpoch'));

/** POST /api/sync/push body. Mutations in rising seq order. */
export const pushRequestSchema = v.strictObject({
  v: v.literal(PROTOCOL_VERSION, 'badVersion'),
  clientId: uuid,
  /** The epoch the phone's rows and cursor belong to; absent from phones older than epochs. */
  epoch: v.optional(v.nullable(epochSchema)),
  mutations: v.pipe(
    v.array(mutationSchema, 'notList'),
    v.maxLength(MAX_PUSH_MUTATIONS, 'tooMany'),
    v.check((ms) => ms.every((m, i) => i === 0 || m.seq > ms[i - 1]!.seq), 'seqNotRising'),
  ),
});
export interface PushRequest {
  v: typeof PROTOCOL_VERSION;
  clientId: string;
  epoch?: string | null;
  mutations: Mutation[];
}

/** What became of one pushed mutation. */
export type MutationResult =
  | { seq: number; status: 'applied'; rev: number }
  /** seq ≤ the client's last applied seq: a retry; already done earlier. */
  | { seq: number; status: 'skipped' }
  /** Refused (bad data, no right): the phone quarantines it; it never blocks later ones. */
  | { seq: number; status: 'rejected'; reason: string; problems?: { field: string; code: string }[] };

/** POST /api/sync/push answer. `lastAppliedSeq` covers applied, skipped and rejected alike. */
export interface PushResponse {
  v: typeof PROTOCOL_VERSION;
  /** The server's ledger epoch the push was applied in. */
  epoch: string;
  lastAppliedSeq: number;
  results: MutationResult[];
}

/**
 * GET /api/sync/pull query; `epoch` empty or absent when the phone has none. `scope` (issue 13 §5):
 * the scope the phone's rows and cursor belong to, empty when it has none yet; a phone that sends
 * it (even empty) understands `dropped` and `totals` in the answer. Phones from before scopes send
 * no `scope` and get the rows of their scope only, without either.
 */
export const pullQuerySchema = v.strictObject({
  cursor: v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'badCursor'), v.transform(Number)),
  epoch: v.optional(v.union([v.literal(''), epochSchema])),
  scope: v.optional(v.union([v.literal(''), v.literal('all'), v.pipe(v.string(), v.regex(/^own:[A-Za-z0-9_-]{1,64}$/, 'badScope'))])),
  /** The `totalsKey` of the org totals the phone holds: the server leaves out totals it would count the same. */
  totalsKey: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{32}\.\d{1,20}$/, 'badTotalsKey'))),
  limit: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,4}$/, 'badLimit'), v.transform(Number), v.minValue(1, 'badLimit'), v.maxValue(MAX_PULL_LIMIT, 'badLimit')),
  ),
  /**
   * `1`: the phone understands award rows (issue 14 §4). Phones from before awards leave it out and
   * get none (they would store them as targets); a phone's first build with awards pulls from 0
   * once (the Dexie upgrade that adds the table resets its cursor), so it misses none.
   */
  awards: v.optional(v.literal('1', 'badAwards')),
});

/**
 * One changed record in a pull, tombstones included (`deleted: true`). `sig` is the server's
 * signature of the row (absent for rows written before signatures existed): the phone keeps it
 * and sends it back with the row if the server is ever restored from an older backup.
 */
export type PulledRow =
  { entity: 'event'; row: LedgerEvent; sig?: string } | { entity: 'target'; row: Target; sig?: string } | { entity: 'award'; row: Award; sig?: string };

/**
 * GET /api/sync/pull answer: rows with rev > cursor in rev order, and the cursor to ask next.
 *
 * Scopes (issue 13 §5, src/domain/scope.ts): staff and admins pull every row (`scope: 'all'`); a
 * volunteer pulls the events they created or are listed on, and every target (`own:<userId>`).
 * Awards go to staff and admins only (phones that send `awards=1`): volunteers never see them.
 * When the answer's scope is not the one the phone's rows belong to (a promotion or demotion),
 * the phone drops what is outside the new scope (keeping rows with unsynced changes) and pulls
 * again from 0. Scoped rows and `dropped` are cut from one rev-ordered list: the cursor covers both.
 */
export interface PullResponse {
  v: typeof PROTOCOL_VERSION;
  /** The server's ledger epoch the cursor belongs to. */
  epoch: string;
  rows: PulledRow[];
  cursor: number;
  /** More rows wait beyond this page. */
  more: boolean;
  /** The scope the rows and cursor belong to (absent from servers older than scopes). */
  scope?: string;
  /**
   * Events that left this scope at a rev in this page (a volunteer taken off an event's list):
   * the phone drops its copy unless it holds unsynced changes of it. Only to phones that sent `scope`.
   */
  dropped?: string[];
  /**
   * A scoped phone's view of the whole org: the year totals by township and by format of every
   * event of the org (both bases: every non-deleted event, and reviewed ones), counted by the
   * server at this pull. Sent with the last page (`more` false) of a scoped pull that sent `scope`.
   */
  totals?: TotalsRow[];
  /**
   * Names the count `totals` would carry: `<epoch>.<sum of the org's event revs>`, which changes
   * with every write of an org's event and with a restore. Sent
   * whenever totals would be; when it equals the `totalsKey` the phone sent, `totals` is left out:
   * the phone's are current.
   */
  totalsKey?: string;
}

/** Most rows one recovery request may carry. */
export const MAX_RECOVER_ROWS = 1000;

/**
 * One record a phone holds, sent back after a restore: the row as the phone has it and the
 * signature it was pulled with (null when it has none, or changed the row since). The server
 * checks each row on its own (src/server/sync/plan-recovery.ts); here only its identity.
 */
const recoveredRowSchema = v.variant('entity', [
  v.strictObject({ entity: v.literal('event'), row: v.looseObject({ id: uuid }), sig: v.nullable(v.pipe(v.string(), v.maxLength(100, 'tooLong'))) }),
  v.strictObject({ entity: v.literal('target'), row: v.looseObject({ id: uuid }), sig: v.nullable(v.pipe(v.string(), v.maxLength(100, 'tooLong'))) }),
  v.strictObject({ entity: v.literal('award'), row: v.looseObject({ id: uuid }), sig: v.nullable(v.pipe(v.string(), v.maxLength(100, 'tooLong'))) }),
]);
/** The synced record kinds. */
export type RecordEntity = 'event' | 'target' | 'award';
export type RecoveredRow = { entity: RecordEntity; row: { id: string } & Record<string, unknown>; sig: string | null };

/**
 * POST /api/sync/recover body: after a restore, a phone sends every event, target and award it holds,
 * in pages, under the server's new epoch (which it learnt from an `epochChanged` answer).
 */
export const recoverRequestSchema = v.strictObject({
  v: v.literal(PROTOCOL_VERSION, 'badVersion'),
  clientId: uuid,
  epoch: epochSchema,
  rows: v.pipe(v.array(recoveredRowSchema, 'notList'), v.maxLength(MAX_RECOVER_ROWS, 'tooMany')),
});
export interface RecoverRequest {
  v: typeof PROTOCOL_VERSION;
  clientId: string;
  epoch: string;
  rows: RecoveredRow[];
}

/** What became of one recovered row. */
export type RecoverResult =
  /** The server lacked the row, or held an older version: the phone's is stored (a new rev). */
  | { entity: RecordEntity; id: string; status: 'restored'; rev: number }
  /** The server holds the same or a newer version: nothing written. */
  | { entity: RecordEntity; id: string; status: 'kept' }
  /** Not taken (bad row, or a change this user may not make); the next pull brings the server's. */
  | { entity: RecordEntity; id: string; status: 'rejected'; reason: string; problems?: { field: string; code: string }[] };

/** POST /api/sync/recover answer. */
export interface RecoverResponse {
  v: typeof PROTOCOL_VERSION;
  epoch: string;
  results: RecoverResult[];
}

/** The error code of a push, pull or recovery made under an epoch the server no longer has. */
export const EPOCH_CHANGED = 'epochChanged';

/** Whether a string is a lower-case hex SHA-256 (a blob's name). */
export function isSha256Hex(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}

/** Image types a blob may have. */
export const BLOB_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
