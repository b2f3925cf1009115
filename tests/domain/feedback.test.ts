import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_FEEDBACK_SETTINGS,
  FEEDBACK_CODE_ALPHABET,
  anonymise,
  applyAction,
  applyFollowUp,
  canApply,
  cutText,
  deadlinesOf,
  dueAfter,
  eventSatisfaction,
  feedbackActionSchema,
  feedbackCodeOf,
  feedbackFigures,
  feedbackRefOf,
  inferCategory,
  isDueForAnonymisation,
  isFeedbackCode,
  maskPhone,
  normalizeFeedbackCode,
  publicFeedbackRequestSchema,
  staffFeedbackRequestSchema,
  newFeedbackRecord,
  type FeedbackRecord,
  type FiguresInput,
} from '../../src/domain/feedback';

const settings = DEFAULT_FEEDBACK_SETTINGS;
const staff = { id: 'u1', name: '王老师' };

function record(over: Partial<FeedbackRecord> = {}): FeedbackRecord {
  const first = newFeedbackRecord({
    id: 'f1',
    orgId: 'o1',
    channel: 'event',
    category: 'suggestion',
    satisfaction: 4,
    text: '讲得好',
    phone: '13812341234',
    consent: true,
    eventCode: 'ABCDEFGH',
    receivedAt: '2026-03-01T10:00:00.000Z',
    history: [],
  });
  return { ...first, ref: '2026-0001', ...over };
}

describe('newFeedbackRecord', () => {
  test('a new item is 待受理 with nothing of its handling, whoever made it', () => {
    const r = newFeedbackRecord({
      id: 'f9',
      orgId: 'o1',
      channel: 'phone',
      category: 'complaint',
      text: '讲座太吵',
      receivedAt: '2026-03-02T01:00:00.000Z',
      createdBy: 'u1',
      history: [],
    });
    expect(r).toMatchObject({
      state: 'received',
      satisfaction: null,
      liked: '',
      suggest: '',
      phone: null,
      consent: false,
      eventId: null,
      eventCode: null,
      createdBy: 'u1',
    });
    expect([r.acceptedAt, r.rejectedAt, r.repliedAt, r.closedAt, r.assigneeId, r.replyText, r.followUpAt, r.anonymisedAt]).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
    expect([r.extensionDays, r.notes]).toEqual([0, []]);
    // Open for acceptance: 15 days from receipt, overdue after them.
    expect(deadlinesOf(r, settings, Date.parse('2026-03-20T00:00:00.000Z'))).toMatchObject({
      acceptDueAt: expect.any(String),
      replyDueAt: null,
      overdue: true,
    });
  });
});

describe('feedbackCodeOf', () => {
  test('8 symbols of the invite alphabet, the same every time, case of the uuid ignored', () => {
    const id = '0190f5a4-1c2b-7d3e-8f40-123456789abc';
    const c = feedbackCodeOf(id);
    expect(c).toHaveLength(8);
    expect([...c].every((ch) => FEEDBACK_CODE_ALPHABET.includes(ch))).toBe(true);
    expect(feedbackCodeOf(id)).toBe(c);
    expect(feedbackCodeOf(id.toUpperCase())).toBe(c);
    expect(isFeedbackCode(c)).toBe(true);
    // Pinned: a phone and the server must agree forever (codes are printed on posters).
    expect(c).toBe('J4UHG2UN');
  });

  test('10 000 sequential v7 ids give 10 000 different codes', () => {
    const codes = new Set<string>();
    for (let i = 0; i < 10_000; i++) codes.add(feedbackCodeOf(`0190f5a4-1c2b-7d3e-8f40-${String(i).padStart(12, '0')}`));
    expect(codes.size).toBe(10_000);
  });

  test('typed codes normalise', () => {
    expect(normalizeFeedbackCode(' abcd-efgh ')).toBe('ABCDEFGH');
    expect(isFeedbackCode('ABCDEFG0')).toBe(false);
    expect(feedbackRefOf(2026, 7)).toBe('2026-0007');
  });
});

test('a known uuid keeps its code (cross-version pin)', () => {
  expect(feedbackCodeOf('00000000-0000-0000-0000-000000000000')).toBe('65T839S2');
  expect(feedbackCodeOf('00000000-0000-0000-0000-000000000000')).not.toBe(feedbackCodeOf('00000000-0000-0000-0000-000000000001'));
});

