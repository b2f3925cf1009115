/**
 * What an approval (审核通过) covers. Staff approve the numbers and the evidence they saw; a
 * report that counts reviewed events trusts them. So when anyone who is not staff changes an
 * approved event in a way a report could see — a count, a classification, the place, the date,
 * the title or venue the narrative names, the photos that are its evidence — the approval no
 * longer holds and the event goes back to `submitted` for staff to check again. The notes and
 * the map point are the volunteer's own working detail: changing them keeps the approval.
 *
 * Pure: the server's push planner and the phone's repository apply the same rule.
 */
import { eventContentEntries, type EventStatus, type LedgerEvent } from './event.js';
import { yearMonthOf } from './year.js';

/** Content fields whose change by a non-staff user sends a reviewed event back to review. */
export const REVIEW_RESET_FIELDS: readonly string[] = Object.keys(eventContentEntries).filter((k) => k !== 'notes' && k !== 'point');

const RESET = new Set(REVIEW_RESET_FIELDS);

/**
 * Whether a change by a non-staff user to an event in `status` touching `changedFields` must send
 * it back to review (true only for a reviewed event and a reset field).
 */
export function losesApproval(status: EventStatus, changedFields: Iterable<string>): boolean {
  if (status !== 'reviewed') return false;
  for (const f of changedFields) if (RESET.has(f)) return true;
  return false;
}

/** The review fields of an event sent back to review: submitted, with no reviewer. */
export const BACK_TO_REVIEW: Pick<LedgerEvent, 'status' | 'reviewedBy' | 'reviewedAt'> = Object.freeze({
  status: 'submitted',
  reviewedBy: null,
  reviewedAt: null,
});

/** One overwritten value as the server's history keeps it (GET /api/events/:id/history). */
export interface HistoryEntry {
  readonly field: string;
  readonly oldValue: unknown;
  readonly newValue: unknown;
  readonly rev: number;
  readonly userId: string;
  readonly at: string;
}

/** A field changed since the last approval: its value then, its value now, who changed it last, when. */
export interface ChangeSinceApproval {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly userId: string;
  readonly at: string;
}

/** The review bookkeeping a change of content drags along; not a change staff need to read. */
const REVIEW_BOOKKEEPING = new Set(['status', 'reviewNote', 'reviewedBy', 'reviewedAt']);

/**
 * What changed in an event since staff last approved it (its latest change of `status` to
 * `reviewed`), one line per field: the value approved and the value now. Null when it was never
 * approved. A field changed and changed back is left out.
 */
export function changesSinceApproval(history: readonly HistoryEntry[]): ChangeSinceApproval[] | null {
  let approvedAt = -1;
  for (const h of history) if (h.field === 'status' && h.newValue === 'reviewed' && h.rev > approvedAt) approvedAt = h.rev;
  if (approvedAt < 0) return null;
  const byField = new Map<string, { before: unknown; after: unknown; userId: string; at: string; rev: number }>();
  for (const h of [...history].sort((a, b) => a.rev - b.rev)) {
    if (h.rev <= approvedAt || REVIEW_BOOKKEEPING.has(h.field)) continue;
    const seen = byField.get(h.field);
    byField.set(h.field, { before: seen ? seen.before : h.oldValue, after: h.newValue, userId: h.userId, at: h.at, rev: h.rev });
  }
  return [...byField.entries()]
    .filter(([, c]) => JSON.stringify(c.before) !== JSON.stringify(c.after))
    .sort((a, b) => a[1].rev - b[1].rev)
    .map(([field, c]) => ({ field, before: c.before, after: c.after, userId: c.userId, at: c.at }));
}

/**
 * What changed in an event since staff last decided on it — approved (`reviewed`) or sent back
 * (`returned`) — one line per field, as changesSinceApproval reads it. Null when no staff member
 * ever decided on it. The review queue shows these lines: a resubmitted event's fix, or what an
 * author changed in an approved one.
 */
