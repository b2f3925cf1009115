import { describe, expect, test } from 'vitest';
import { monthOf, toZonedIso, yearBounds, yearMonthOf, yearOf } from '../../src/domain/year';

// These hold whatever zone the test process runs in; CI and the lead also run them under TZ=UTC
// and TZ=America/Los_Angeles (see the last test) to prove the phone's zone plays no part.
describe('the report year is cut in Asia/Shanghai', () => {
  test('an event at 2023-12-31T23:30+08:00 is in 2023, December', () => {
    expect(yearOf('2023-12-31T23:30:00+08:00')).toBe(2023);
    expect(monthOf('2023-12-31T23:30:00+08:00')).toBe(12);
    expect(yearMonthOf('2023-12-31T23:30:00+08:00')).toBe('2023-12');
  });

  test('the same instant written in UTC is still 2023', () => {
    expect(yearOf('2023-12-31T15:30:00Z')).toBe(2023);
  });

  test('16:30 UTC on New Year’s Eve is already 2024 in Huidong', () => {
    expect(yearOf('2023-12-31T16:30:00Z')).toBe(2024);
    expect(yearMonthOf('2023-12-31T16:30:00Z')).toBe('2024-01');
  });

  test('another zone gives another year for the same instant', () => {
    expect(yearOf('2023-12-31T16:30:00Z', 'America/Los_Angeles')).toBe(2023);
  });

  test('year bounds are Shanghai midnights', () => {
    const b = yearBounds(2023);
    expect(new Date(b.start).toISOString()).toBe('2022-12-31T16:00:00.000Z');
    expect(new Date(b.end).toISOString()).toBe('2023-12-31T16:00:00.000Z');
  });

  test('formats an instant with the +08:00 offset', () => {
    expect(toZonedIso(Date.UTC(2023, 8, 16, 1, 30, 5))).toBe('2023-09-16T09:30:05+08:00');
  });

  test('does not depend on the process time zone', () => {
    const before = process.env.TZ;
    try {
      for (const tz of ['UTC', 'America/Los_Angeles', 'Pacific/Kiritimati']) {
        process.env.TZ = tz;
        expect(yearOf('2023-12-31T23:30:00+08:00')).toBe(2023);
        expect(toZonedIso(Date.UTC(2023, 11, 31, 15, 30))).toBe('2023-12-31T23:30:00+08:00');
      }
    } finally {
      process.env.TZ = before;
    }
  });
});