describe('masking', () => {
  test('mobile 138****1234, landline keeps area code and last four', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('0752-1234567')).toBe('0752-****4567');
    expect(maskPhone(null)).toBeNull();
    expect(maskPhone('')).toBe('');
  });
});

describe('public request', () => {
  const base = { code: 'abcd-efgh', clientId: '0190F5A4-1C2B-7D3E-8F40-123456789ABC' };
  test('a rating alone is enough; code and clientId normalise; category inferred', () => {
    const r = v.parse(publicFeedbackRequestSchema, { ...base, satisfaction: 5 });
    expect(r.code).toBe('ABCDEFGH');
    expect(r.clientId).toBe('0190f5a4-1c2b-7d3e-8f40-123456789abc');
    expect(inferCategory(r)).toBeNull();
    expect(inferCategory({ ...r, text: '好' })).toBe('suggestion');
    expect(inferCategory({ ...r, category: 'praise' })).toBe('praise');
  });
  test('empty, too long, bad phone, phone without consent, unknown keys are refused', () => {
    const bad = (x: object) => v.safeParse(publicFeedbackRequestSchema, { ...base, ...x }).success;
    expect(bad({})).toBe(false);
    expect(bad({ text: '   ' })).toBe(false);
    expect(bad({ text: 'x'.repeat(2001) })).toBe(false);
    expect(bad({ satisfaction: 6 })).toBe(false);
    expect(bad({ satisfaction: 2.5 })).toBe(false);
    expect(bad({ text: 'a', phone: '12345' })).toBe(false);
    expect(bad({ text: 'a', phone: '13812341234' })).toBe(false);
    expect(bad({ text: 'a', phone: '13812341234', consent: true })).toBe(true);
    expect(bad({ text: 'a', phone: '+86 138 1234 1234', consent: true })).toBe(true);
    expect(bad({ text: 'a', phone: '0752-1234567', consent: true })).toBe(true);
    expect(bad({ text: 'a', admin: true })).toBe(false);
    expect(bad({ text: 'a', category: 'spam' })).toBe(false);
  });
  test('HTML is kept as text (rendered inert), control characters dropped', () => {
    const r = v.parse(publicFeedbackRequestSchema, { ...base, text: '<script>alert(1)</script>\u0000' });
    expect(r.text).toBe('<script>alert(1)</script>');
  });
  test('staff log needs text and a staff channel', () => {
    expect(v.safeParse(staffFeedbackRequestSchema, { channel: 'phone', category: 'inquiry', text: '问' }).success).toBe(true);
    expect(v.safeParse(staffFeedbackRequestSchema, { channel: 'event', category: 'inquiry', text: '问' }).success).toBe(false);
    expect(v.safeParse(staffFeedbackRequestSchema, { channel: 'phone', category: 'inquiry', text: '' }).success).toBe(false);
  });
});

describe('deadlines', () => {
  test('calendar days in China time, due at the end of the day', () => {
    // 2026-03-01T10:00Z is 18:00 on 1 March in China: due 16 March 23:59:59.999+08:00.
    expect(dueAfter('2026-03-01T10:00:00.000Z', 15)).toBe('2026-03-16T15:59:59.999Z');
    // 2026-03-01T17:00Z is already 2 March in China.
    expect(dueAfter('2026-03-01T17:00:00.000Z', 15)).toBe('2026-03-17T15:59:59.999Z');
  });
  test('received: overdue after the accept deadline, due soon within 3 days', () => {
    const r = record();
    expect(deadlinesOf(r, settings, Date.parse('2026-03-05T00:00:00Z'))).toMatchObject({ overdue: false, dueSoon: false, replyDueAt: null });
    expect(deadlinesOf(r, settings, Date.parse('2026-03-14T00:00:00Z'))).toMatchObject({ overdue: false, dueSoon: true });
    expect(deadlinesOf(r, settings, Date.parse('2026-03-16T15:59:59.999Z')).overdue).toBe(false);
    expect(deadlinesOf(r, settings, Date.parse('2026-03-16T16:00:00Z')).overdue).toBe(true);
  });
  test('accepted: reply deadline from acceptance plus the extension; replied is never overdue', () => {
    const r = record({ state: 'accepted', acceptedAt: '2026-03-02T02:00:00.000Z' });
    const d = deadlinesOf(r, settings, Date.parse('2026-05-02T00:00:00Z'));
    expect(d.replyDueAt).toBe('2026-05-01T15:59:59.999Z');
    expect(d.overdue).toBe(true);
    expect(deadlinesOf({ ...r, extensionDays: 30 }, settings, Date.parse('2026-05-02T00:00:00Z')).overdue).toBe(false);
    expect(deadlinesOf({ ...r, state: 'replied', repliedAt: '2026-06-01T00:00:00Z' }, settings, Date.parse('2027-01-01T00:00:00Z')).overdue).toBe(false);
  });
});

