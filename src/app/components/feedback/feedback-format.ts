/**
 * Pure helpers of the feedback screens: which rows a filter keeps and in what order (overdue
 * first, then due soon, then by the next deadline; finished items last, newest first), the
 * deadline a row is waiting on, and numbers as the screens write them.
 */
import { chinaDateOf, type FeedbackCategory, type FeedbackChannel, type FeedbackListItem, type FeedbackState } from '../../../domain/feedback';

/** States in which nothing is left to do. */
export const FINISHED_STATES: readonly FeedbackState[] = ['closed', 'rejected'];

/** Whether an item still waits for staff (not closed, not rejected). */
export function isOpen(state: FeedbackState): boolean {
  return !FINISHED_STATES.includes(state);
}

/** The inbox filter: a state, every open one, or all; only overdue; a category; a channel. */
export interface InboxFilter {
  state: FeedbackState | 'open' | 'all';
  overdueOnly: boolean;
  category: FeedbackCategory | 'all';
  channel: FeedbackChannel | 'all';
}

export const DEFAULT_INBOX_FILTER: InboxFilter = { state: 'open', overdueOnly: false, category: 'all', channel: 'all' };

/** The deadline an item waits on now: accepting it, or replying to it; null when neither. */
export function pendingDue(r: Pick<FeedbackListItem, 'state' | 'acceptDueAt' | 'replyDueAt'>): { step: 'accept' | 'reply'; at: string } | null {
  if (r.state === 'received') return { step: 'accept', at: r.acceptDueAt };
  if ((r.state === 'accepted' || r.state === 'inProgress') && r.replyDueAt) return { step: 'reply', at: r.replyDueAt };
  return null;
}

/** The rows a filter keeps, sorted: overdue, due soon, other open by next deadline, then finished newest first. */
export function filterInbox<T extends FeedbackListItem>(rows: readonly T[], f: InboxFilter): T[] {
  const kept = rows.filter(
    (r) =>
      (f.state === 'all' || (f.state === 'open' ? isOpen(r.state) : r.state === f.state)) &&
      (!f.overdueOnly || r.overdue) &&
      (f.category === 'all' || r.category === f.category) &&
      (f.channel === 'all' || r.channel === f.channel),
  );
  const rank = (r: T) => (r.overdue ? 0 : r.dueSoon ? 1 : isOpen(r.state) ? 2 : 3);
  return kept.sort((a, b) => {
    const d = rank(a) - rank(b);
    if (d !== 0) return d;
    if (rank(a) < 3) {
      const da = pendingDue(a)?.at ?? a.receivedAt;
      const db = pendingDue(b)?.at ?? b.receivedAt;
      if (da !== db) return da < db ? -1 : 1;
    }
    return a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : a.ref < b.ref ? 1 : -1;
  });
}

/** The counts the staff home card shows. */
export function inboxCounts(rows: readonly Pick<FeedbackListItem, 'state' | 'overdue' | 'dueSoon'>[]): { open: number; overdue: number; dueSoon: number } {
  let open = 0;
  let overdue = 0;
  let dueSoon = 0;
  for (const r of rows) {
    if (!isOpen(r.state)) continue;
    open++;
    if (r.overdue) overdue++;
    else if (r.dueSoon) dueSoon++;
  }
  return { open, overdue, dueSoon };
}

/** An instant as its China calendar date, YYYY-MM-DD; '' for none. */
export function dateText(iso: string | null | undefined): string {
  return iso ? chinaDateOf(iso) : '';
}

/** A mean rating with one decimal (4.6); '—' for none. */
export function meanText(mean: number | null | undefined): string {
  return mean === null || mean === undefined ? '—' : (Math.round(mean * 10) / 10).toFixed(1);
}

/** A 0..1 rate as a whole-or-one-decimal percentage; '—' for none. */
export function rateText(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  const p = Math.round(rate * 1000) / 10;
  return `${Number.isInteger(p) ? p.toFixed(0) : p.toFixed(1)}%`;
}
