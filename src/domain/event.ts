/**
 * The ledger event (活动): one outreach occasion, as logged on a phone and kept by the server.
 *
 * Glossary (one English word per concept, everywhere in the code):
 * - format 活动形式, venue 场所, campaign 专项 (全国科普日 …), themes 主题
 * - township 乡镇/街道 (12-digit statistical code), village 村/社区
 * - attendance 惠及群众 (人次), onlineAttendance 线上人次, audience 受众构成
 * - materials 宣传资料 (kind + count 份), volunteers 志愿者, partners 协办单位
 * - status: draft 草稿 → submitted 已提交 → reviewed 审核通过 | returned 退回
 *
 * Every key is always present (optional values are `null`), so a field-level merge can treat the
 * record as a flat map of field → value, and a cleared value is a value like any other. The one
 * exception is `importBatch`, absent on events that were never imported (see its schema).
 */
import * as v from 'valibot';
import { hasCode, type Taxonomy } from './taxonomy.js';
import { toProblems, type Problem, type Result } from './problems.js';
import { parseInstant } from './instant.js';
import { hasVisibleText } from './visible-text.js';

/** Bounds that reject absurd input; a county's event never comes near them. */
export const EVENT_LIMITS = {
  titleMax: 100,
  notesMax: 4000,
  venueNameMax: 100,
  attendanceMax: 1_000_000,
  materialCountMax: 10_000_000,
  materialsMax: 30,
  themesMax: 20,
  volunteersMax: 200,
  volunteerHoursMax: 744,
  partnersMax: 30,
  partnerNameMax: 100,
  photosMax: 12,
  distanceKmMax: 10_000,
  earliestYear: 2000,
  latestYear: 2100,
  maxDurationDays: 366,
  /** How far past the clock a start may lie: an event starting tomorrow morning is logged the evening before, a planned one is not logged. */
  maxStartAheadHours: 24,
} as const;

/** Nothing typed (a missing key, or null where a number is required) is 'required'; anything else not a number, NaN included, is 'notNumber'. */
const numberMessage = (issue: { input: unknown }) => (issue.input === null || issue.input === undefined ? 'required' : 'notNumber');
const code = v.pipe(v.string('required'), v.minLength(1, 'required'), v.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'badCode'));
const count = (max: number) => v.pipe(v.number(numberMessage), v.integer('notInteger'), v.minValue(0, 'negative'), v.maxValue(max, 'tooLarge'));
const positiveCount = (max: number) => v.pipe(v.number(numberMessage), v.integer('notInteger'), v.minValue(1, 'notPositive'), v.maxValue(max, 'tooLarge'));
const text = (max: number) => v.pipe(v.string('notText'), v.maxLength(max, 'tooLong'));
/** Text a person must give, trimmed; that it shows something is checked on the record (valueProblems). */
const requiredText = (max: number) => v.pipe(v.string('required'), v.trim(), v.minLength(1, 'required'), v.maxLength(max, 'tooLong'));

/**
 * ISO 8601 instant with an explicit offset (or Z) that Date.parse reads, inside the plausible
 * years. Whether its date exists is checked on the record (valueProblems).
 */
const instant = v.pipe(
  v.string('required'),
  v.minLength(1, 'required'),
  v.isoTimestamp('badTime'),
  // The shape allows forms V8 cannot read ("+08" without minutes, a space before the offset).
  v.check((s) => !Number.isNaN(Date.parse(s)), 'badTime'),
  // Bounds widened by a day on each side so that no time zone's 1 January 00:00 falls outside.
  v.check((s) => {
    const ms = Date.parse(s);
    return ms >= Date.UTC(EVENT_LIMITS.earliestYear - 1, 11, 31) && ms < Date.UTC(EVENT_LIMITS.latestYear + 1, 0, 2);
  }, 'implausibleTime'),
);