export function changesSinceReview(history: readonly HistoryEntry[]): ChangeSinceApproval[] | null {
  let decidedAt = -1;
  for (const h of history) if (h.field === 'status' && (h.newValue === 'reviewed' || h.newValue === 'returned') && h.rev > decidedAt) decidedAt = h.rev;
  if (decidedAt < 0) return null;
  // The latest decision read as an approval: the same rule, cut at the same rev.
  return changesSinceApproval(history.map((h) => (h.rev === decidedAt && h.field === 'status' ? { ...h, newValue: 'reviewed' } : h)));
}

/** The fields of an event the review screens read (a LedgerEvent has them all). */
export type ReviewedEvent = Pick<
  LedgerEvent,
  'id' | 'status' | 'reviewNote' | 'reviewedBy' | 'reviewedAt' | 'createdBy' | 'townshipCode' | 'format' | 'startAt'
>;

/**
 * The reason an event is returned for, while it is returned; null otherwise. Once the author
 * resubmits, the stored note is the last review's history (staff read it as 上次退回原因), no
 * longer a reason the author must act on.
 */
export function currentReturnReason(e: Pick<LedgerEvent, 'status' | 'reviewNote'>): string | null {
  return e.status === 'returned' && e.reviewNote ? e.reviewNote : null;
}

/** The returned events `staffId` sent back (我退回的). */
export function returnedBy<E extends ReviewedEvent>(events: readonly E[], staffId: string): E[] {
  return events.filter((e) => e.status === 'returned' && e.reviewedBy === staffId);
}

/**
 * The returned events that wait on `userId` (退回给我的): the ones they created, and the ones
 * logged on this phone before anyone signed in (createdBy ''), which are theirs too.
 */
export function returnedTo<E extends ReviewedEvent>(events: readonly E[], userId: string): E[] {
  return events.filter((e) => e.status === 'returned' && (e.createdBy === userId || e.createdBy === ''));
}

/** A filter over the review queue; null on an axis lets every event through. `month` is "YYYY-MM". */
export interface ReviewFilter {
  readonly submitter: string | null;
  readonly township: string | null;
  readonly format: string | null;
  readonly month: string | null;
}

/** The filter that keeps everything. */
export const NO_REVIEW_FILTER: ReviewFilter = Object.freeze({ submitter: null, township: null, format: null, month: null });

/** The events of `events` that pass `filter` (months cut in `timeZone`), in their order. */
export function filterReviewQueue<E extends ReviewedEvent>(events: readonly E[], filter: ReviewFilter, timeZone: string): E[] {
  return events.filter(
    (e) =>
      (filter.submitter === null || e.createdBy === filter.submitter) &&
      (filter.township === null || e.townshipCode === filter.township) &&
      (filter.format === null || e.format === filter.format) &&
      (filter.month === null || yearMonthOf(e.startAt, timeZone) === filter.month),
  );
}

/** The values each filter axis takes in `events`, sorted (months newest first): the choices a filter offers. */
export function reviewFilterChoices(
  events: readonly ReviewedEvent[],
  timeZone: string,
): { submitters: string[]; townships: string[]; formats: string[]; months: string[] } {
  const distinct = (f: (e: ReviewedEvent) => string) => [...new Set(events.map(f))].sort();
  return {
    submitters: distinct((e) => e.createdBy),
    townships: distinct((e) => e.townshipCode),
    formats: distinct((e) => e.format),
    months: distinct((e) => yearMonthOf(e.startAt, timeZone)).reverse(),
  };
}

/** The review fields of an event before a decision: what an undo writes back. */
export type ReviewState = Pick<LedgerEvent, 'status' | 'reviewNote' | 'reviewedBy' | 'reviewedAt'>;

/** The review state of `e`, to restore after an undo. */
export function reviewStateOf(e: ReviewState): ReviewState {
  return { status: e.status, reviewNote: e.reviewNote, reviewedBy: e.reviewedBy, reviewedAt: e.reviewedAt };
}
