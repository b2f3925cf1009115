/**
 * 满意度 as a map measure (issue 15): the public's average rating (1–5) of the events in each
 * township, under the map's filter. The server counts it (GET /api/feedback/township-satisfaction)
 * because the ratings live there only; the phone colours the townships from its answer.
 *
 * Which ratings: those given on an event's own page (channel `event`, a 满意度 chosen) for the
 * events that match the map's filter — the filter's year, months, format, venue, campaign, theme
 * and counting basis apply to the EVENT (its start in Asia/Shanghai), whenever the rating arrived;
 * so a December event rated in January counts in December's year, as the event's 场次 does. The
 * 意见箱's items rate no event and are not here. Only counts and sums cross the wire, never people.
 *
 * A township whose events nobody rated is 无评价: not a gap (it may have had many events) and not
 * a low score; it has no class and no rank. Classes run light → dark with the mean (better = darker).
 * Special zones roll up into their town as for the other measures (domain/coverage.ts).
 * Pure: the caller passes the events, the ratings and the base coverage.
 */
import * as v from 'valibot';
import { classBreaks, classOf, type CoverageResult, type UnitCoverage, type UnitRating } from './coverage.js';
import { matchesFilter, type CountableEvent, type EventFilter } from './counts.js';
import { DEFAULT_TIME_ZONE } from './year.js';

/** How many ratings, and their sum (the mean of several groups is their sums over their counts). */
export interface RatingSum {
  readonly answered: number;
  readonly sum: number;
}

/** GET /api/feedback/township-satisfaction: the ratings of the matching events by township code. */
export interface TownshipSatisfactionAnswer {
  readonly year: number;
  /** Every rating of the matching events, and how many of those events were rated. */
  readonly total: RatingSum & { readonly events: number };
  /** By the event's own township code (zones under their own code; the phone rolls them up). */
  readonly byTownship: Readonly<Record<string, RatingSum>>;
}

/** A rating as the server reads it off a feedback item (event channel, with a 满意度). */
export interface EventRating {
  readonly eventId: string;
  readonly satisfaction: number;
}

/** Sums the ratings of the events that match `filter`, by the event's township. */
export function satisfactionByTownship(
  events: Iterable<CountableEvent & { readonly id: string }>,
  ratings: Iterable<EventRating>,
  filter: EventFilter & { readonly year: number },
  timeZone = DEFAULT_TIME_ZONE,
): TownshipSatisfactionAnswer {
  const townshipOf = new Map<string, string>();
  for (const e of events) if (matchesFilter(e, filter, timeZone)) townshipOf.set(e.id, e.townshipCode);
  const by = new Map<string, { answered: number; sum: number }>();
  const rated = new Set<string>();
  let answered = 0;
  let sum = 0;
  for (const r of ratings) {
    const code = townshipOf.get(r.eventId);
    if (code === undefined) continue;
    const g = by.get(code) ?? { answered: 0, sum: 0 };
    g.answered++;
    g.sum += r.satisfaction;
    by.set(code, g);
    rated.add(r.eventId);
    answered++;
    sum += r.satisfaction;
  }
  return { year: filter.year, total: { answered, sum, events: rated.size }, byTownship: Object.fromEntries(by) };
}

/** A mean as the map shows it: one decimal (4.55 → 4.6); null with no rating. */
export function meanOfRatings(r: RatingSum): number | null {
  return r.answered === 0 ? null : Math.round((r.sum / r.answered) * 10) / 10;
}

const code = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'badCode'));
const month = v.pipe(v.string(), v.regex(/^(?:[1-9]|1[0-2])$/, 'badMonth'), v.transform(Number));

/** The route's query: the map's filter, one value per axis (as the map keeps it in its URL). */
export const satisfactionQuerySchema = v.strictObject({
  year: v.pipe(v.string('required'), v.regex(/^\d{4}$/, 'badYear'), v.transform(Number)),
  from: v.optional(month),
  to: v.optional(month),
  format: v.optional(code),
  venue: v.optional(code),
  campaign: v.optional(code),
  theme: v.optional(code),
  basis: v.optional(v.picklist(['reviewed', 'submitted'], 'badBasis')),
});

/** The query string of a filter (its first value per axis; a list of several is not a map filter). */
export function satisfactionQueryString(f: EventFilter & { readonly year: number }): string {
  const p = new URLSearchParams({ year: String(f.year) });
  if (f.monthFrom !== undefined) p.set('from', String(f.monthFrom));
  if (f.monthTo !== undefined) p.set('to', String(f.monthTo));
  if (f.formats?.[0]) p.set('format', f.formats[0]);
  if (f.venues?.[0]) p.set('venue', f.venues[0]);
  if (f.campaigns?.[0]) p.set('campaign', f.campaigns[0]);
  if (f.themes?.[0]) p.set('theme', f.themes[0]);
  if (f.reviewedOnly !== undefined) p.set('basis', f.reviewedOnly ? 'reviewed' : 'submitted');
  return p.toString();
}