describe('transitions', () => {
  test('received → accepted → inProgress (assigned) → replied → closed by follow-up', () => {
    let r = record();
    expect(canApply(r, 'reply')).toBe(false);
    r = applyAction(r, { action: 'accept' }, staff, '2026-03-02T00:00:00Z')!;
    expect(r.state).toBe('accepted');
    expect(applyAction(r, { action: 'accept' }, staff, '2026-03-02T00:00:00Z')).toBeNull();
    r = applyAction(r, { action: 'assign', assigneeId: 'u2' }, staff, '2026-03-02T01:00:00Z', { extensionMaxDays: 30, assigneeName: '李' })!;
    expect(r.state).toBe('inProgress');
    r = applyAction(r, { action: 'extend', days: 30, reason: '需调查' }, staff, '2026-03-03T00:00:00Z')!;
    expect(r.extensionDays).toBe(30);
    expect(applyAction(r, { action: 'extend', days: 5, reason: '再延' }, staff, '2026-03-04T00:00:00Z')).toBeNull();
    r = applyAction(r, { action: 'note', text: '已电话联系' }, staff, '2026-03-04T00:00:00Z')!;
    expect(r.notes).toHaveLength(1);
    r = applyAction(r, { action: 'reply', text: '感谢' }, staff, '2026-03-05T00:00:00Z')!;
    expect(r.state).toBe('replied');
    r = applyFollowUp(r, { satisfaction: 5, comment: '' }, '2026-03-06T00:00:00Z')!;
    expect(r.state).toBe('closed');
    expect(applyFollowUp(r, { satisfaction: 1, comment: '' }, '2026-03-07T00:00:00Z')).toBeNull();
    expect(r.history.map((h) => h.action)).toEqual(['accept', 'assign', 'extend', 'note', 'reply', 'followUp']);
    expect(r.history[1]!.detail).toBe('李');
  });
  test('reject only from received; extension capped by settings; action schema', () => {
    const r = applyAction(record(), { action: 'reject', reason: '不属于本会职责' }, staff, '2026-03-02T00:00:00Z')!;
    expect(r.state).toBe('rejected');
    expect(canApply(r, 'accept')).toBe(false);
    const a = record({ state: 'accepted', acceptedAt: '2026-03-02T00:00:00Z' });
    expect(applyAction(a, { action: 'extend', days: 20, reason: 'x' }, staff, 'n', { extensionMaxDays: 10 })).toBeNull();
    expect(v.safeParse(feedbackActionSchema, { action: 'extend', days: 31, reason: 'x' }).success).toBe(false);
    expect(v.safeParse(feedbackActionSchema, { action: 'fly' }).success).toBe(false);
  });
  test('retention drops the phone and consent, keeps the text', () => {
    const r = record({ state: 'closed', closedAt: '2020-01-01T00:00:00Z' });
    expect(isDueForAnonymisation(r, 1095, Date.parse('2026-01-01T00:00:00Z'))).toBe(true);
    expect(isDueForAnonymisation(r, 1095, Date.parse('2020-06-01T00:00:00Z'))).toBe(false);
    const a = anonymise(r, '2026-01-01T00:00:00Z')!;
    expect(a).toMatchObject({ phone: null, consent: false, text: '讲得好', anonymisedAt: '2026-01-01T00:00:00Z' });
    expect(anonymise(a, 'x')).toBeNull();
    expect(isDueForAnonymisation(a, 1, Date.now())).toBe(false);
  });
});

