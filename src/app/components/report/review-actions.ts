/**
 * The review (审核) as changes to an event through repo.updateEvent, so each step goes through
 * the outbox and into the server's history like any edit: staff approve (审核通过) or return
 * (退回) with a reason; the author fixes and resubmits.
 */
import type { EventPatch } from '../../../domain/event';
import { reviewStateOf, type ReviewState } from '../../../domain/review';
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

/** An approval of several events and what undoing it writes back, event by event. */
export interface BulkApproval {
  readonly approved: number;
  readonly previous: ReadonlyMap<string, ReviewState>;
}

/**
 * Approves each of `events` (审核通过), one normal edit each, and answers their review state
 * before, for an undo. An event that fails (gone, refused) is left out of both.
 */
export async function approveEvents(repo: Pick<EventRepository, 'updateEvent'>, events: readonly EventRow[], who: Reviewer): Promise<BulkApproval> {
  const previous = new Map<string, ReviewState>();
  for (const e of events) {
    try {
      await approveEvent(repo, e.id, who);
      previous.set(e.id, reviewStateOf(e));
    } catch (err) {
      console.error('approve', e.id, err);
    }
  }
  return { approved: previous.size, previous };
}

/**
 * Undoes a bulk approval: writes back each event's review state before it, through the normal
 * write path (the outbox, then the server's history), so the undo syncs like any edit.
 */
export async function undoApproval(repo: Pick<EventRepository, 'updateEvent'>, approval: BulkApproval): Promise<number> {
  let n = 0;
  for (const [id, state] of approval.previous) {
    await repo.updateEvent(id, { ...state });
    n += 1;
  }
  return n;
}
