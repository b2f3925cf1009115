/**
 * The storage interface the routes use. Two implementations (sqlite.ts, postgres.ts) pass one
 * conformance suite (tests/server/store-conformance.ts). The store does IO only: what a push
 * means is decided by a pure planner (src/server/sync/plan.ts) the store calls inside its
 * transaction, so both databases apply exactly the same rules.
 */
import type { PublicInvite, PublicUser } from '../../domain/account.js';
import type { LedgerEvent } from '../../domain/event.js';
import type { Target } from '../../domain/targets.js';
import type { Taxonomy } from '../../domain/taxonomy.js';
import type { Mutation, MutationResult, PulledRow, PushResponse } from '../../sync/protocol.js';
import type { FeedbackStore } from './feedback-store.js';

export interface OrgRow {
  id: string;
  name: string;
  createdAt: string;
}

export interface UserRow extends PublicUser {
  passwordHash: string;
}

export interface InviteRow extends Omit<PublicInvite, 'code'> {
  codeHash: string;
}

/** A token's user and times (tokenSession). */
export interface TokenSession {
  user: UserRow;
  createdAt: string;
  /** The last recorded use before this lookup (written at most once per touch interval). */
  lastUsedAt: string;
}

/**
 * The instants a token lookup is judged by (ISO, as toISOString writes them, so they compare as
 * text): a token last used before `idleSince` or created before `createdSince` has expired.
 */
export interface TokenTimes {
  now: string;
  idleSince: string;
  createdSince: string;
  /** A valid token last used before this gets `now` as its last use. */
  touchBefore: string;
}

/** An attempt counter after a hit. */
export interface LimitCount {
  /** Attempts in the current window, the one just counted included. */
  hits: number;
  /** When the current window ends (ms since the epoch). */
  resetAt: number;
}

export interface UserPatch {
  disabled?: boolean;
  /** Volunteer ↔ staff (never to or from admin: the route checks). */
  role?: 'volunteer' | 'staff';
  name?: string;
  passwordHash?: string;
}

/** Who is acting: from the bearer token. */
export interface Actor {
  userId: string;
  orgId: string;
  role: PublicUser['role'];
}

/** One overwritten value: kept forever so the loser of a conflict can be seen and restored. */
export interface HistoryRow {
  entity: 'event' | 'target';
  recordId: string;
  field: string;
  oldValue: unknown;
  newValue: unknown;
  rev: number;
  userId: string;
  clientId: string;
  /** Server time of the change. */
  at: string;
  /** The device's time of the mutation. */
  clientAt: string;
}

/** What the store reads, under its write lock, before planning a push. */
export interface PushState {
  /** The ledger's epoch (table `ledger`), read in the push's transaction. */
  epoch: string;
  /** The client's last applied seq (0 for a new client). */
  lastSeq: number;
  /** The global rev counter: the highest rev given out so far. */
  rev: number;
  /** The current rows of every event / target the push names (any org), by id. */
  events: ReadonlyMap<string, LedgerEvent>;
  targets: ReadonlyMap<string, Target>;
  /**
   * The stored answers of earlier rejected mutations of this client, by seq, for the pushed seqs
   * ≤ lastSeq (a retry whose first answer was lost is answered "rejected" again). Absent: none.
   */
  rejections?: ReadonlyMap<number, RejectedResult>;
  /**
   * For each named event that is deleted now: who deleted it (the user of its latest `deleted`
   * history row). A volunteer may not undelete what staff deleted. Absent: none deleted.
   */
  deletedBy?: ReadonlyMap<string, string>;
  /**
   * Photos (migration 006): of the hashes the push's event puts name that the named event's stored
   * row does not already hold, those the actor's org holds (has uploaded and not lost to the
   * sweep). Read inside the push transaction, under a lock the sweep waits for, so a photo found
   * here is still there at COMMIT. Absent: none.
   */
  storedPhotos?: ReadonlySet<string>;
  /**
   * The actor's org's stored taxonomy (migration 002), null when staff never saved one; read in
   * the push's transaction, so a push is checked against every code saved before it.
   */
  taxonomy: Taxonomy | null;
}

