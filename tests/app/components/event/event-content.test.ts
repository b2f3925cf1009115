import { describe, expect, it } from 'vitest';
import { emptyEventContent, type EventContent } from '../../../../src/domain/event';
import {
  cloneContent,
  emptyFormContent,
  eventContentOf,
  formContentOf,
  formContentOfDraft,
  formProblems,
  problemsByField,
  problemUnder,
  repeatOf,
  setAttendance,
  setNoOnSiteAudience,
  type FormContent,
} from '../../../../src/app/components/event/event-content';
import { matchesListFilters, type ListFilters } from '../../../../src/app/components/event/list-filters';
import type { EventRow } from '../../../../src/app/db/ledger-db';

const last: EventContent = {
  ...emptyEventContent('2026-03-05T09:30:00+08:00', '2026-03-05T11:30:00+08:00'),
  title: '科普大篷车进校园',
  notes: '天气好',
  format: 'caravan',
  venue: 'school',
  campaign: 'science-day',
  themes: ['sci-tech'],
  townshipCode: '441323001000',
  villageCode: '441323001001',
  venueName: '平山中心小学',
  point: { lat: 22.99, lon: 114.71, accuracyM: 20, source: 'gps' },
  attendance: 120,
  onlineAttendance: 30,
  audience: [{ kind: 'students', count: 100 }],
  materials: [{ kind: 'booklet', count: 200 }],
  volunteers: [{ name: '李明', userId: null, hours: 3 }],
  volunteerCount: 4,
  partners: ['平山中学'],
  distanceKm: 35,
  photos: ['a'.repeat(64)],
};

describe('repeat last event', () => {
  it('copies format, venue, campaign, place, themes and materials and takes the new time; attendance starts empty', () => {
    expect(repeatOf(last, '2026-04-01T10:00:00+08:00')).toEqual({
      ...emptyEventContent('2026-04-01T10:00:00+08:00'),
      attendance: null,
      noOnSiteAudience: false,
      format: 'caravan',
      venue: 'school',
      campaign: 'science-day',
      townshipCode: '441323001000',
      villageCode: '441323001001',
      venueName: '平山中心小学',
      themes: ['sci-tech'],
      materials: [{ kind: 'booklet', count: 200 }],
    });
  });

  it('does not carry over a confirmed 0 of a media event', () => {
    expect(repeatOf({ ...last, attendance: 0, format: 'media' }, '2026-04-01T10:00:00+08:00')).toMatchObject({ attendance: null, noOnSiteAudience: false });
  });

  it('shares no list with the event it copies', () => {
    const copy = repeatOf(last, '2026-04-01T10:00:00+08:00');
    copy.themes.push('health');
    copy.materials[0]!.count = 1;
    expect(last.themes).toEqual(['sci-tech']);
    expect(last.materials).toEqual([{ kind: 'booklet', count: 200 }]);
  });
});

describe('form content helpers', () => {
  it('deep-copies content so edits to the copy leave the original alone', () => {
    const copy = cloneContent({ ...last, noOnSiteAudience: false });
    expect(copy).toEqual({ ...last, noOnSiteAudience: false });
    copy.point!.lat = 0;
    copy.volunteers[0]!.hours = 9;
    expect(last.point!.lat).toBe(22.99);
    expect(last.volunteers[0]!.hours).toBe(3);
  });

  it('keeps the first problem of each field and finds problems under a group', () => {
    const errors = problemsByField([
      { field: 'title', code: 'required' },
      { field: 'title', code: 'tooLong' },
      { field: 'materials.1.count', code: 'notPositive' },
    ]);
    expect(errors).toEqual({ title: 'required', 'materials.1.count': 'notPositive' });
    expect(problemUnder(errors, 'materials')).toBe('notPositive');
    expect(problemUnder(errors, 'mat')).toBeUndefined();
  });
});

