/**
 * Counting events: the one place where 场次, 人次 and 份数 are computed, used alike by the home
 * card, the map, the report tables, the narrative and every export, so that they never disagree.
 * Pure: the caller passes the events (already read through an index where that matters) and the
 * time zone; nothing here reads a clock or a database.
 */
import type { LedgerEvent, EventStatus } from './event.js';
import { materialsTotal } from './event.js';
import { DEFAULT_TIME_ZONE, yearMonthOf } from './year.js';

/** The fields counting reads; stored rows may carry precomputed `ym` to skip time-zone work. */
export type CountableEvent = Pick<
  LedgerEvent,
  | 'id'
  | 'startAt'
  | 'format'
  | 'venue'
  | 'campaign'
  | 'themes'
  | 'townshipCode'
  | 'attendance'
  | 'onlineAttendance'
  | 'materials'
  | 'volunteers'
  | 'volunteerCount'
  | 'status'
  | 'deleted'
> & { readonly ym?: string };

/**
 * The basis every number on screen is counted on (计入): reviewed (审核通过) events only, or every
 * event submitted to the ledger. One setting on the phone, shared by home, map and reports.
 */
export type CountBasis = 'reviewed' | 'submitted';

/** The bases, in the order the switch shows them. */
export const COUNT_BASES: readonly CountBasis[] = ['reviewed', 'submitted'];

/** The part of an EventFilter a basis decides. */
export function basisFilter(basis: CountBasis): { readonly reviewedOnly: boolean } {
  return { reviewedOnly: basis === 'reviewed' };
}

/** Which events count. Empty lists mean "any"; `reviewedOnly` keeps status `reviewed`. */
export interface EventFilter {
  readonly year?: number;
  /** Inclusive month range 1-12 within the year. */
  readonly monthFrom?: number;
  readonly monthTo?: number;
  readonly formats?: readonly string[];
  readonly venues?: readonly string[];
  /** Campaign codes; the value `none` matches events with no campaign. */
  readonly campaigns?: readonly string[];
  /** An event matches when it has any of these themes. */
  readonly themes?: readonly string[];
  readonly townships?: readonly string[];
  readonly statuses?: readonly EventStatus[];
  readonly reviewedOnly?: boolean;
}

/** The totals of a group of events. */
export interface Tally {
  /** 场次 */
  events: number;
  /** 惠及人次 (offline) */
  attendance: number;
  /** 线上人次 */
  onlineAttendance: number;
  /** 资料份数 */
  materials: number;
  /** Named volunteers, or `volunteerCount` when names are not known. */
  volunteers: number;
  volunteerHours: number;
  /** Latest startAt among the group (ISO), or null. */
  lastStartAt: string | null;
}

/** A tally of nothing. */
export function emptyTally(): Tally {
  return { events: 0, attendance: 0, onlineAttendance: 0, materials: 0, volunteers: 0, volunteerHours: 0, lastStartAt: null };
}

/** Adds one event to a tally, in place. */
export function addToTally(t: Tally, e: CountableEvent): void {
  t.events += 1;
  t.attendance += e.attendance;
  t.onlineAttendance += e.onlineAttendance ?? 0;
  t.materials += materialsTotal(e);
  t.volunteers += volunteersOf(e);
  for (const v of e.volunteers) t.volunteerHours += v.hours;
  if (t.lastStartAt === null || isLaterInstant(e.startAt, t.lastStartAt)) t.lastStartAt = e.startAt;
}

/** 志愿者 of one event: its named volunteers, or `volunteerCount` when names are not known. */
export function volunteersOf(e: Pick<CountableEvent, 'volunteers' | 'volunteerCount'>): number {
  return e.volunteers.length > 0 ? e.volunteers.length : (e.volunteerCount ?? 0);
}

/**
 * Whether ISO instant `a` is after `b`. Two stamps of the same shape and offset (the common case:
 * every event of a region written in its zone) compare as text, which is ordered like time and
 * far cheaper than parsing; anything else is parsed.
 */
export function isLaterInstant(a: string, b: string): boolean {
  const n = a.length;
  if (n === b.length && n >= 20 && (a.charCodeAt(n - 6) === 43 || a.charCodeAt(n - 6) === 45) && a.endsWith(b.slice(-6))) return a > b;
  return Date.parse(a) > Date.parse(b);
}

