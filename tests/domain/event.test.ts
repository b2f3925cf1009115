import { describe, expect, test } from 'vitest';
import { checkEventReferences, emptyEventContent, validateEventContent, validateLedgerEvent, type EventContent } from '../../src/domain/event';
import { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
import { townshipCodesOf, villageTownshipMapOf } from '../../src/domain/region';
import { loadHuidongPack } from '../fixtures/region-pack';

const pack = loadHuidongPack();

/** A complete, valid caravan visit at 吉隆中心小学. */
function validContent(): EventContent {
  return {
    ...emptyEventContent('2023-05-20T09:00:00+08:00', '2023-05-20T11:30:00+08:00'),
    title: '科普大篷车进校园',
    notes: '干冰实验与磁悬浮演示',
    format: 'caravan',
    venue: 'school',
    campaign: 'sci-tech-week',
    themes: ['sci-tech', 'frontier-tech'],
    townshipCode: '441323109000',
    villageCode: null,
    venueName: '吉隆中心小学',
    point: { lat: 22.8, lon: 114.91667, accuracyM: 12, source: 'gps' },
    attendance: 320,
    onlineAttendance: 1200,
    audience: [
      { kind: 'students', count: 300 },
      { kind: 'teachers', count: 20 },
    ],
    materials: [
      { kind: 'booklet', count: 300 },
      { kind: 'eco-bag', count: 100 },
    ],
    volunteers: [{ name: '陈晓红', userId: null, hours: 3 }],
    volunteerCount: null,
    partners: ['吉隆镇中心小学'],
    distanceKm: 42.5,
    photos: ['a'.repeat(64)],
  };
}

describe('the event content schema', () => {
  test('accepts a complete event and returns it unchanged', () => {
    const c = validContent();
    expect(validateEventContent(c)).toEqual({ ok: true, value: c });
  });

  test('accepts the minimal event: title, times, format, venue, township, nothing else', () => {
    const c: EventContent = {
      ...emptyEventContent('2023-01-01T00:00:00+08:00'),
      title: '广场宣传',
      format: 'square-campaign',
      venue: 'public-space',
      townshipCode: '441323001000',
    };
    expect(validateEventContent(c)).toEqual({ ok: true, value: c });
  });

  test('accepts a UTC instant, a map-tapped point without accuracy and a volunteer count without names', () => {
    const c = {
      ...validContent(),
      startAt: '2023-05-20T01:00:00Z',
      endAt: '2023-05-20T03:00:00.000Z',
      point: { lat: 23, lon: 115, accuracyM: null, source: 'map' as const },
      volunteers: [],
      volunteerCount: 6,
      campaign: null,
    };
    expect(validateEventContent(c).ok).toBe(true);
  });

  test('accepts the first minute of 2000 in Huidong, which is still 1999 in UTC', () => {
    const c = { ...validContent(), startAt: '2000-01-01T00:00:00+08:00', endAt: '2000-01-01T01:00:00+08:00' };
    expect(validateEventContent(c).ok).toBe(true);
  });

  test('trims the title', () => {
    const r = validateEventContent({ ...validContent(), title: '  科普讲座  ' });
    expect(r.ok && r.value.title).toBe('科普讲座');
  });

  // Each bad input names the field a person must fix and a code the UI translates.
  const bad: [string, (c: EventContent) => unknown, { field: string; code: string }][] = [
    ['an empty title', (c) => ({ ...c, title: '' }), { field: 'title', code: 'required' }],
    ['a blank title', (c) => ({ ...c, title: '   ' }), { field: 'title', code: 'required' }],
    ['a 101-character title', (c) => ({ ...c, title: '科'.repeat(101) }), { field: 'title', code: 'tooLong' }],
    ['a missing title', ({ title: _t, ...rest }) => rest, { field: 'title', code: 'required' }],
    ['a start time without offset', (c) => ({ ...c, startAt: '2023-05-20T09:00:00' }), { field: 'startAt', code: 'badTime' }],
    ['a start time that is not a time', (c) => ({ ...c, startAt: '昨天' }), { field: 'startAt', code: 'badTime' }],
    ['a year 1900 start', (c) => ({ ...c, startAt: '1900-05-20T09:00:00+08:00' }), { field: 'startAt', code: 'implausibleTime' }],
    ['an end before the start', (c) => ({ ...c, endAt: '2023-05-20T08:00:00+08:00' }), { field: 'endAt', code: 'endBeforeStart' }],
    ['an event lasting two years', (c) => ({ ...c, endAt: '2025-05-20T08:00:00+08:00' }), { field: 'endAt', code: 'durationTooLong' }],
    ['an empty format', (c) => ({ ...c, format: '' }), { field: 'format', code: 'required' }],
    ['a format with capitals and spaces', (c) => ({ ...c, format: 'Big Caravan' }), { field: 'format', code: 'badCode' }],
    ['a missing venue', ({ venue: _v, ...rest }) => rest, { field: 'venue', code: 'required' }],
    ['a 9-digit township code', (c) => ({ ...c, townshipCode: '441323109' }), { field: 'townshipCode', code: 'badTownshipCode' }],
    ['an empty township', (c) => ({ ...c, townshipCode: '' }), { field: 'townshipCode', code: 'required' }],
    ['a malformed village code', (c) => ({ ...c, villageCode: '4413231' }), { field: 'villageCode', code: 'badVillageCode' }],
    ['attendance as text', (c) => ({ ...c, attendance: '320' }), { field: 'attendance', code: 'notNumber' }],
    ['attendance not typed (null)', (c) => ({ ...c, attendance: null }), { field: 'attendance', code: 'required' }],
    ['attendance missing', ({ attendance: _a, ...rest }) => rest, { field: 'attendance', code: 'required' }],
    ['attendance NaN (text that is not a number)', (c) => ({ ...c, attendance: Number.NaN }), { field: 'attendance', code: 'notNumber' }],
    ['negative attendance', (c) => ({ ...c, attendance: -1 }), { field: 'attendance', code: 'negative' }],
    ['fractional attendance', (c) => ({ ...c, attendance: 3.5 }), { field: 'attendance', code: 'notInteger' }],
    ['absurd attendance', (c) => ({ ...c, attendance: 5_000_000 }), { field: 'attendance', code: 'tooLarge' }],
    ['a zero material count', (c) => ({ ...c, materials: [{ kind: 'booklet', count: 0 }] }), { field: 'materials.0.count', code: 'notPositive' }],
    ['a material without kind', (c) => ({ ...c, materials: [{ kind: '', count: 5 }] }), { field: 'materials.0.kind', code: 'required' }],
    ['materials that are not a list', (c) => ({ ...c, materials: { booklet: 5 } }), { field: 'materials', code: 'notList' }],
    ['a latitude of 95', (c) => ({ ...c, point: { lat: 95, lon: 114, accuracyM: 5, source: 'gps' } }), { field: 'point.lat', code: 'badLatitude' }],
    ['a longitude of 200', (c) => ({ ...c, point: { lat: 22, lon: 200, accuracyM: 5, source: 'gps' } }), { field: 'point.lon', code: 'badLongitude' }],
    [
      'a point from an unknown source',
      (c) => ({ ...c, point: { lat: 22, lon: 114, accuracyM: 5, source: 'wifi' } }),
      { field: 'point.source', code: 'badPointSource' },
    ],
    ['the same theme twice', (c) => ({ ...c, themes: ['sci-tech', 'sci-tech'] }), { field: 'themes', code: 'duplicate' }],
    [
      'an audience larger than the attendance',
      (c) => ({ ...c, audience: [{ kind: 'students', count: 400 }] }),
      { field: 'audience', code: 'audienceExceedsAttendance' },
    ],
    ['a volunteer without a name', (c) => ({ ...c, volunteers: [{ name: ' ', userId: null, hours: 2 }] }), { field: 'volunteers.0.name', code: 'required' }],
    [
      'a volunteer with 1000 hours',
      (c) => ({ ...c, volunteers: [{ name: '李明', userId: null, hours: 1000 }] }),
      { field: 'volunteers.0.hours', code: 'tooLarge' },
    ],
    ['a negative caravan distance', (c) => ({ ...c, distanceKm: -3 }), { field: 'distanceKm', code: 'negative' }],
    ['a photo that is not a sha256', (c) => ({ ...c, photos: ['photo.jpg'] }), { field: 'photos.0', code: 'badPhotoHash' }],
    ['thirteen photos', (c) => ({ ...c, photos: Array.from({ length: 13 }, (_, i) => String(i % 10).repeat(64)) }), { field: 'photos', code: 'tooMany' }],
    ['an unknown field', (c) => ({ ...c, idCardNumber: '441323199001011234' }), { field: 'idCardNumber', code: 'unknownField' }],
    ['notes of 4001 characters', (c) => ({ ...c, notes: 'x'.repeat(4001) }), { field: 'notes', code: 'tooLong' }],
  ];

  test.each(bad)('rejects %s with its field and code', (_name, mutate, problem) => {
    const r = validateEventContent(mutate(validContent()));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toContainEqual(problem);
  });

  test('rejects a value that is not an object at all', () => {
    expect(validateEventContent('科普活动')).toEqual({ ok: false, problems: [{ field: '', code: 'notObject' }] });
  });

  test('reports every bad field at once, so the form can mark them all', () => {
    const r = validateEventContent({ ...validContent(), title: '', format: '', attendance: -5 });
    expect(r).toEqual({
      ok: false,
      problems: [
        { field: 'title', code: 'required' },
        { field: 'format', code: 'required' },
        { field: 'attendance', code: 'negative' },
      ],
    });
  });
});

/** A stored event (content, review, bookkeeping) around validContent(). */
function storedEvent() {
  return {
    ...validContent(),
    status: 'submitted',
    reviewNote: null,
    reviewedBy: null,
    reviewedAt: null,
    id: '0190a6f2-7b3c-7def-8123-456789abcdef',
    orgId: 'org-1',
    createdBy: 'u-1',
    createdAt: '2023-05-20T12:00:00+08:00',
    updatedBy: 'u-1',
    updatedAt: '2023-05-20T12:00:00+08:00',
    deleted: false,
    rev: 0,
  };
}

describe('the stored event schema', () => {
  const stored = {
    ...validContent(),
    status: 'submitted',
    reviewNote: null,
    reviewedBy: null,
    reviewedAt: null,
    id: '0190a6f2-7b3c-7def-8123-456789abcdef',
    orgId: 'org-1',
    createdBy: 'u-1',
    createdAt: '2023-05-20T12:00:00+08:00',
    updatedBy: 'u-1',
    updatedAt: '2023-05-20T12:00:00+08:00',
    deleted: false,
    rev: 0,
  };

  test('accepts a stored event with bookkeeping', () => {
    expect(validateLedgerEvent(stored).ok).toBe(true);
  });

  test('rejects an unknown status and a non-UUID id', () => {
    expect(validateLedgerEvent({ ...stored, status: 'approved' })).toEqual({
      ok: false,
      problems: [{ field: 'status', code: 'badStatus' }],
    });
    expect(validateLedgerEvent({ ...stored, id: '42' })).toEqual({ ok: false, problems: [{ field: 'id', code: 'badId' }] });
  });
});

describe('reference checks against the taxonomy and the region pack', () => {
  const ctx = {
    taxonomy: DEFAULT_TAXONOMY,
    townshipCodes: townshipCodesOf(pack),
    villageTownship: villageTownshipMapOf(pack),
  };

  test('finds nothing wrong with codes that exist', () => {
    expect(checkEventReferences(validContent(), ctx)).toEqual([]);
  });

  test('names each unknown code and a village outside its township', () => {
    const c = {
      ...validContent(),
      format: 'rocket-launch',
      themes: ['sci-tech', 'astrology'],
      materials: [{ kind: 'gold-bar', count: 1 }],
      townshipCode: '441323109000',
      villageCode: '441323001001', // 园岭社区 is in 平山街道, not 吉隆镇
    };
    expect(checkEventReferences(c, ctx)).toEqual([
      { field: 'format', code: 'unknownCode' },
      { field: 'themes.1', code: 'unknownCode' },
      { field: 'materials.0.kind', code: 'unknownCode' },
      { field: 'villageCode', code: 'villageNotInTownship' },
    ]);
  });

  test('rejects a township code that is well formed but not in the county', () => {
    expect(checkEventReferences({ ...validContent(), townshipCode: '441302001000' }, ctx)).toEqual([{ field: 'townshipCode', code: 'unknownTownship' }]);
  });
});

describe('instants that cannot be true', () => {
  // Valibot's isoTimestamp takes any day 01–31, and V8's Date.parse rolls 2024-02-30 over to 1 March.
  const bad: [string, string, string][] = [
    ['30 February of a leap year', '2024-02-30T09:00:00+08:00', 'noSuchDate'],
    ['31 February', '2024-02-31T09:00:00Z', 'noSuchDate'],
    ['29 February of a common year', '2023-02-29T09:00:00+08:00', 'noSuchDate'],
    ['29 February 2100 (not a leap year)', '2100-02-29T09:00:00+08:00', 'noSuchDate'],
    ['31 April', '2024-04-31T09:00:00+08:00', 'noSuchDate'],
    ['31 June with a space for the T', '2024-06-31 09:00:00+08:00', 'noSuchDate'],
    ['an offset without minutes (Date.parse cannot read it)', '2024-05-20T09:00:00+08', 'badTime'],
    ['a space before the offset (Date.parse cannot read it)', '2024-05-20T09:00:00 +08:00', 'badTime'],
    ['an offset no zone uses (+15:00)', '2024-05-20T09:00:00+15:00', 'badTime'],
    ['an offset no zone uses (-13:00)', '2024-05-20T09:00:00-13:00', 'badTime'],
    ['the 13th month', '2024-13-01T09:00:00+08:00', 'badTime'],
  ];

  test.each(bad)('refuses %s as the start: %s → %s', (_name, startAt, code) => {
    const r = validateEventContent({ ...validContent(), startAt, endAt: '2024-05-20T11:30:00+08:00' });
    expect(r).toEqual({ ok: false, problems: [{ field: 'startAt', code }] });
  });

  test('refuses a date that does not exist as the end, and both at once', () => {
    expect(validateEventContent({ ...validContent(), endAt: '2023-02-30T11:30:00+08:00' })).toEqual({
      ok: false,
      problems: [{ field: 'endAt', code: 'noSuchDate' }],
    });
    expect(validateEventContent({ ...validContent(), startAt: '2023-02-30T09:00:00+08:00', endAt: '2023-02-30T11:30:00+08:00' })).toEqual({
      ok: false,
      problems: [
        { field: 'startAt', code: 'noSuchDate' },
        { field: 'endAt', code: 'noSuchDate' },
      ],
    });
  });

  // The calendar date is the one written, before the offset: a real local date whose UTC instant
  // falls on another day is fine.
  const good: [string, string][] = [
    ['29 February 2024 late in the evening at UTC−8 (1 March in UTC)', '2024-02-29T23:30:00-08:00'],
    ['1 March 2024 just after midnight in Huidong (29 February in UTC)', '2024-03-01T00:30:00+08:00'],
    ['29 February 2000 (divisible by 400)', '2000-02-29T10:00:00+08:00'],
    ['31 December', '2024-12-31T23:59:59+08:00'],
    ['nanoseconds at UTC+14', '2024-05-20T09:00:00.123456789+14:00'],
    ['UTC−12 with a compact offset and a space for the T', '2024-05-20 09:00:00-1200'],
  ];

  test.each(good)('accepts %s', (_name, at) => {
    const c = { ...validContent(), startAt: at, endAt: at };
    expect(validateEventContent(c)).toEqual({ ok: true, value: c });
  });

  test('holds the review and bookkeeping instants of a stored event to the same rule', () => {
    const r = validateLedgerEvent({
      ...storedEvent(),
      status: 'reviewed',
      reviewedBy: 'u-staff',
      reviewedAt: '2023-02-29T10:00:00+08:00',
      createdAt: '2023-04-31T12:00:00+08:00',
    });
    expect(r).toEqual({
      ok: false,
      problems: [
        { field: 'reviewedAt', code: 'noSuchDate' },
        { field: 'createdAt', code: 'noSuchDate' },
      ],
    });
  });
});

describe('a start in the future', () => {
  const NOW = Date.parse('2026-12-03T09:00:00+08:00');
  const at = (startAt: string, endAt = startAt) => ({ ...validContent(), startAt, endAt });

  test('is refused when it lies two days past the clock: a planned event is not a logged one', () => {
    expect(validateEventContent(at('2026-12-05T09:00:00+08:00', '2026-12-05T11:00:00+08:00'), { now: NOW })).toEqual({
      ok: false,
      problems: [{ field: 'startAt', code: 'startInFuture' }],
    });
  });

  test('is allowed up to a day ahead (logged the evening before) and refused a minute later', () => {
    expect(validateEventContent(at('2026-12-04T09:00:00+08:00'), { now: NOW }).ok).toBe(true);
    expect(validateEventContent(at('2026-12-04T01:01:00Z'), { now: NOW })).toEqual({ ok: false, problems: [{ field: 'startAt', code: 'startInFuture' }] });
  });

  test('is judged by the clock the caller passes; without one there is no clock check', () => {
    const c = at('2026-12-05T09:00:00+08:00');
    expect(validateEventContent(c)).toEqual({ ok: true, value: c });
    expect(validateEventContent(c, { now: Date.parse('2026-12-05T08:00:00+08:00') })).toEqual({ ok: true, value: c });
  });

  test('leaves a past start with an end still to come alone (an exhibition that runs on)', () => {
    const c = at('2026-12-02T09:00:00+08:00', '2026-12-20T17:00:00+08:00');
    expect(validateEventContent(c, { now: NOW })).toEqual({ ok: true, value: c });
  });

  test('is reported beside the other fields’ problems, so the form marks them all at once', () => {
    expect(validateEventContent({ ...at('2027-01-10T09:00:00+08:00'), title: '', attendance: -1 }, { now: NOW })).toEqual({
      ok: false,
      problems: [
        { field: 'title', code: 'required' },
        { field: 'attendance', code: 'negative' },
        { field: 'startAt', code: 'startInFuture' },
      ],
    });
  });

  test('is refused in a stored event too (the server passes its own clock)', () => {
    expect(validateLedgerEvent({ ...storedEvent(), startAt: '2026-12-05T09:00:00+08:00', endAt: '2026-12-05T11:00:00+08:00' }, { now: NOW })).toEqual({
      ok: false,
      problems: [{ field: 'startAt', code: 'startInFuture' }],
    });
  });
});

describe('required text that shows nothing', () => {
  const invisible: [string, string][] = [
    ['a zero-width space', '\u200B'],
    ['zero-width space, non-joiner and joiner', '\u200B\u200C\u200D'],
    ['a word joiner', '\u2060'],
    ['a byte order mark', '\uFEFF'],
    ['a soft hyphen', '\u00AD'],
    ['left-to-right and right-to-left marks', '\u200E\u200F'],
    ['a bidi embedding and its pop', '\u202A\u202C'],
    ['a bidi isolate and its pop', '\u2066\u2069'],
    ['the Arabic letter mark', '\u061C'],
    ['ideographic spaces', '\u3000\u3000'],
    ['a no-break space and a zero-width space', '\u00A0\u200B'],
    ['spaces around zero-width characters', ' \u200B\u3000\u2060 '],
    ['a Hangul filler', '\u3164'],
    ['the blank Braille pattern', '\u2800'],
    ['a variation selector', '\uFE0F'],
    ['a control character', '\u0007'],
  ];

  test.each(invisible)('refuses a title of only %s as required', (_name, title) => {
    expect(validateEventContent({ ...validContent(), title })).toEqual({ ok: false, problems: [{ field: 'title', code: 'required' }] });
  });

  test('refuses volunteer and partner names that show nothing', () => {
    expect(
      validateEventContent({
        ...validContent(),
        volunteers: [
          { name: '陈晓红', userId: null, hours: 3 },
          { name: '\u200B\u200D', userId: null, hours: 2 },
        ],
        partners: ['\u3000\u200B', '吉隆镇中心小学'],
      }),
    ).toEqual({
      ok: false,
      problems: [
        { field: 'volunteers.1.name', code: 'required' },
        { field: 'partners.0', code: 'required' },
      ],
    });
  });

  const legitimate: [string, string][] = [
    ['an emoji family held together by zero-width joiners', '👨\u200D👩\u200D👧 亲子科普日'],
    ['a right-to-left name with its marks', '科普讲座 \u200Fمرحبا\u200F'],
    ['an ideographic space inside', '科普\u3000讲座'],
    ['a soft hyphen inside a word', 'Wissen\u00ADschaft'],
    ['a single visible character between invisible ones', '\u200B科\u200B'],
  ];

  test.each(legitimate)('keeps %s exactly as typed', (_name, title) => {
    const c = { ...validContent(), title, volunteers: [{ name: title.slice(0, 40), userId: null, hours: 1 }], partners: [title] };
    expect(validateEventContent(c)).toEqual({ ok: true, value: c });
  });
});
