import { describe, expect, it } from 'vitest';
import { formatSpan, fromWallClockInput, nowIso, toWallClockInput } from '../../../../src/app/components/event/event-time';

describe('form times in the region zone', () => {
  it('shows an instant as Asia/Shanghai wall-clock time whatever its offset', () => {
    expect(toWallClockInput('2023-12-31T15:30:00Z', 'Asia/Shanghai')).toBe('2023-12-31T23:30');
    expect(toWallClockInput('2023-12-31T23:30:00+08:00', 'Asia/Shanghai')).toBe('2023-12-31T23:30');
  });

  it('reads wall-clock input as Asia/Shanghai time with its offset', () => {
    expect(fromWallClockInput('2023-12-31T23:30', 'Asia/Shanghai')).toBe('2023-12-31T23:30:00+08:00');
    expect(fromWallClockInput('2026-03-05T09:30', 'Asia/Shanghai')).toBe('2026-03-05T09:30:00+08:00');
  });

  it('keeps the wall-clock time across a daylight-saving zone', () => {
    expect(fromWallClockInput('2026-07-01T10:00', 'Europe/Berlin')).toBe('2026-07-01T10:00:00+02:00');
    expect(fromWallClockInput('2026-01-01T10:00', 'Europe/Berlin')).toBe('2026-01-01T10:00:00+01:00');
  });

  it('turns empty or malformed input into an empty time, which the schema calls required', () => {
    expect(fromWallClockInput('', 'Asia/Shanghai')).toBe('');
    expect(fromWallClockInput('yesterday', 'Asia/Shanghai')).toBe('');
    expect(toWallClockInput('', 'Asia/Shanghai')).toBe('');
  });

  it('writes a one-day span with the end time only, a longer one in full', () => {
    expect(formatSpan('2026-03-05T09:30:00+08:00', '2026-03-05T11:30:00+08:00', 'Asia/Shanghai')).toBe('2026年3月5日 09:30–11:30');
    expect(formatSpan('2026-03-05T09:30:00+08:00', '2026-03-06T11:30:00+08:00', 'Asia/Shanghai')).toBe('2026年3月5日 09:30 – 2026年3月6日 11:30');
    expect(formatSpan('2026-03-05T09:30:00+08:00', '2026-03-05T09:30:00+08:00', 'Asia/Shanghai')).toBe('2026年3月5日 09:30');
  });

  it('rounds now down to the minute', () => {
    expect(nowIso(Date.UTC(2026, 2, 5, 1, 30, 45, 123), 'Asia/Shanghai')).toBe('2026-03-05T09:30:00+08:00');
  });
});