/** A statistical code of a township-level unit: 12 digits. */
export const townshipCodeSchema = v.pipe(v.string('required'), v.minLength(1, 'required'), v.regex(/^\d{12}$/, 'badTownshipCode'));
const villageCodeSchema = v.pipe(v.string(), v.regex(/^\d{12}$/, 'badVillageCode'));
const sha256Schema = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'badPhotoHash'));

/** A located point in WGS-84: from the phone's GPS or tapped on the map. */
export const geoPointSchema = v.strictObject({
  lat: v.pipe(v.number('notNumber'), v.minValue(-90, 'badLatitude'), v.maxValue(90, 'badLatitude')),
  lon: v.pipe(v.number('notNumber'), v.minValue(-180, 'badLongitude'), v.maxValue(180, 'badLongitude')),
  accuracyM: v.nullable(v.pipe(v.number('notNumber'), v.minValue(0, 'negative'), v.maxValue(100_000, 'tooLarge'))),
  source: v.picklist(['gps', 'map'], 'badPointSource'),
});
export type GeoPoint = v.InferOutput<typeof geoPointSchema>;

/** One kind of material handed out and how many (份). */
export const materialLineSchema = v.strictObject({ kind: code, count: positiveCount(EVENT_LIMITS.materialCountMax) });
export type MaterialLine = v.InferOutput<typeof materialLineSchema>;

/** One audience group and its size (人次). */
export const audienceLineSchema = v.strictObject({ kind: code, count: count(EVENT_LIMITS.attendanceMax) });
export type AudienceLine = v.InferOutput<typeof audienceLineSchema>;

/** A volunteer on the roster re-entered into i志愿/志愿汇: a name and hours, never an ID number. */
export const volunteerLineSchema = v.strictObject({
  name: requiredText(40),
  userId: v.nullable(v.pipe(v.string(), v.maxLength(64, 'tooLong'))),
  hours: v.pipe(v.number('notNumber'), v.minValue(0, 'negative'), v.maxValue(EVENT_LIMITS.volunteerHoursMax, 'tooLarge')),
});
export type VolunteerLine = v.InferOutput<typeof volunteerLineSchema>;

