import { describe, expect, it } from 'vitest';
import { DEFAULT_INBOX_FILTER, filterInbox, inboxCounts, meanText, pendingDue, rateText } from '../../../../src/app/components/feedback/feedback-format';
import type { FeedbackListItem } from '../../../../src/domain/feedback';

const row = (id: string, over: Partial<FeedbackListItem>): FeedbackListItem => ({
  id,
  ref: `2026-${id}`,
  channel: 'box',
  category: 'suggestion',
  state: 'received',
  satisfaction: null,
  text: id,
  phone: null,
  receivedAt: '2026-11-01T02:00:00.000Z',
  acceptedAt: null,
  repliedAt: null,
  closedAt: null,
  assigneeId: null,
  assigneeName: null,
  eventId: null,
  eventTitle: null,
  followUpSatisfaction: null,
  acceptDueAt: '2026-11-16T15:59:59.999Z',
  replyDueAt: null,
  overdue: false,
  dueSoon: false,
  rejectReason: null,
  replyText: null,
  ...over,
});

const rows = [
  row('0001', { state: 'closed', receivedAt: '2026-01-02T02:00:00.000Z' }),
  row('0002', { state: 'accepted', acceptedAt: '2026-11-02T02:00:00.000Z', replyDueAt: '2027-01-01T15:59:59.999Z' }),
  row('0003', { dueSoon: true, acceptDueAt: '2026-12-05T15:59:59.999Z', category: 'complaint', channel: 'phone' }),
  row('0004', { overdue: true, acceptDueAt: '2026-11-20T15:59:59.999Z' }),
  row('0005', { state: 'rejected', receivedAt: '2026-03-02T02:00:00.000Z' }),
  row('0006', { state: 'inProgress', overdue: true, replyDueAt: '2026-11-30T15:59:59.999Z', acceptDueAt: '2026-10-01T15:59:59.999Z' }),
];

describe('the inbox order and filters', () => {
  it('puts overdue first, then due soon, then the other open items by their next deadline; finished ones leave the open view', () => {
    expect(filterInbox(rows, DEFAULT_INBOX_FILTER).map((r) => r.id)).toEqual(['0004', '0006', '0003', '0002']);
  });

  it('shows finished items last, newest first, under 全部', () => {
    expect(filterInbox(rows, { ...DEFAULT_INBOX_FILTER, state: 'all' }).map((r) => r.id)).toEqual(['0004', '0006', '0003', '0002', '0005', '0001']);
  });

  it('narrows by state, overdue, category and channel', () => {
    expect(filterInbox(rows, { ...DEFAULT_INBOX_FILTER, overdueOnly: true }).map((r) => r.id)).toEqual(['0004', '0006']);
    expect(filterInbox(rows, { ...DEFAULT_INBOX_FILTER, state: 'rejected' }).map((r) => r.id)).toEqual(['0005']);
    expect(filterInbox(rows, { ...DEFAULT_INBOX_FILTER, category: 'complaint' }).map((r) => r.id)).toEqual(['0003']);
    expect(filterInbox(rows, { ...DEFAULT_INBOX_FILTER, channel: 'phone', state: 'all' }).map((r) => r.id)).toEqual(['0003']);
  });

  it('counts open, overdue and due-soon items for the home card', () => {
    expect(inboxCounts(rows)).toEqual({ open: 4, overdue: 2, dueSoon: 1 });
    expect(inboxCounts([])).toEqual({ open: 0, overdue: 0, dueSoon: 0 });
  });

  it('names the deadline an item waits on', () => {
    expect(rows.map((r) => pendingDue(r)?.step ?? null)).toEqual([null, 'reply', 'accept', 'accept', null, 'reply']);
    expect(pendingDue(rows[5]!)?.at).toBe('2026-11-30T15:59:59.999Z');
  });

  it('writes means and rates as the screens do', () => {
    expect([meanText(4.625), meanText(5), meanText(null)]).toEqual(['4.6', '5.0', '—']);
    expect([rateText(0.875), rateText(1), rateText(null)]).toEqual(['87.5%', '100%', '—']);
  });
});