/** A rejected mutation's answer (remembered per user, client and seq: migration 003). */
export type RejectedResult = Extract<MutationResult, { status: 'rejected' }>;

/** What the store writes after planning a push (or a recovery: then R is its answer). */
export interface PushPlan<R = PushResponse> {
  response: R;
  /** New value of the client's last applied seq. */
  lastSeq: number;
  /** New value of the global rev counter. */
  rev: number;
  /** Rows to insert or replace (final state only). */
  events: LedgerEvent[];
  targets: Target[];
  history: HistoryRow[];
  /** Answers of the mutations rejected by this push, to remember (absent: none). */
  rejections?: RejectedResult[];
}

export type PushPlanner<R = PushResponse> = (state: PushState) => PushPlan<R>;

export interface PushInput {
  actor: Actor;
  clientId: string;
  mutations: readonly Mutation[];
  /** Records to read (and lock) besides those the mutations name: a recovery's rows. */
  records?: { readonly events: readonly string[]; readonly targets: readonly string[] };
}

/** The ledger's identity (table `ledger`, migration 004). */
export interface LedgerIdentity {
  /** Changes on every restore from a backup; every push and pull answer carries it. */
  epoch: string;
  /** Hex HMAC key that signs every row handed out (src/server/sync/signature.ts). */
  signKey: string;
}

/** The org's taxonomy document (GET/PUT /api/org/taxonomy). */
export interface OrgTaxonomyRow {
  taxonomy: Taxonomy;
  updatedBy: string;
  updatedAt: string;
}

/**
 * Decides, from the stored taxonomy (null: none yet), what to store; null stores nothing. Called
 * inside the store's write transaction, so two PUTs cannot both pass a check against stale data.
 */
export type TaxonomyDecider = (current: OrgTaxonomyRow | null) => OrgTaxonomyRow | null;

export interface BlobMeta {
  contentType: string;
  size: number;
}

/** One photo upload (PUT /api/blobs/:sha256), as the route hands it to the store. */
export interface BlobPut {
  sha256: string;
  contentType: string;
  bytes: Buffer;
  orgId: string;
  userId: string;
  /** Server time of the upload (ISO). */
  at: string;
  /** Start of the uploader's daily budget window (ISO): their uploads at or after it count. */
  dayStart: string;
}

/** What an org and an uploader already hold, read under the store's per-org upload lock. */
export interface BlobUsage {
  /** The org holds this blob already: a repeat upload, charged nothing. */
  held: boolean;
  /** Bytes the org holds: each blob it holds counted once for it (shared bytes count for each org). */
  orgBytes: number;
  /** Bytes this user added to their org's holdings since `dayStart`. */
  userBytesToday: number;
}

/** Why an upload is refused (an error code of the API). */
export type BlobRefusal = 'orgStorageFull' | 'dailyUploadLimit';

/**
 * Decides from the usage whether an upload may be stored (null) or is refused. Called inside the
 * store's transaction under a per-org lock, so parallel uploads cannot all pass one check.
 */
export type BlobPutDecider = (usage: BlobUsage) => BlobRefusal | null;

/**
 * created: the bytes are new to the server; added: another org had sent the same bytes, now this
 * org holds them too; held: this org had them already (its grace period restarts); refused: nothing written.
 */
export type BlobPutResult = { status: 'created' | 'added' | 'held' } | { status: 'refused'; reason: BlobRefusal };

/** What one sweep removed. */
export interface BlobSweep {
  /** (org, blob) holdings dropped: unnamed by the org's events and not uploaded since the cutoff. */
  owners: number;
  /** Blobs deleted because no org holds them any more. */
  blobs: number;
  /** Bytes those blobs took. */
  bytes: number;
}

