import { describe, expect, test } from 'vitest';
import {
  allHandledOnTime,
  feedbackExternals,
  feedbackSentence,
  percentText,
  satisfactionOf,
  type FeedbackSentenceFigures,
} from '../../src/domain/feedback-report';

const base: FeedbackSentenceFigures = {
  received: 12,
  accepted: 12,
  acceptedOnTime: 12,
  replied: 12,
  repliedOnTime: 12,
  overdueOpen: 0,
  replySatisfaction: { answered: 8, satisfiedRate: 0.875 },
  eventSatisfaction: { answered: 40, satisfiedRate: 0.95 },
};

describe('the 群众意见 sentence of the report', () => {
  test('says every item was handled on time, with the follow-up satisfaction, when it is so', () => {
    expect(feedbackSentence(base)).toBe('全年通过群众意见反映渠道收到意见建议12条，均在规定时限内办理答复，群众满意率87.5%。');
    expect(allHandledOnTime(base)).toBe(true);
  });

  test('counts items not accepted (with a reason) as handled', () => {
    const f = { ...base, accepted: 10, acceptedOnTime: 10, replied: 10, repliedOnTime: 10, rejected: 2 };
    expect(feedbackSentence(f)).toBe('全年通过群众意见反映渠道收到意见建议12条，均在规定时限内办理答复，群众满意率87.5%。');
  });

  test('names late replies, late acceptances and overdue items instead of claiming all on time', () => {
    const f = { ...base, acceptedOnTime: 11, replied: 10, repliedOnTime: 8, overdueOpen: 1 };
    expect(allHandledOnTime(f)).toBe(false);
    expect(feedbackSentence(f)).toBe(
      '全年通过群众意见反映渠道收到意见建议12条，已办理答复10条，其中在规定时限内答复8条，超过时限答复2条，超过时限受理1条，超期未办结1条，正在规定时限内办理1条，群众满意率87.5%。',
    );
  });

  test('says items still in hand within the time limit are being handled, not that all were answered', () => {
    const f = { ...base, accepted: 12, replied: 9, repliedOnTime: 9 };
    expect(feedbackSentence(f)).toBe('全年通过群众意见反映渠道收到意见建议12条，已办理答复9条，均在规定时限内，正在规定时限内办理3条，群众满意率87.5%。');
  });

  test('falls back to the event ratings when nobody answered the follow-up, and leaves the rate out when nobody rated', () => {
    const noFollowUp = { ...base, replySatisfaction: { answered: 0, satisfiedRate: null } };
    expect(feedbackSentence(noFollowUp)).toBe('全年通过群众意见反映渠道收到意见建议12条，均在规定时限内办理答复，活动满意率95%。');
    expect(satisfactionOf(noFollowUp)).toEqual({ rate: 0.95, source: 'event' });
    const none = { ...noFollowUp, eventSatisfaction: { answered: 0, satisfiedRate: null } };
    expect(feedbackSentence(none)).toBe('全年通过群众意见反映渠道收到意见建议12条，均在规定时限内办理答复。');
    expect(satisfactionOf(none)).toBeNull();
  });

  test('says nothing was received in a year without feedback, and never "均在规定时限内"', () => {
    const zero = {
      ...base,
      received: 0,
      accepted: 0,
      acceptedOnTime: 0,
      replied: 0,
      repliedOnTime: 0,
      replySatisfaction: { answered: 0, satisfiedRate: null },
    };
    expect(feedbackSentence(zero)).toBe('全年通过群众意见反映渠道未收到意见建议，活动满意率95%。');
    expect(allHandledOnTime(zero)).toBe(false);
  });

  test('writes rates as the report does', () => {
    expect([percentText(1), percentText(0.9649), percentText(0.5), percentText(0)]).toEqual(['100%', '96.5%', '50%', '0%']);
  });
});

describe('the 自评表 figures of the feedback channel', () => {
  test('count, on-time rate among replied and overdue, satisfaction in percent', () => {
    const f: FeedbackSentenceFigures = {
      ...base,
      received: 12,
      replied: 9,
      repliedOnTime: 8,
      overdueOpen: 1,
      replySatisfaction: { answered: 8, satisfiedRate: 0.875 },
    };
    expect(feedbackExternals(f)).toEqual({ 'feedback.count': 12, 'feedback.onTimeRate': 80, 'feedback.satisfactionRate': 87.5 });
  });

  test('a rate with nothing to judge is left out (未取得), the count is not', () => {
    const f: FeedbackSentenceFigures = {
      ...base,
      received: 2,
      accepted: 2,
      acceptedOnTime: 2,
      replied: 0,
      repliedOnTime: 0,
      overdueOpen: 0,
      replySatisfaction: { answered: 0, satisfiedRate: null },
    };
    expect(feedbackExternals({ ...f, eventSatisfaction: { answered: 0, satisfiedRate: null } })).toEqual({ 'feedback.count': 2 });
  });
});
