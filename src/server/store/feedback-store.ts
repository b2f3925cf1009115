/**
 * The feedback part of the store (issue 15, migrations SQLite 009 / PostgreSQL 010). Both stores
 * implement it (feedback-sqlite.ts, feedback-postgres.ts, called from sqlite.ts / postgres.ts) and
 * pass one conformance suite (tests/server/feedback-store-conformance.ts). What an action means
 * is decided by the pure rules of domain/feedback.ts, which the store runs inside its transaction
 * (as a push runs its planner), so two requests never both act on a stale item.
 */
import type { FeedbackRecord, FeedbackSettings } from '../../domain/feedback.js';

/** A public code resolved: an ingested event, or an org's 意见箱. */
export type FeedbackCodeTarget = { kind: 'event'; eventId: string; orgId: string } | { kind: 'box'; orgId: string };

/** A new item as the route makes it (ref is given out by the store). */
export interface NewFeedback {
  record: Omit<FeedbackRecord, 'ref'>;
  /** The public page's idempotence key; null for staff-logged items. */
  clientId: string | null;
  /** HMAC of the 查询码; null for staff-logged items. */
  queryHash: string | null;
  /**
   * Duplicate suppression: an item of the same `dupKey` received at or after `dupSince` is
   * answered instead of storing a new one. null: no suppression.
   */
  dup: { key: string; since: string } | null;
  /** The 编号's year (China time of receivedAt). */
  year: number;
}

export type CreateFeedbackResult =
  | { status: 'created'; record: FeedbackRecord }
  /** Same clientId as an earlier item (a retry), or a duplicate: nothing new stored. */
  | { status: 'existing'; record: FeedbackRecord; clientId: string | null; why: 'clientId' | 'duplicate' };

/** Which items a list reads. */
export interface FeedbackFilter {
  state?: FeedbackRecord['state'];
  /** receivedAt in [from, to). */
  receivedFrom?: string;
  receivedTo?: string;
  eventIds?: readonly string[];
}

/** How to find one item. */
export type FeedbackKey = { orgId: string; id: string } | { queryHash: string };

/**
 * Decides, from the stored record, the record to store (null: refused, nothing written). Runs
 * inside the store's write transaction with the row locked.
 */
export type FeedbackDecider = (current: FeedbackRecord) => FeedbackRecord | null;

export type UpdateFeedbackResult = { status: 'updated'; record: FeedbackRecord } | { status: 'refused'; record: FeedbackRecord } | { status: 'notFound' };

export interface FeedbackSettingsRow {
  settings: FeedbackSettings;
  updatedBy: string;
  updatedAt: string;
}

export interface FeedbackStore {
  /** Every org (id, name): the 意见箱 codes and the fallback org of an unknown event code. */
  listOrgs(): Promise<{ id: string; name: string }[]>;
  /** The event that claimed `code` (feedback_codes), or null. */
  feedbackEventByCode(code: string): Promise<{ eventId: string; orgId: string } | null>;
  /**
   * Records the codes of events (those that exist; the first event to claim a code keeps it) and
   * links the items that were sent with such a code before their event synced (same org). Answers
   * how many items were linked.
   */
  recordFeedbackCodes(codes: readonly { code: string; eventId: string }[]): Promise<number>;
  /** Event ids (up to `limit`) whose code is not recorded yet (events ingested before migration 009/010). */
  eventsWithoutFeedbackCode(limit: number): Promise<string[]>;

  /**
   * Stores a new item atomically: a known clientId or a duplicate answers the stored item (status
   * existing) and writes nothing; else the next 编号 of the org and year is given out and the item
   * stored. Parallel calls with distinct clientIds each store exactly one item with its own ref.
   */
  createFeedback(input: NewFeedback): Promise<CreateFeedbackResult>;
  getFeedback(key: FeedbackKey): Promise<FeedbackRecord | null>;
  /** Items of the org, newest first. */
  listFeedback(orgId: string, filter: FeedbackFilter): Promise<FeedbackRecord[]>;
  /** Items of the org with this phone (as stored, normalised). */
  feedbackByPhone(orgId: string, phone: string): Promise<FeedbackRecord[]>;
  /** Runs `decide` on the stored record in one write transaction (row locked); stores its answer. */
  updateFeedback(key: FeedbackKey, decide: FeedbackDecider): Promise<UpdateFeedbackResult>;
  /** Items of the org closed before `closedBefore` and not anonymised yet (retention sweep). */
  feedbackToAnonymise(orgId: string, closedBefore: string, limit: number): Promise<FeedbackRecord[]>;

  getFeedbackSettings(orgId: string): Promise<FeedbackSettingsRow | null>;
  putFeedbackSettings(orgId: string, row: FeedbackSettingsRow): Promise<void>;
}
