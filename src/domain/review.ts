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
