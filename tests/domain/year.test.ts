import { describe, expect, test } from 'vitest';
import { FIXED_OFFSET_ZONES, monthOf, toZonedIso, yearBounds, yearMonthOf, yearOf } from '../../src/domain/year';

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

describe('the fast path for a zone with a fixed offset is exact', () => {
  // An independent oracle: Intl's own wall clock in Asia/Shanghai.
  const oracle = new Intl.DateTimeFormat('en-US', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const intlIso = (ms: number) => {
    const p = Object.fromEntries(
      oracle
        .formatToParts(ms)
        .filter((x) => x.type !== 'literal')
        .map((x) => [x.type, x.value]),
    );
    const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
    const off = Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
    const hh = String(Math.floor(Math.abs(off) / 60)).padStart(2, '0');
    const mm = String(Math.abs(off) % 60).padStart(2, '0');
    return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${off >= 0 ? '+' : '-'}${hh}:${mm}`;
  };

  test('year, month and zoned ISO text equal Intl’s at every 7 h 13 min 17 s from 1990 to 1994 and across 2023–2025', () => {
    const step = ((7 * 60 + 13) * 60 + 17) * 1000;
    let checked = 0;
    for (const [from, to] of [
      [Date.UTC(1990, 0, 1), Date.UTC(1994, 0, 1)],
      [Date.UTC(2023, 0, 1), Date.UTC(2025, 6, 1)],
    ] as const) {
      for (let ms = from; ms < to; ms += step) {
        const iso = intlIso(ms);
        expect(toZonedIso(ms)).toBe(iso);
        expect(yearOf(ms)).toBe(Number(iso.slice(0, 4)));
        expect(yearMonthOf(ms)).toBe(iso.slice(0, 7));
        checked++;
      }
    }
    expect(checked).toBe(7887);
  });

  test('the fixed-offset table agrees with the runtime’s tzdata on every day of its span (1992–2099)', () => {
    // The app trusts the table without asking Intl (no zone data loaded on a first screen); this
    // is where a tzdata change for a listed zone would show.
    let days = 0;
    for (const [zone, entry] of Object.entries(FIXED_OFFSET_ZONES)) {
      const wall = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
      for (let ms = entry.since; ms < entry.until; ms += 86_400_000 + 3_600_000) {
        const name = wall.formatToParts(ms).find((p) => p.type === 'timeZoneName')!.value;
        const m = /^GMT([+-])(\d\d):(\d\d)$/.exec(name);
        const minutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
        if (minutes !== entry.offsetMinutes) throw new Error(`${zone} at ${new Date(ms).toISOString()}: tzdata says ${name}`);
        days++;
      }
    }
    expect(days).toBe(37_870); // every 25 h over 108 years: each hour of the day is met
  });

  test('summer time of 1991 still reads +09:00, and New Year 2024 turns at 16:00 UTC to the millisecond', () => {
    expect(toZonedIso(Date.UTC(1991, 6, 1, 0, 0, 0))).toBe('1991-07-01T09:00:00+09:00');
    expect(yearMonthOf(Date.UTC(2023, 11, 31, 15, 59, 59, 999))).toBe('2023-12');
    expect(yearMonthOf(Date.UTC(2023, 11, 31, 16, 0, 0, 0))).toBe('2024-01');
    expect(toZonedIso(Date.UTC(2023, 11, 31, 16, 0, 0))).toBe('2024-01-01T00:00:00+08:00');
  });
});