/** Review states; reports can count `reviewed` only. */
export const EVENT_STATUSES = ['draft', 'submitted', 'reviewed', 'returned'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/** The fields a volunteer edits in the form. */
export const eventContentEntries = {
  title: requiredText(EVENT_LIMITS.titleMax),
  notes: text(EVENT_LIMITS.notesMax),
  startAt: instant,
  endAt: instant,
  format: code,
  venue: code,
  campaign: v.nullable(code),
  themes: v.pipe(
    v.array(code, 'notList'),
    v.maxLength(EVENT_LIMITS.themesMax, 'tooMany'),
    v.check((xs) => new Set(xs).size === xs.length, 'duplicate'),
  ),
  townshipCode: townshipCodeSchema,
  villageCode: v.nullable(villageCodeSchema),
  venueName: text(EVENT_LIMITS.venueNameMax),
  point: v.nullable(geoPointSchema),
  attendance: count(EVENT_LIMITS.attendanceMax),
  onlineAttendance: v.nullable(count(EVENT_LIMITS.attendanceMax)),
  audience: v.pipe(v.array(audienceLineSchema, 'notList'), v.maxLength(20, 'tooMany')),
  materials: v.pipe(v.array(materialLineSchema, 'notList'), v.maxLength(EVENT_LIMITS.materialsMax, 'tooMany')),
  volunteers: v.pipe(v.array(volunteerLineSchema, 'notList'), v.maxLength(EVENT_LIMITS.volunteersMax, 'tooMany')),
  volunteerCount: v.nullable(count(10_000)),
  partners: v.pipe(v.array(requiredText(EVENT_LIMITS.partnerNameMax), 'notList'), v.maxLength(EVENT_LIMITS.partnersMax, 'tooMany')),
  distanceKm: v.nullable(v.pipe(v.number('notNumber'), v.minValue(0, 'negative'), v.maxValue(EVENT_LIMITS.distanceKmMax, 'tooLarge'))),
  photos: v.pipe(v.array(sha256Schema, 'notList'), v.maxLength(EVENT_LIMITS.photosMax, 'tooMany')),
} as const;

/** The review fields: set by staff (reviewed/returned) or the author (draft/submitted). */
export const eventReviewEntries = {
  status: v.picklist(EVENT_STATUSES, 'badStatus'),
  reviewNote: v.nullable(text(500)),
  reviewedBy: v.nullable(v.pipe(v.string(), v.maxLength(64, 'tooLong'))),
  reviewedAt: v.nullable(instant),
} as const;

/** Bookkeeping the app and server maintain; never typed by a person. */
export const eventBookkeepingEntries = {
  id: v.pipe(v.string('required'), v.uuid('badId')),
  orgId: v.pipe(v.string('required'), v.maxLength(64, 'tooLong')),
  createdBy: v.pipe(v.string('required'), v.maxLength(64, 'tooLong')),
  createdAt: instant,
  updatedBy: v.pipe(v.string('required'), v.maxLength(64, 'tooLong')),
  updatedAt: instant,
  deleted: v.boolean('notBoolean'),
  rev: v.pipe(v.number(), v.integer(), v.minValue(0)),
} as const;

/**
 * Where an imported event came from (导入批次): the batch (one import of one file), the file's
 * name, its sheet row, the row's import key (domain/import-key.ts), when and by whom (display
 * name at the time, so every staff device can show it). It travels on the event itself, so a
 * batch is seen and undone on every device that holds its events. Optional and without a
 * default: events stored before it existed (Dexie rows, the server's JSON) and events never
 * imported simply lack it, so their stored, pushed and pulled form is unchanged.
 */
export const importBatchRefSchema = v.strictObject({
  id: v.pipe(v.string('required'), v.uuid('badId')),
  file: v.pipe(v.string('notText'), v.maxLength(200, 'tooLong')),
  row: v.pipe(v.number('notNumber'), v.integer('notInteger'), v.minValue(1, 'notPositive'), v.maxValue(10_000_000, 'tooLarge')),
  key: v.pipe(v.string('required'), v.regex(/^[0-9a-f]{64}$/, 'invalid')),
  at: instant,
  by: v.pipe(v.string('notText'), v.maxLength(64, 'tooLong')),
});
export type ImportBatchRef = v.InferOutput<typeof importBatchRefSchema>;

/** Provenance: set by the import, never by the form (so it is not part of EventContent). */
export const eventProvenanceEntries = {
  importBatch: v.optional(v.nullable(importBatchRefSchema)),
} as const;

const contentObject = v.strictObject(eventContentEntries);
/** What the form edits, field by field; `validateEventContent` adds the cross-field checks. */
export const eventContentSchema = contentObject;
export type EventContent = v.InferOutput<typeof contentObject>;

/** A whole stored event, as IndexedDB, the wire and SQL hold it. */
export const ledgerEventSchema = v.strictObject({ ...eventContentEntries, ...eventReviewEntries, ...eventProvenanceEntries, ...eventBookkeepingEntries });
export type LedgerEvent = v.InferOutput<typeof ledgerEventSchema>;

/** Checks that need two fields at once, reported on the field a person would fix. */
export function crossFieldProblems(e: EventContent): Problem[] {
  const problems: Problem[] = [];
  const start = Date.parse(e.startAt);
  const end = Date.parse(e.endAt);
  if (end < start) problems.push({ field: 'endAt', code: 'endBeforeStart' });
  else if (end - start > EVENT_LIMITS.maxDurationDays * 86_400_000) problems.push({ field: 'endAt', code: 'durationTooLong' });
  if (e.audience.reduce((s, a) => s + a.count, 0) > e.attendance) {
    problems.push({ field: 'audience', code: 'audienceExceedsAttendance' });
  }
  return problems;
}

/** Field names a mutation may set: content, review and provenance, never bookkeeping. */
export const EVENT_MUTABLE_FIELDS = [...Object.keys(eventContentEntries), ...Object.keys(eventReviewEntries), ...Object.keys(eventProvenanceEntries)] as (
  keyof EventContent | keyof typeof eventReviewEntries | keyof typeof eventProvenanceEntries
)[];
export type EventMutableField = (typeof EVENT_MUTABLE_FIELDS)[number];
export type EventFields = Pick<LedgerEvent, EventMutableField>;

/**
 * A partial set of mutable fields, as a mutation carries it; every given field well formed alone.
 * What a well-formed value means (a date that exists, text that shows, the start against the
 * clock, the cross-field rules) is judged on the whole record by validateEventContent and
 * validateLedgerEvent, so the server refuses such a value as one mutation with its codes
 * (planPush validates the merged row) instead of refusing the whole push.
 */
export const eventPatchSchema = v.partial(v.strictObject({ ...eventContentEntries, ...eventReviewEntries, ...eventProvenanceEntries }));
export type EventPatch = v.InferOutput<typeof eventPatchSchema>;

/** What validation needs from the world beyond the input. */
export interface EventValidationOptions {
  /**
   * The clock (ms since the epoch) of whoever validates: the phone's, or the server's time of the
   * push. When given, a start more than `maxStartAheadHours` after it is refused ('startInFuture'):
   * a planned event is not a logged one, and it would be counted in a month (or year) that has not
   * happened. Leave it out when the start is not being set: an event that was valid when logged
   * stays editable whatever its start.
   */
  now?: number;
}

/** Every field of a stored event that holds an instant. */
const INSTANT_FIELDS = ['startAt', 'endAt', 'reviewedAt', 'createdAt', 'updatedAt'] as const;

/**
 * What a well-formed value cannot be: an instant on a date that does not exist (2024-02-30, which
 * Date.parse reads as 1 March) or at an offset no zone uses, required text that shows nothing (a
 * title of zero-width spaces), a start more than a day past `now`. Looks only at fields whose own
 * schema passed (`failed` holds the others), on the raw input, so it runs even when other fields
 * are wrong and the form marks everything at once.
 */
function valueProblems(input: object, failed: ReadonlySet<string>, opts: EventValidationOptions): Problem[] {
  const rec = input as Record<string, unknown>;
  const problems: Problem[] = [];
  const ok = (field: string) => !failed.has(field);
  const needsText = (field: string, value: unknown) => {
    if (ok(field) && typeof value === 'string' && !hasVisibleText(value)) problems.push({ field, code: 'required' });
  };
  needsText('title', rec.title);
  for (const field of INSTANT_FIELDS) {
    const value = rec[field];
    if (!ok(field) || typeof value !== 'string') continue;
    const r = parseInstant(value);
    if (!r.ok) problems.push({ field, code: r.code });
    else if (field === 'startAt' && opts.now !== undefined && r.ms - opts.now > EVENT_LIMITS.maxStartAheadHours * 3_600_000) {
      problems.push({ field, code: 'startInFuture' });
    }
  }
  if (Array.isArray(rec.volunteers)) {
    rec.volunteers.forEach((line: unknown, i) => {
      if (typeof line === 'object' && line !== null) needsText(`volunteers.${i}.name`, (line as { name?: unknown }).name);
    });
  }
  if (Array.isArray(rec.partners)) rec.partners.forEach((name: unknown, i) => needsText(`partners.${i}`, name));
  return problems;
}

/**
 * Field problems (form), then value problems (meaning), then the cross-field checks, which run
 * only once every field is valid (a rolled-over date would give them nonsense to compare).
 */
function validateWith<T extends EventContent>(schema: v.GenericSchema<unknown, T>, input: unknown, opts: EventValidationOptions): Result<T> {
  const r = v.safeParse(schema, input, { abortPipeEarly: true });
  const problems = r.success ? [] : toProblems(r.issues);
  if (typeof input === 'object' && input !== null) problems.push(...valueProblems(input, new Set(problems.map((p) => p.field)), opts));
  if (!r.success || problems.length) return { ok: false, problems };
  const cross = crossFieldProblems(r.output);
  return cross.length ? { ok: false, problems: cross } : { ok: true, value: r.output };
}

/** Validates the form's content; problems come back as field + code for the UI to translate. */
export function validateEventContent(input: unknown, opts: EventValidationOptions = {}): Result<EventContent> {
  return validateWith(eventContentSchema, input, opts);
}

/** Validates a whole stored event (the server's check before it writes). */
export function validateLedgerEvent(input: unknown, opts: EventValidationOptions = {}): Result<LedgerEvent> {
  return validateWith(ledgerEventSchema, input, opts);
}

/** What the reference checks need to know: the taxonomy and the region's codes. */
export interface ReferenceContext {
  readonly taxonomy: Taxonomy;
  readonly townshipCodes: ReadonlySet<string>;
  /** Village code → township code; omit to skip the village check. */
  readonly villageTownship?: ReadonlyMap<string, string>;
}

/** Checks that every code an event names exists in the taxonomy and the region pack. */
export function checkEventReferences(e: EventContent, ctx: ReferenceContext): Problem[] {
  const problems: Problem[] = [];
  const t = ctx.taxonomy;
  if (!hasCode(t, 'formats', e.format)) problems.push({ field: 'format', code: 'unknownCode' });
  if (!hasCode(t, 'venues', e.venue)) problems.push({ field: 'venue', code: 'unknownCode' });
  if (e.campaign !== null && !hasCode(t, 'campaigns', e.campaign)) problems.push({ field: 'campaign', code: 'unknownCode' });
  e.themes.forEach((th, i) => {
    if (!hasCode(t, 'themes', th)) problems.push({ field: `themes.${i}`, code: 'unknownCode' });
  });
  e.materials.forEach((m, i) => {
    if (!hasCode(t, 'materialKinds', m.kind)) problems.push({ field: `materials.${i}.kind`, code: 'unknownCode' });
  });
  e.audience.forEach((a, i) => {
    if (!hasCode(t, 'audienceKinds', a.kind)) problems.push({ field: `audience.${i}.kind`, code: 'unknownCode' });
  });
  if (!ctx.townshipCodes.has(e.townshipCode)) problems.push({ field: 'townshipCode', code: 'unknownTownship' });
  if (e.villageCode !== null && ctx.villageTownship) {
    const owner = ctx.villageTownship.get(e.villageCode);
    if (owner === undefined) problems.push({ field: 'villageCode', code: 'unknownVillage' });
    else if (owner !== e.townshipCode) problems.push({ field: 'villageCode', code: 'villageNotInTownship' });
  }
  return problems;
}

/** Total materials handed out at an event (份). */
export function materialsTotal(e: Pick<LedgerEvent, 'materials'>): number {
  return e.materials.reduce((s, m) => s + m.count, 0);
}

/**
 * Blank content starting at `startAt` (ISO with offset): empty texts and codes, no lists, counts 0.
 * A base to build content on; it is not what the form starts from: there attendance is empty until
 * typed (see app/components/event/event-content.ts), since a 0 nobody typed would be saved unread.
 */
export function emptyEventContent(startAt: string, endAt = startAt): EventContent {
  return {
    title: '',
    notes: '',
    startAt,
    endAt,
    format: '',
    venue: '',
    campaign: null,
    themes: [],
    townshipCode: '',
    villageCode: null,
    venueName: '',
    point: null,
    attendance: 0,
    onlineAttendance: null,
    audience: [],
    materials: [],
    volunteers: [],
    volunteerCount: null,
    partners: [],
    distanceKm: null,
    photos: [],
  };
}

/** Picks the mutable fields out of a stored event (an absent optional one stays absent). */
export function eventFieldsOf(e: LedgerEvent): EventFields {
  const out: Record<string, unknown> = {};
  for (const k of EVENT_MUTABLE_FIELDS) if (e[k] !== undefined) out[k] = e[k];
  return out as EventFields;
}
