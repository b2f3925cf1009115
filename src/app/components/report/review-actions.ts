/**
 * The review (审核) as changes to an event through repo.updateEvent, so each step goes through
 * the outbox and into the server's history like any edit: staff approve (审核通过) or return
 * (退回) with a reason; the author fixes and resubmits.
 */
import type { EventPatch } from '../../../domain/event';
import { toZonedIso } from '../../../domain/year';
import type { EventRepository } from '../../db/event-repository';
import type { EventRow } from '../../db/ledger-db';

/** Who reviews, and when. */
export interface Reviewer {
  readonly userId: string;
  readonly now: number;
  readonly timeZone: string;
}

/** Marks an event 审核通过: status reviewed, who and when; an earlier return reason is cleared. */
export function approveEvent(repo: Pick<EventRepository, 'updateEvent'>, id: string, who: Reviewer): Promise<EventRow> {
  return repo.updateEvent(id, { status: 'reviewed', reviewedBy: who.userId, reviewedAt: toZonedIso(who.now, who.timeZone), reviewNote: null });
}

/** Returns an event to its author (退回) with a reason; throws when the reason is blank. */
export function returnEvent(repo: Pick<EventRepository, 'updateEvent'>, id: string, reason: string, who: Reviewer): Promise<EventRow> {
  const note = reason.trim();
  if (note === '') return Promise.reject(new Error('a reason is required to return an event'));
  return repo.updateEvent(id, { status: 'returned', reviewNote: note, reviewedBy: who.userId, reviewedAt: toZonedIso(who.now, who.timeZone) });
}

/** The author's fix and resubmission (status submitted); the reason stays visible until the next review. */
export function resubmitEvent(repo: Pick<EventRepository, 'updateEvent'>, id: string, fix: EventPatch = {}): Promise<EventRow> {
  return repo.updateEvent(id, { ...fix, status: 'submitted' });
}