describe('attendance in the form', () => {
  const NOW = Date.parse('2026-04-01T12:00:00+08:00');
  /** An event with no audience breakdown (which 0 people could not have). */
  const media: EventContent = { ...last, audience: [] };
  /** The form after the person filled in everything but attendance. */
  function filled(): FormContent {
    return { ...formContentOf(media), attendance: null, noOnSiteAudience: false };
  }

  it('starts empty in a new form and says 必填 (required) until a number is typed', () => {
    expect(emptyFormContent('2026-04-01T10:00:00+08:00')).toMatchObject({ attendance: null, noOnSiteAudience: false });
    expect(formProblems(filled(), { now: NOW })).toEqual({ problems: [{ field: 'attendance', code: 'required' }], value: null });
  });

  it('refuses a typed 0 until the volunteer confirms no one was there, then saves 0', () => {
    const f = filled();
    setAttendance(f, 0);
    expect(formProblems(f, { now: NOW })).toEqual({ problems: [{ field: 'attendance', code: 'zeroAttendanceUnconfirmed' }], value: null });
    setNoOnSiteAudience(f, true);
    expect(formProblems(f, { now: NOW })).toEqual({ problems: [], value: { ...media, attendance: 0 } });
  });

  it('ticking "no on-site audience" sets 0; unticking empties it again; typing a number unticks', () => {
    const f = filled();
    setAttendance(f, 120);
    setNoOnSiteAudience(f, true);
    expect([f.attendance, f.noOnSiteAudience]).toEqual([0, true]);
    setNoOnSiteAudience(f, false);
    expect([f.attendance, f.noOnSiteAudience]).toEqual([null, false]);
    setNoOnSiteAudience(f, true);
    setAttendance(f, 35);
    expect([f.attendance, f.noOnSiteAudience]).toEqual([35, false]);
    setAttendance(f, 0);
    expect(formProblems(f).problems).toEqual([{ field: 'attendance', code: 'zeroAttendanceUnconfirmed' }]);
  });

  it('reports the unconfirmed 0 beside the other problems', () => {
    const f = { ...filled(), title: '', attendance: 0 };
    expect(formProblems(f).problems).toEqual([
      { field: 'title', code: 'required' },
      { field: 'attendance', code: 'zeroAttendanceUnconfirmed' },
    ]);
  });

  it('does not take a stored 0 as confirmed when an event is opened for editing', () => {
    const f = formContentOf({ ...media, attendance: 0 });
    expect(f.noOnSiteAudience).toBe(false);
    expect(formProblems(f).problems).toEqual([{ field: 'attendance', code: 'zeroAttendanceUnconfirmed' }]);
  });

  it('reads a draft of the earlier app (attendance 0 by default, no confirmation) as an unconfirmed 0', () => {
    const old: EventContent = { ...emptyEventContent('2026-04-01T10:00:00+08:00'), title: '讲座' };
    expect(old.attendance).toBe(0);
    const f = formContentOfDraft(old);
    expect([f.attendance, f.noOnSiteAudience]).toEqual([0, false]);
    expect(formProblems(f).problems).toContainEqual({ field: 'attendance', code: 'zeroAttendanceUnconfirmed' });
  });

  it('keeps a confirmed 0 across a draft round trip (JSON, as the draft store keeps it), and an empty attendance empty', () => {
    const f = filled();
    setNoOnSiteAudience(f, true);
    const back = formContentOfDraft(JSON.parse(JSON.stringify(f)) as FormContent);
    expect(back).toEqual(f);
    expect(formContentOfDraft(JSON.parse(JSON.stringify(filled())) as FormContent)).toMatchObject({ attendance: null, noOnSiteAudience: false });
  });

  it('drops a confirmation a draft holds beside a number other than 0', () => {
    expect(formContentOfDraft({ ...filled(), attendance: 50, noOnSiteAudience: true })).toMatchObject({ attendance: 50, noOnSiteAudience: false });
  });

  it('hands the domain the event content without the form’s flag', () => {
    expect(eventContentOf({ ...filled(), attendance: 7 })).toEqual({ ...media, attendance: 7 });
  });
});

describe('list filters', () => {
  const row = { ...last, id: 'x', year: 2026, ym: '2026-03', status: 'submitted', deleted: false } as unknown as EventRow;
  const none: ListFilters = { year: null, format: null, campaign: null, township: null, status: null, text: '' };

  it('pass a row that every filter allows and drop deleted rows', () => {
    expect(matchesListFilters(row, none)).toBe(true);
    expect(matchesListFilters({ ...row, deleted: true }, none)).toBe(false);
    expect(matchesListFilters(row, { ...none, year: 2026, format: 'caravan', campaign: 'science-day', township: '441323001000', status: 'submitted' })).toBe(
      true,
    );
  });

  it('drop a row on any one mismatching filter', () => {
    expect(matchesListFilters(row, { ...none, year: 2025 })).toBe(false);
    expect(matchesListFilters(row, { ...none, format: 'lecture' })).toBe(false);
    expect(matchesListFilters(row, { ...none, campaign: 'none' })).toBe(false);
    expect(matchesListFilters({ ...row, campaign: null }, { ...none, campaign: 'none' })).toBe(true);
    expect(matchesListFilters(row, { ...none, township: '441323002000' })).toBe(false);
    expect(matchesListFilters(row, { ...none, status: 'reviewed' })).toBe(false);
  });

  it('search title, venue name and notes, ignoring case', () => {
    expect(matchesListFilters(row, { ...none, text: '大篷车' })).toBe(true);
    expect(matchesListFilters(row, { ...none, text: '中心小学' })).toBe(true);
    expect(matchesListFilters(row, { ...none, text: '天气' })).toBe(true);
    expect(matchesListFilters({ ...row, title: 'First Aid' }, { ...none, text: 'first aid' })).toBe(true);
    expect(matchesListFilters(row, { ...none, text: '平山街道' })).toBe(false);
  });

  it('search with either form of a variant character: 巺寮 finds 巽寮 and 巽寮 finds 巺寮', () => {
    expect(matchesListFilters({ ...row, title: '巽寮湾科普' }, { ...none, text: '巺寮' })).toBe(true);
    expect(matchesListFilters({ ...row, venueName: '巺寮湾小学' }, { ...none, text: '巽寮湾' })).toBe(true);
    expect(matchesListFilters({ ...row, title: '巽寮湾科普' }, { ...none, text: '巽' })).toBe(true);
    expect(matchesListFilters(row, { ...none, text: '巺寮' })).toBe(false);
  });
});
