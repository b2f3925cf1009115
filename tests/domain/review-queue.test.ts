import { describe, expect, it } from 'vitest';
import {
  NO_REVIEW_FILTER,
  changesSinceReview,
  currentReturnReason,
  filterReviewQueue,
  returnedBy,
  returnedTo,
  reviewFilterChoices,
  reviewStateOf,
  type ReviewedEvent,
} from '../../src/domain/review';

const h = (rev: number, field: string, oldValue: unknown, newValue: unknown, userId = 'u-vol') => ({
  rev,
  field,
  oldValue,
  newValue,
  userId,
  at: `2026-03-0${Math.min(rev, 9)}T10:00:00+08:00`,
});

describe('changes since the last review', () => {
  it('counts from the latest return as well as the latest approval: a resubmitted event shows its fix', () => {
    const history = [
      h(1, 'attendance', 0, 80),
      h(2, 'status', 'submitted', 'returned', 'u-staff'),
      h(2, 'reviewNote', null, '人次偏大', 'u-staff'),
      h(3, 'attendance', 80, 60),
      h(3, 'status', 'returned', 'submitted'),
      h(4, 'title', '旧', '新'),
    ];
    expect(changesSinceReview(history)).toEqual([
      { field: 'attendance', before: 80, after: 60, userId: 'u-vol', at: '2026-03-03T10:00:00+08:00' },
      { field: 'title', before: '旧', after: '新', userId: 'u-vol', at: '2026-03-04T10:00:00+08:00' },
    ]);
  });

  it('takes whichever decision came last, and is null when staff never decided', () => {
    const history = [
      h(1, 'status', 'submitted', 'returned', 'u-staff'),
      h(2, 'attendance', 80, 60),
      h(3, 'status', 'submitted', 'reviewed', 'u-staff'),
      h(4, 'attendance', 60, 70),
    ];
    expect(changesSinceReview(history)?.map((c) => [c.field, c.before, c.after])).toEqual([['attendance', 60, 70]]);
    expect(changesSinceReview([h(1, 'attendance', 0, 80), h(2, 'status', 'draft', 'submitted')])).toBeNull();
    expect(changesSinceReview([h(1, 'status', 'submitted', 'returned', 'u-staff')])).toEqual([]);
  });
});

const ev = (id: string, over: Partial<ReviewedEvent> = {}): ReviewedEvent => ({
  id,
  status: 'submitted',
  reviewNote: null,
  reviewedBy: null,
  reviewedAt: null,
  createdBy: 'u-zhang',
  townshipCode: '441323001000',
  format: 'caravan',
  startAt: '2026-03-05T09:30:00+08:00',
  ...over,
});

describe('returned events', () => {
  const events = [
    ev('a', { status: 'returned', reviewNote: '补照片', reviewedBy: 'u-wang', createdBy: 'u-zhang' }),
    ev('b', { status: 'returned', reviewNote: '人次偏大', reviewedBy: 'u-li', createdBy: 'u-zhang' }),
    ev('c', { status: 'returned', reviewNote: '地点不对', reviewedBy: 'u-wang', createdBy: '' }),
    ev('d', { status: 'submitted', reviewNote: '旧原因', reviewedBy: 'u-wang', createdBy: 'u-zhang' }),
  ];

  it('lists the ones a staff member returned (我退回的), whoever wrote them', () => {
    expect(returnedBy(events, 'u-wang').map((e) => e.id)).toEqual(['a', 'c']);
    expect(returnedBy(events, 'u-zhang')).toEqual([]);
  });

  it('lists the ones returned to me (退回给我的): mine and this phone’s unsigned ones, never a resubmitted one', () => {
    expect(returnedTo(events, 'u-zhang').map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(returnedTo(events, 'u-wang').map((e) => e.id)).toEqual(['c']);
  });

  it('shows a reason as current only while the event is returned', () => {
    expect(currentReturnReason(events[0]!)).toBe('补照片');
    expect(currentReturnReason(events[3]!)).toBeNull();
    expect(currentReturnReason({ status: 'returned', reviewNote: null })).toBeNull();
    expect(currentReturnReason({ status: 'returned', reviewNote: '' })).toBeNull();
  });
});

describe('filtering the review queue', () => {
  const events = [
    ev('a'),
    ev('b', { createdBy: 'u-li' }),
    ev('c', { townshipCode: '441323100000', format: 'lecture' }),
    // 2026-03-31 23:30 in Shanghai is March, though it is the 31st 15:30 UTC; 2026-04-01 00:30 is April.
    ev('d', { startAt: '2026-03-31T23:30:00+08:00' }),
    ev('e', { startAt: '2026-04-01T00:30:00+08:00' }),
  ];
  const TZ = 'Asia/Shanghai';

  it('keeps everything with no filter, and each axis narrows on its own', () => {
    expect(filterReviewQueue(events, NO_REVIEW_FILTER, TZ).map((e) => e.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(filterReviewQueue(events, { ...NO_REVIEW_FILTER, submitter: 'u-li' }, TZ).map((e) => e.id)).toEqual(['b']);
    expect(filterReviewQueue(events, { ...NO_REVIEW_FILTER, township: '441323100000' }, TZ).map((e) => e.id)).toEqual(['c']);
    expect(filterReviewQueue(events, { ...NO_REVIEW_FILTER, format: 'caravan' }, TZ).map((e) => e.id)).toEqual(['a', 'b', 'd', 'e']);
    expect(filterReviewQueue(events, { ...NO_REVIEW_FILTER, month: '2026-04' }, TZ).map((e) => e.id)).toEqual(['e']);
  });

  it('combines axes, and cuts months in the association’s time zone', () => {
    expect(filterReviewQueue(events, { submitter: 'u-zhang', township: '441323001000', format: 'caravan', month: '2026-03' }, TZ).map((e) => e.id)).toEqual([
      'a',
      'd',
    ]);
    expect(filterReviewQueue(events, { ...NO_REVIEW_FILTER, month: '2026-03' }, 'UTC').map((e) => e.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('offers the values present, months newest first', () => {
    expect(reviewFilterChoices(events, TZ)).toEqual({
      submitters: ['u-li', 'u-zhang'],
      townships: ['441323001000', '441323100000'],
      formats: ['caravan', 'lecture'],
      months: ['2026-04', '2026-03'],
    });
  });

  it('remembers the review state an undo writes back, and nothing else', () => {
    expect(reviewStateOf({ ...ev('x'), reviewNote: '旧', reviewedBy: 'u-wang', reviewedAt: '2026-03-01T10:00:00+08:00' } as never)).toEqual({
      status: 'submitted',
      reviewNote: '旧',
      reviewedBy: 'u-wang',
      reviewedAt: '2026-03-01T10:00:00+08:00',
    });
  });
});
