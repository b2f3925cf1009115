/**
 * The map's view state in the URL query, so a shared link reproduces the view:
 * `/map?year=2023&from=9&to=9&format=caravan&venue=school&campaign=science-day&theme=sci-tech
 *  &measure=attendance`. Defaults (this year, whole year, all, 场次) are left out. The counting basis
 * (已审核 / 全部已提交) is not part of the view: it is the phone's one setting (useCountBasis).
 */
import type { LocationQuery, LocationQueryRaw } from 'vue-router';
import { COVERAGE_MEASURES, type CoverageMeasure } from '../../../domain/coverage';
import { basisFilter, type CountBasis, type EventFilter } from '../../../domain/counts';

export interface MapQuery {
  readonly year: number;
  /** 1-12, or null for the whole year. */
  readonly monthFrom: number | null;
  readonly monthTo: number | null;
  readonly format: string | null;
  readonly venue: string | null;
  /** A campaign code, or `none` for events outside every campaign. */
  readonly campaign: string | null;
  readonly theme: string | null;
  readonly measure: CoverageMeasure;
}

const first = (v: LocationQuery[string] | undefined): string | null => {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'string' && x !== '' ? x : null;
};
const month = (v: LocationQuery[string] | undefined): number | null => {
  const n = Number(first(v));
  return Number.isInteger(n) && n >= 1 && n <= 12 ? n : null;
};
const code = (v: LocationQuery[string] | undefined): string | null => {
  const s = first(v);
  return s !== null && /^[a-z0-9][a-z0-9-]{0,39}$/.test(s) ? s : null;
};

/** Reads the view from a route query; anything malformed falls back to its default. */
export function parseMapQuery(query: LocationQuery, thisYear: number): MapQuery {
  const y = Number(first(query.year));
  let monthFrom = month(query.from);
  let monthTo = month(query.to);
  if (monthFrom !== null && monthTo !== null && monthFrom > monthTo) [monthFrom, monthTo] = [monthTo, monthFrom];
  const m = first(query.measure);
  return {
    year: Number.isInteger(y) && y >= 2000 && y <= 2100 ? y : thisYear,
    monthFrom,
    monthTo,
    format: code(query.format),
    venue: code(query.venue),
    campaign: code(query.campaign),
    theme: code(query.theme),
    // 满意度 too: the view shows it to staff only (a volunteer's link with it shows 场次).
    measure: m === 'satisfaction' || COVERAGE_MEASURES.includes(m as CoverageMeasure) ? (m as CoverageMeasure) : 'events',
  };
}

/** Writes the view back as a query, leaving defaults out. */
export function toRouteQuery(q: MapQuery, thisYear: number): LocationQueryRaw {
  const out: LocationQueryRaw = {};
  if (q.year !== thisYear) out.year = String(q.year);
  if (q.monthFrom !== null) out.from = String(q.monthFrom);
  if (q.monthTo !== null) out.to = String(q.monthTo);
  if (q.format) out.format = q.format;
  if (q.venue) out.venue = q.venue;
  if (q.campaign) out.campaign = q.campaign;
  if (q.theme) out.theme = q.theme;
  if (q.measure !== 'events') out.measure = q.measure;
  return out;
}

/** The counting filter the view stands for, on the phone's counting basis. */
export function toEventFilter(q: MapQuery, basis: CountBasis): EventFilter {
  return {
    year: q.year,
    ...basisFilter(basis),
    ...(q.monthFrom !== null ? { monthFrom: q.monthFrom } : {}),
    ...(q.monthTo !== null ? { monthTo: q.monthTo } : {}),
    ...(q.format ? { formats: [q.format] } : {}),
    ...(q.venue ? { venues: [q.venue] } : {}),
    ...(q.campaign ? { campaigns: [q.campaign] } : {}),
    ...(q.theme ? { themes: [q.theme] } : {}),
  };
}

/** How many filters beyond the year are set (for the filter button's badge). */
export function activeFilterCount(q: MapQuery): number {
  return [q.monthFrom ?? q.monthTo, q.format, q.venue, q.campaign, q.theme].filter((x) => x !== null).length;
}
