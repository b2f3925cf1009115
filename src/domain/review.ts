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
