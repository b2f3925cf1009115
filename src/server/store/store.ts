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

export interface UserPatch {
  disabled?: boolean;
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
   * Photos (migration 006): of the hashes the push's event puts name that the named event's stored
   * row does not already hold, those the actor's org holds (has uploaded and not lost to the
   * sweep). Read inside the push transaction, under a lock the sweep waits for, so a photo found
   * here is still there at COMMIT. Absent: none.
   */
  storedPhotos?: ReadonlySet<string>;
}

/** A rejected mutation's answer (remembered per user, client and seq: migration 003). */
export type RejectedResult = Extract<MutationResult, { status: 'rejected' }>;

/** What the store writes after planning a push. */
export interface PushPlan {
  response: PushResponse;
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

export type PushPlanner = (state: PushState) => PushPlan;

export interface PushInput {
  actor: Actor;
  clientId: string;
  mutations: readonly Mutation[];
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

export interface Store {
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

  // Tokens (only their SHA-256 is stored)
  createToken(tokenHash: string, userId: string, createdAt: string): Promise<void>;
  /** The user a token belongs to, or null (unknown or revoked). */
  userByToken(tokenHash: string): Promise<UserRow | null>;
  deleteToken(tokenHash: string): Promise<void>;

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
  /** Runs the planner in one write transaction and stores its outcome. */
  push(input: PushInput, plan: PushPlanner): Promise<PushResponse>;
  /** Rows of the org with rev > cursor, in rev order, at most `limit`, and whether more wait. */
  pull(orgId: string, cursor: number, limit: number): Promise<{ rows: PulledRow[]; more: boolean }>;
  /** The highest rev given out so far (the rev counter). */
  currentRev(): Promise<number>;
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
