/**
 * Calendar cuts in the association's time zone. An event's year and month decide which annual
 * report counts it, so they must not depend on the phone's own zone: a caravan visit at
 * 2023-12-31T23:30+08:00 belongs to 2023 even on a phone set to UTC (where it is already 2024 in
 * no sense that matters to the finance bureau).
 */

/** The default zone of a Chinese county association. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Zones whose UTC offset has not changed since an instant (IANA tzdata): there, wall-clock parts
 * are arithmetic on the UTC fields, with no Intl call (the cost of a pull page's year/month keys).
 * Asia/Shanghai last changed on 1991-09-15, the end of its 1986–1991 summer time.
 *
 * The table is the rule, not a cache of Intl: phones and the server key an event's year and month
 * the same way whatever zone data their engine ships, and a first screen does not pay for loading
 * the engine's zone data (constructing a zoned Intl.DateTimeFormat cost ~60 ms of the boot task on
 * this machine, ~240 ms at Lighthouse's 4× CPU). tests/domain/year.test.ts holds the table against
 * Node's tzdata over the whole span, so a tzdata change shows up there.
 */
export const FIXED_OFFSET_ZONES: Readonly<Record<string, { since: number; until: number; offsetMinutes: number }>> = {
  'Asia/Shanghai': { since: Date.UTC(1992, 0, 1), until: Date.UTC(2100, 0, 1), offsetMinutes: 480 },
};

function fixedOffsetAt(ms: number, timeZone: string): number | null {
  const fixed = FIXED_OFFSET_ZONES[timeZone];
  return fixed !== undefined && ms >= fixed.since && ms < fixed.until ? fixed.offsetMinutes : null;
}

function intlParts(ms: number, timeZone: string): ZonedParts {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(ms)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
  };
}

function intlOffsetMinutesAt(ms: number, timeZone: string): number {
  const p = intlParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return Math.round((asUtc - Math.floor(ms / 60000) * 60000) / 60000);
}

/** Wall-clock parts of an instant in a time zone. */
export interface ZonedParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

/** Splits an instant (ms since epoch or ISO 8601 text) into wall-clock parts in `timeZone`. */
export function zonedParts(instant: number | string, timeZone = DEFAULT_TIME_ZONE): ZonedParts {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`not a time: ${String(instant)}`);
  const fixed = fixedOffsetAt(ms, timeZone);
  if (fixed === null) return intlParts(ms, timeZone);
  const d = new Date(ms + fixed * 60000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
}

/** The report year an instant falls in, in the association's time zone. */
export function yearOf(instant: number | string, timeZone = DEFAULT_TIME_ZONE): number {
  return zonedParts(instant, timeZone).year;
}

/** The month (1-12) an instant falls in, in the association's time zone. */
export function monthOf(instant: number | string, timeZone = DEFAULT_TIME_ZONE): number {
  return zonedParts(instant, timeZone).month;
}

/** "YYYY-MM" of an instant in the association's time zone: the key the monthly tables use. */
export function yearMonthOf(instant: number | string, timeZone = DEFAULT_TIME_ZONE): string {
  const p = zonedParts(instant, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}`;
}

/** Offset of `timeZone` from UTC at an instant, in minutes (e.g. +480 for Asia/Shanghai). */
export function offsetMinutesAt(ms: number, timeZone = DEFAULT_TIME_ZONE): number {
  const p = zonedParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return Math.round((asUtc - Math.floor(ms / 60000) * 60000) / 60000);
}

/** Formats an instant as ISO 8601 with the zone's offset, e.g. 2023-09-16T09:30:00+08:00. */
export function toZonedIso(ms: number, timeZone = DEFAULT_TIME_ZONE): string {
  const p = zonedParts(ms, timeZone);
  const off = offsetMinutesAt(ms, timeZone);
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  const pad = (n: number) => String(n).padStart(2, '0');
  const seconds = pad(new Date(ms).getUTCSeconds());
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${seconds}` + `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The instants [start, end) that bound a report year in the association's time zone. */
export function yearBounds(year: number, timeZone = DEFAULT_TIME_ZONE): { start: number; end: number } {
  return { start: zonedMidnight(year, 1, 1, timeZone), end: zonedMidnight(year + 1, 1, 1, timeZone) };
}

function zonedMidnight(year: number, month: number, day: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day);
  // Two passes settle zones whose offset differs on either side of the guess.
  let ms = guess - offsetMinutesAt(guess, timeZone) * 60000;
  ms = guess - offsetMinutesAt(ms, timeZone) * 60000;
  return ms;
}
