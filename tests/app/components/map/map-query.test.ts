import { describe, expect, it } from 'vitest';
import { activeFilterCount, parseMapQuery, toEventFilter, toRouteQuery } from '../../../../src/app/components/map/map-query';

describe('the map view in the URL', () => {
  it('defaults to this year, the whole year, all events and 场次', () => {
    const q = parseMapQuery({}, 2026);
    expect(q).toEqual({
      year: 2026,
      monthFrom: null,
      monthTo: null,
      format: null,
      venue: null,
      campaign: null,
      theme: null,
      measure: 'events',
    });
    expect(toRouteQuery(q, 2026)).toEqual({});
    expect(toEventFilter(q, 'submitted')).toEqual({ year: 2026, reviewedOnly: false });
    expect(toEventFilter(q, 'reviewed')).toEqual({ year: 2026, reviewedOnly: true });
  });

  it('round-trips every filter and the measure through the query', () => {
    const query = {
      year: '2023',
      from: '9',
      to: '10',
      format: 'caravan',
      venue: 'school',
      campaign: 'science-day',
      theme: 'sci-tech',
      measure: 'attendance',
    };
    const q = parseMapQuery(query, 2026);
    expect(toRouteQuery(q, 2026)).toEqual(query);
    expect(toEventFilter(q, 'reviewed')).toEqual({
      year: 2023,
      monthFrom: 9,
      monthTo: 10,
      formats: ['caravan'],
      venues: ['school'],
      campaigns: ['science-day'],
      themes: ['sci-tech'],
      reviewedOnly: true,
    });
    expect(activeFilterCount(q)).toBe(5);
  });

  it("leaves the counting basis out of the link: it is the phone's one setting", () => {
    const q = parseMapQuery({ year: '2023', reviewed: '1' }, 2026);
    expect(toRouteQuery(q, 2026)).toEqual({ year: '2023' });
    expect(toEventFilter(q, 'submitted')).toEqual({ year: 2023, reviewedOnly: false });
  });

  it('falls back to defaults for malformed values and orders a reversed month range', () => {
    const q = parseMapQuery({ year: 'abc', from: '11', to: '3', format: 'DROP TABLE', measure: 'nonsense', reviewed: 'yes' }, 2026);
    expect(q).toMatchObject({ year: 2026, monthFrom: 3, monthTo: 11, format: null, measure: 'events' });
    expect(parseMapQuery({ from: '13', year: '1999' }, 2026)).toMatchObject({ year: 2026, monthFrom: null });
  });

  it('keeps 满意度 in the link (the view shows it to staff only)', () => {
    const q = parseMapQuery({ measure: 'satisfaction', format: 'caravan' }, 2026);
    expect(q.measure).toBe('satisfaction');
    expect(toRouteQuery(q, 2026)).toEqual({ format: 'caravan', measure: 'satisfaction' });
  });
});