/** A scoped pull (issue 13 §5): a volunteer's events only (src/domain/scope.ts; table `event_access`). */
export interface PullScopeFilter {
  userId: string;
}

/** One page of a pull. */
export interface PullPage {
  /** In rev order. */
  rows: PulledRow[];
  /**
   * A scoped pull only: events that left the user's scope at a rev in this page, with that rev.
   * Rows and dropped ids are one rev-ordered list cut at the limit, so a cursor covers both.
   */
  dropped: { id: string; rev: number }[];
  more: boolean;
  epoch: string;
}

export interface Store extends FeedbackStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies pending numbered migrations (idempotent). */
  migrate(): Promise<void>;
  close(): Promise<void>;

  // Accounts
  hasAdmin(): Promise<boolean>;
  /** Creates the association and its first admin, unless an admin exists (then false). */
  setup(org: OrgRow, admin: UserRow): Promise<boolean>;
  getOrg(id: string): Promise<OrgRow | null>;
  /** False when the username is taken. */
  createUser(user: UserRow): Promise<boolean>;
  getUser(id: string): Promise<UserRow | null>;
  getUserByUsername(username: string): Promise<UserRow | null>;
  listUsers(orgId: string): Promise<UserRow[]>;
  /** Disabling or a new password also revokes every token of the user. Null when unknown. */
  updateUser(id: string, patch: UserPatch): Promise<UserRow | null>;

  // Tokens (only their SHA-256 is stored). No store caches a lookup: a token deleted or a user
  // disabled through any store object over the same database is refused by the next lookup.
  /** A new token, last used at `createdAt`. */
  createToken(tokenHash: string, userId: string, createdAt: string): Promise<void>;
  /**
   * The token's user and times, or null (unknown or revoked), in one indexed read. Expired tokens
   * are answered too (the caller tells "expired" from "unknown"). When the token is valid under
   * `times` and its last use is before `times.touchBefore`, its last use becomes `times.now`
   * (migration 005): so at most one write per token per touch interval, and an expired token is
   * never brought back to life. The answer carries the last use as it was before this lookup.
   */
  tokenSession(tokenHash: string, times: TokenTimes): Promise<TokenSession | null>;
  deleteToken(tokenHash: string): Promise<void>;
  /**
   * Sets the user's password hash and revokes every token of the user except `keepTokenHash`
   * (the session that asked), in one transaction. Null when the user is unknown.
   */
  changePassword(userId: string, passwordHash: string, keepTokenHash: string): Promise<UserRow | null>;

  // Attempt limits (migration 005), shared by every server process over the database
  /**
   * Counts one attempt under `key` atomically (one statement or transaction: two processes never
   * both read the same count) and answers the attempts in the current window, this one included.
   * A window starts at the first attempt after the previous one ended and lasts `windowMs`.
   */
  hitLimit(key: string, nowMs: number, windowMs: number): Promise<LimitCount>;
  /** Forgets the attempts under `key` (a successful login). */
  resetLimit(key: string): Promise<void>;
  /** Deletes counters whose window began before `windowStartBefore` and tokens expired long ago. */
  pruneAuth(before: { windowStartBefore: number; tokensUsedBefore: string; tokensCreatedBefore: string }): Promise<void>;
  /**
   * Stores `fingerprint` as the server secret's fingerprint unless one is stored already, and
   * answers the stored one: a different answer means this server's secret differs from the one
   * the database was first used with (migration 005).
   */
  secretFingerprint(fingerprint: string): Promise<string>;

  // Invites
  createInvite(invite: InviteRow): Promise<void>;
  listInvites(orgId: string): Promise<InviteRow[]>;
  /** False when there is no such invite in the org. */
  revokeInvite(orgId: string, id: string): Promise<boolean>;
  /**
   * Atomically: finds a usable invite by code hash (not revoked, not expired at `now`, uses left),
   * counts one use and creates the user `makeUser` returns.
   */
  redeemInvite(
    codeHash: string,
    now: string,
    makeUser: (invite: InviteRow) => UserRow,
  ): Promise<{ ok: true; user: UserRow } | { ok: false; reason: 'badInvite' | 'usernameTaken' }>;

  // Sync
  /**
   * Runs the planner in one write transaction and stores its outcome. Every event and target
   * row written is stored with its signature (signRecord under the ledger's sign key). When the
   * planner throws, nothing is written and the error propagates.
   */
  push<R = PushResponse>(input: PushInput, plan: PushPlanner<R>): Promise<R>;
  /**
   * Rows of the org with rev > cursor, in rev order, at most `limit`, whether more wait, and the
   * ledger's epoch read in the same snapshot as the rows. Each row carries the signature it was
   * stored with (none for rows written before migration 004). With `scope`: only the events in
   * the user's scope (their `event_access` member rows) and every target, and the events that
   * left the scope (`dropped`); the limit counts both. Every push records, in its transaction,
   * the access changes of each event it writes (domain/scope.ts accessChanges).
   */
  pull(orgId: string, cursor: number, limit: number, scope?: PullScopeFilter): Promise<PullPage>;
  /**
   * Every live (non-deleted) event of the org and the sum of the revs of all its events, tombstones
   * included, read in one snapshot. The sum rises with every committed write of an org's event, so
   * it names the snapshot: the server's count of a scoped pull's totals is kept under it.
   */
  liveEvents(orgId: string): Promise<{ events: LedgerEvent[]; revSum: number }>;
  /** The sum of the revs of all the org's events (see liveEvents): one index-only read. */
  eventRevSum(orgId: string): Promise<number>;
  /** The highest rev given out so far (the rev counter). */
  currentRev(): Promise<number>;
  /** The ledger's epoch and sign key. */
  ledger(): Promise<LedgerIdentity>;
  /**
   * Gives the ledger a new epoch (after a restore from a backup; the server must not be serving
   * this database meanwhile). Answers the new epoch.
   */
  renewEpoch(epoch: string, at: string): Promise<string>;
  getEvent(id: string): Promise<LedgerEvent | null>;
  history(entity: 'event' | 'target', recordId: string): Promise<HistoryRow[]>;

  // The org's taxonomy (migration 002)
  getTaxonomy(orgId: string): Promise<OrgTaxonomyRow | null>;
  /** Runs `decide` on the stored row in one write transaction; answers the row stored afterwards. */
  putTaxonomy(orgId: string, decide: TaxonomyDecider): Promise<OrgTaxonomyRow | null>;

  // Blobs: content-addressed photos, held per org (migration 006)
  /**
   * Stores an upload in one transaction: reads the usage under a per-org lock, asks `decide`, and
   * unless refused stores the bytes (once per hash, whoever sent them first) and records that the
   * org holds them, uploaded by `userId` at `at`; a repeat upload by the org only restarts its
   * grace period (touched at `at`). A refusal writes nothing.
   */
  putBlob(put: BlobPut, decide: BlobPutDecider): Promise<BlobPutResult>;
  /** The blob as `orgId` may read it: one the org holds or one its events name; else null. */
  blobMeta(orgId: string, sha256: string): Promise<BlobMeta | null>;
  getBlob(orgId: string, sha256: string): Promise<(BlobMeta & { bytes: Buffer }) | null>;
  /**
   * Drops every holding (org, blob) that no event of that org has named and that was last
   * uploaded before `cutoff` (ISO), then deletes the bytes of blobs no org holds any more that
   * were first stored before `cutoff`. Named blobs are never removed: the push records names in
   * its own transaction, and the sweep and the push exclude each other on the holdings.
   */
  sweepBlobs(cutoff: string): Promise<BlobSweep>;

  /** Every table's rows in a stable order (for tests that assert nothing was written). */
  dump(): Promise<Record<string, unknown[]>>;
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}