describe('figures', () => {
  const ev = (format: string, township: string, date = '2026-02-20') => ({ format, townshipCode: township, date });
  const items: FiguresInput[] = [
    { ...record({ satisfaction: 5 }), event: ev('lecture', 't1') },
    { ...record({ satisfaction: 3 }), event: ev('lecture', 't2') },
    { ...record({ satisfaction: 4 }), event: null },
    {
      ...record({
        channel: 'phone',
        category: 'complaint',
        satisfaction: null,
        state: 'closed',
        acceptedAt: '2026-03-05T00:00:00Z',
        repliedAt: '2026-03-11T00:00:00Z',
        followUpSatisfaction: 4,
      }),
      event: null,
    },
    {
      ...record({
        channel: 'box',
        category: 'inquiry',
        satisfaction: null,
        state: 'replied',
        acceptedAt: '2026-04-01T00:00:00Z',
        repliedAt: '2026-07-01T00:00:00Z',
      }),
      event: null,
    },
    { ...record({ receivedAt: '2025-12-31T15:00:00Z' }), event: null }, // 2025-12-31 23:00 China: another year
  ];
  test('counts, on time, median, satisfaction by format and township', () => {
    const f = feedbackFigures(items, 2026, settings, Date.parse('2026-12-01T00:00:00Z'));
    expect(f.received).toBe(5);
    expect(f.byChannel).toMatchObject({ event: 3, phone: 1, box: 1, letter: 0 });
    expect(f.byCategory).toMatchObject({ suggestion: 3, complaint: 1, inquiry: 1, praise: 0 });
    expect(f.accepted).toBe(2);
    expect(f.acceptedOnTime).toBe(1); // 1 April is past 16 March
    expect(f.replied).toBe(2);
    expect(f.repliedOnTime).toBe(1); // 1 July is past 31 May
    expect(f.overdueOpen).toBe(3); // the three received event items
    expect(f.medianDaysToReply).toBe((10 + 122) / 2);
    expect(f.replySatisfaction).toEqual({ answered: 1, satisfiedRate: 1 });
    expect(f.eventSatisfaction.answered).toBe(3);
    expect(f.eventSatisfaction.mean).toBe(4);
    expect(f.eventSatisfaction.satisfiedRate).toBeCloseTo(2 / 3);
    expect(f.eventSatisfaction.byFormat.lecture).toEqual({ answered: 2, mean: 4, satisfiedRate: 0.5 });
    expect(Object.keys(f.eventSatisfaction.byTownship)).toEqual(['t1', 't2']);
  });
  test('event satisfaction is of the year’s events: a December event rated in January counts in December’s year', () => {
    const late = [
      { ...record({ satisfaction: 2, receivedAt: '2026-01-03T02:00:00Z' }), event: ev('caravan', 't3', '2025-12-28') },
      { ...record({ satisfaction: 5, receivedAt: '2026-01-04T02:00:00Z' }), event: null }, // its event has not synced: the year it came in
    ];
    const y2025 = feedbackFigures(late, 2025, settings, Date.parse('2026-02-01T00:00:00Z'));
    expect([y2025.received, y2025.eventSatisfaction.answered, y2025.eventSatisfaction.mean]).toEqual([0, 1, 2]);
    expect(y2025.eventSatisfaction.byTownship).toEqual({ t3: { answered: 1, mean: 2, satisfiedRate: 0 } });
    const y2026 = feedbackFigures(late, 2026, settings, Date.parse('2026-02-01T00:00:00Z'));
    expect([y2026.received, y2026.eventSatisfaction.answered, y2026.eventSatisfaction.mean]).toEqual([2, 1, 5]);
    expect(y2026.eventSatisfaction.byTownship).toEqual({});
  });
  test('an empty year has nulls, not NaN', () => {
    const f = feedbackFigures([], 2026, settings, 0);
    expect(f.medianDaysToReply).toBeNull();
    expect(f.eventSatisfaction.mean).toBeNull();
  });
  test('event satisfaction per event, only known events', () => {
    const e = eventSatisfaction([
      { channel: 'event', eventId: 'e1', satisfaction: 5 },
      { channel: 'event', eventId: 'e1', satisfaction: 4 },
      { channel: 'event', eventId: null, satisfaction: 1 },
      { channel: 'box', eventId: 'e2', satisfaction: 1 },
    ]);
    expect(e.events).toEqual([{ eventId: 'e1', answered: 2, mean: 4.5 }]);
  });
  test('cutText counts characters, not UTF-16 units', () => {
    expect(cutText('好'.repeat(100), 10)).toBe(`${'好'.repeat(9)}…`);
    expect(cutText('a  b')).toBe('a b');
  });
});