/** The filter a parsed query stands for (as the map's toEventFilter makes it). */
export function filterOfSatisfactionQuery(q: v.InferOutput<typeof satisfactionQuerySchema>): EventFilter & { year: number } {
  return {
    year: q.year,
    ...(q.basis ? { reviewedOnly: q.basis === 'reviewed' } : {}),
    ...(q.from !== undefined ? { monthFrom: q.from } : {}),
    ...(q.to !== undefined ? { monthTo: q.to } : {}),
    ...(q.format ? { formats: [q.format] } : {}),
    ...(q.venue ? { venues: [q.venue] } : {}),
    ...(q.campaign ? { campaigns: [q.campaign] } : {}),
    ...(q.theme ? { themes: [q.theme] } : {}),
  };
}

/**
 * Sequential greens, light → dark (ColorBrewer "Greens", Cynthia Brewer, Apache-2.0): another hue
 * than the counts' blues, so a glance tells a score from a count; 无评价 is grey, gaps are not drawn.
 */
export const SATISFACTION_RAMPS: Readonly<Record<number, readonly string[]>> = {
  1: ['#31a354'],
  2: ['#a1d99b', '#31a354'],
  3: ['#c7e9c0', '#74c476', '#238b45'],
  4: ['#c7e9c0', '#74c476', '#238b45', '#005a32'],
  5: ['#edf8e9', '#bae4b3', '#74c476', '#31a354', '#006d2c'],
};
/** The fill of a township nobody rated (无评价): neutral, lighter than any class. */
export const NO_RATING_COLOUR = '#f3f4f6';

/**
 * The map's picture for 满意度: the units and totals of `base` (coverage of the same filter by any
 * event measure: its tallies, zones and gaps stay as they are) with each unit's rating, value (the
 * mean, one decimal), class and rank by mean. Classes are Jenks breaks of the rated area units'
 * means (coverage.ts classBreaks), at most `maxClasses`.
 */
export function coverageOfSatisfaction(base: CoverageResult, answer: TownshipSatisfactionAnswer, maxClasses = 5): CoverageResult {
  const ratingOf = (codes: readonly string[]): UnitRating | null => {
    let answered = 0;
    let sum = 0;
    for (const c of codes) {
      const r = answer.byTownship[c];
      if (r) {
        answered += r.answered;
        sum += r.sum;
      }
    }
    const mean = meanOfRatings({ answered, sum });
    return mean === null ? null : { answered, mean };
  };
  const rated = base.units.map((u) => ({ u, rating: ratingOf(u.hasArea ? u.codes : [u.code]) }));
  const values = rated.filter((x) => x.u.hasArea && x.rating).map((x) => x.rating!.mean);
  const breaks = classBreaks(values, maxClasses);
  const colours = breaks.length === 0 ? [] : SATISFACTION_RAMPS[Math.min(5, breaks.length)]!;
  const units: UnitCoverage[] = rated.map(({ u, rating }) => {
    const ranked = u.hasArea && rating !== null;
    return {
      ...u,
      rating,
      value: rating?.mean ?? null,
      share: answer.total.answered > 0 && rating ? rating.answered / answer.total.answered : 0,
      rank: ranked ? 1 + values.filter((o) => o > rating.mean).length : null,
      classIndex: ranked ? classOf(rating.mean, breaks) : null,
    };
  });
  const total = meanOfRatings(answer.total);
  return {
    ...base,
    measure: 'satisfaction',
    units,
    breaks,
    colours,
    rating: total === null ? null : { answered: answer.total.answered, mean: total },
  };
}

/** Area units nobody rated (无评价), in pack order. */
export function unratedUnits(c: CoverageResult): UnitCoverage[] {
  return c.units.filter((u) => u.hasArea && u.rating === null);
}

/** The legend's rows for 满意度: each class's range of means (one decimal), light → dark. */
export function satisfactionLegendRows(c: Pick<CoverageResult, 'breaks' | 'colours' | 'units'>): { from: number; to: number; colour: string }[] {
  const means = c.units.filter((u) => u.hasArea && u.rating).map((u) => u.rating!.mean);
  const lowest = means.length ? Math.min(...means) : 0;
  return c.breaks.map((to, i) => ({
    from: i === 0 ? lowest : Math.round((c.breaks[i - 1]! + 0.1) * 10) / 10,
    to,
    colour: c.colours[i]!,
  }));
}
