/**
 * ISO 8601 instants as the ledger keeps them (startAt, endAt, createdAt …): a calendar date that
 * exists, a time of day, and an offset some zone on Earth uses.
 *
 * Why not valibot's isoTimestamp and Date.parse alone: isoTimestamp checks the shape only (day
 * 01–31 in any month, so 2024-02-30 passes), and V8's Date.parse rolls a day past the month's end
 * over into the next month (2024-02-30T09:00+08:00 reads as 1 March), so a date that does not exist
 * was stored as sent and counted in March. The date is checked as written, before the offset is
 * applied: 2024-02-29T23:30-08:00 is a real date (its UTC instant falls on 1 March) and stays valid.
 */

/** Valibot's isoTimestamp shape, with the parts captured. */
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z| ?([+-])(\d{2})(?::?(\d{2}))?)$/u;

/** The widest offsets in use: UTC−12:00 (Baker Island) to UTC+14:00 (Line Islands). */
const OFFSET_MIN_MINUTES = -12 * 60;
const OFFSET_MAX_MINUTES = 14 * 60;

/** Why a string is not an instant: malformed ('badTime') or a calendar date that does not exist ('noSuchDate'). */
export type InstantProblem = 'badTime' | 'noSuchDate';

/** Days in `month` (1–12) of `year` in the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * The milliseconds since the epoch of an ISO instant with an offset (or Z), or why it is not one.
 * Also refuses what Date.parse would read differently (an offset without minutes, a space before
 * the offset): every other reader of the ledger's times uses Date.parse and must agree.
 */
export function parseInstant(s: string): { ok: true; ms: number } | { ok: false; code: InstantProblem } {
  const m = INSTANT_RE.exec(s);
  if (!m) return { ok: false, code: 'badTime' };
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return { ok: false, code: 'badTime' };
  if (day > daysInMonth(year, month)) return { ok: false, code: 'noSuchDate' };
  const offset = m[8] === undefined ? 0 : (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10] ?? 0));
  if (offset < OFFSET_MIN_MINUTES || offset > OFFSET_MAX_MINUTES) return { ok: false, code: 'badTime' };
  const wall = new Date(0);
  wall.setUTCFullYear(year, month - 1, day); // not Date.UTC, which maps years 0–99 to 1900–1999
  wall.setUTCHours(hour, minute, second, Number((m[7] ?? '').padEnd(3, '0').slice(0, 3)));
  const ms = wall.getTime() - offset * 60_000;
  return Date.parse(s) === ms ? { ok: true, ms } : { ok: false, code: 'badTime' };
}