/** Adds one tally to another, in place (e.g. a special zone's events into its parent town). */
export function mergeTallyInto(into: Tally, from: Tally): void {
  into.events += from.events;
  into.attendance += from.attendance;
  into.onlineAttendance += from.onlineAttendance;
  into.materials += from.materials;
  into.volunteers += from.volunteers;
  into.volunteerHours += from.volunteerHours;
  if (from.lastStartAt !== null && (into.lastStartAt === null || Date.parse(from.lastStartAt) > Date.parse(into.lastStartAt))) {
    into.lastStartAt = from.lastStartAt;
  }
}

/** The "YYYY-MM" of an event in the time zone, using the stored key when present. */
export function eventYearMonth(e: CountableEvent, timeZone = DEFAULT_TIME_ZONE): string {
  return e.ym ?? yearMonthOf(e.startAt, timeZone);
}

/** Whether an event counts under a filter. Deleted events never count. */
export function matchesFilter(e: CountableEvent, f: EventFilter, timeZone = DEFAULT_TIME_ZONE): boolean {
  if (e.deleted) return false;
  if (f.reviewedOnly && e.status !== 'reviewed') return false;
  if (f.statuses?.length && !f.statuses.includes(e.status)) return false;
  if (f.year !== undefined || f.monthFrom !== undefined || f.monthTo !== undefined) {
    const ym = eventYearMonth(e, timeZone);
    const year = Number(ym.slice(0, 4));
    const month = Number(ym.slice(5, 7));
    if (f.year !== undefined && year !== f.year) return false;
    if (f.monthFrom !== undefined && month < f.monthFrom) return false;
    if (f.monthTo !== undefined && month > f.monthTo) return false;
  }
  if (f.formats?.length && !f.formats.includes(e.format)) return false;
  if (f.venues?.length && !f.venues.includes(e.venue)) return false;
  if (f.campaigns?.length && !f.campaigns.includes(e.campaign ?? 'none')) return false;
  if (f.themes?.length && !e.themes.some((t) => f.themes!.includes(t))) return false;
  if (f.townships?.length && !f.townships.includes(e.townshipCode)) return false;
  return true;
}

/** The axes a report groups by. `theme` counts an event once under each of its themes. */
export type CountAxis = 'format' | 'venue' | 'campaign' | 'theme' | 'township' | 'month';

/** The group keys of an event along an axis (`none` for an event with no campaign). */
export function keysAlong(axis: CountAxis, e: CountableEvent, timeZone = DEFAULT_TIME_ZONE): readonly string[] {
  switch (axis) {
    case 'format':
      return [e.format];
    case 'venue':
      return [e.venue];
    case 'campaign':
      return [e.campaign ?? 'none'];
    case 'theme':
      return e.themes;
    case 'township':
      return [e.townshipCode];
    case 'month':
      return [eventYearMonth(e, timeZone)];
  }
}

/** Tallies the events matching a filter: the total, and one tally per key along an axis. */
export function countEventsBy(
  events: Iterable<CountableEvent>,
  axis: CountAxis,
  filter: EventFilter = {},
  timeZone = DEFAULT_TIME_ZONE,
): { total: Tally; groups: Map<string, Tally> } {
  const total = emptyTally();
  const groups = new Map<string, Tally>();
  for (const e of events) {
    if (!matchesFilter(e, filter, timeZone)) continue;
    addToTally(total, e);
    for (const k of keysAlong(axis, e, timeZone)) {
      let t = groups.get(k);
      if (!t) groups.set(k, (t = emptyTally()));
      addToTally(t, e);
    }
  }
  return { total, groups };
}

/**
 * Tallies the events matching a filter along several axes in ONE pass (the report's six tables):
 * the same tallies as calling `countEventsBy` once per axis, for a seventh of the filtering work.
 */
export function countEventsByAxes<A extends CountAxis>(
  events: Iterable<CountableEvent>,
  axes: readonly A[],
  filter: EventFilter = {},
  timeZone = DEFAULT_TIME_ZONE,
): { total: Tally; groups: Record<A, Map<string, Tally>> } {
  const total = emptyTally();
  const groups = Object.fromEntries(axes.map((a) => [a, new Map<string, Tally>()])) as Record<A, Map<string, Tally>>;
  for (const e of events) {
    if (!matchesFilter(e, filter, timeZone)) continue;
    addToTally(total, e);
    for (const axis of axes) {
      const m = groups[axis];
      for (const k of keysAlong(axis, e, timeZone)) {
        let t = m.get(k);
        if (!t) m.set(k, (t = emptyTally()));
        addToTally(t, e);
      }
    }
  }
  return { total, groups };
}
