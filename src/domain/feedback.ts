/**
 * 群众意见反映渠道 (issue 15): the public's feedback on events (活动评价) and the association's
 * general channel (意见箱), plus what staff log from calls, letters and visits; the states, the
 * deadlines of the 信访工作条例 (defaults: accept within 15 days, reply within 60 days of
 * acceptance, one extension of up to 30 days), masking of contact numbers and the year's figures.
 *
 * Pure: schemas, types and rules shared by the server (src/server), the staff screens and the
 * public page. The contract with the staff side is /work/notes/feedback-contract.md (summarised in
 * src/server/README.md, "Feedback").
 */
import * as v from 'valibot';
import { yearOf, zonedParts } from './year.js';

// ---------------------------------------------------------------------------------------------
// Words

export const FEEDBACK_STATES = ['received', 'accepted', 'inProgress', 'replied', 'closed', 'rejected'] as const;
export type FeedbackState = (typeof FEEDBACK_STATES)[number];

export const FEEDBACK_CHANNELS = ['event', 'box', 'phone', 'letter', 'visit'] as const;
export type FeedbackChannel = (typeof FEEDBACK_CHANNELS)[number];
/** Channels staff log by hand (来电 / 来信 / 来访). */
export const STAFF_CHANNELS = ['phone', 'letter', 'visit'] as const;
export type StaffChannel = (typeof STAFF_CHANNELS)[number];

export const FEEDBACK_CATEGORIES = ['suggestion', 'complaint', 'inquiry', 'praise'] as const;
export type FeedbackCategory = (typeof FEEDBACK_CATEGORIES)[number];

/** 5 非常满意 … 1 非常不满意. */
export const SATISFACTION_LEVELS = [5, 4, 3, 2, 1] as const;
export type Satisfaction = 1 | 2 | 3 | 4 | 5;

/** zh-CN words, for the public page, exports and as the staff screens' fallback. */
export const FEEDBACK_STATE_ZH: Record<FeedbackState, string> = {
  received: '待受理',
  accepted: '已受理',
  inProgress: '办理中',
  replied: '已答复',
  closed: '已办结',
  rejected: '不予受理',
};
export const FEEDBACK_CHANNEL_ZH: Record<FeedbackChannel, string> = {
  event: '活动评价',
  box: '意见箱',
  phone: '来电',
  letter: '来信',
  visit: '来访',
};
export const FEEDBACK_CATEGORY_ZH: Record<FeedbackCategory, string> = {
  suggestion: '意见建议',
  complaint: '投诉',
  inquiry: '咨询',
  praise: '表扬',
};
export const SATISFACTION_ZH: Record<Satisfaction, string> = {
  5: '非常满意',
  4: '满意',
  3: '一般',
  2: '不满意',
  1: '非常不满意',
};

export const FEEDBACK_LIMITS = {
  likedMax: 500,
  suggestMax: 500,
  textMax: 2000,
  staffTextMax: 5000,
  commentMax: 500,
  noteMax: 2000,
  replyMax: 5000,
  reasonMax: 500,
  phoneMax: 20,
  /** Characters of the text in a list row. */
  listTextMax: 80,
  /** Due soon: this many days or fewer left. */
  dueSoonDays: 3,
  /** Public POST body limit (bytes). */
  publicBodyBytes: 8 * 1024,
} as const;

// ---------------------------------------------------------------------------------------------
// Codes

/** The invite-code alphabet (src/server/auth/tokens.ts): no 0/O, 1/I/L. 31 symbols. */
export const FEEDBACK_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const FEEDBACK_CODE_LENGTH = 8;
export const QUERY_CODE_LENGTH = 10;

/** cyrb53: a fast 53-bit string hash (public domain, bryc). Deterministic on every engine. */
function hash53(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * The public code of an event (or, given the org id, of the org's 意见箱): 8 symbols of the
 * invite-code alphabet (≈ 39.6 bits) derived from the uuid, so a phone draws the QR code offline
 * before the event has ever synced. Not a secret (it is printed on posters); a collision between
 * two events is unlikely (≈ 1 in 17 million for two given ids) and the server resolves a code to
 * the first event that claimed it.
 */
export function feedbackCodeOf(id: string): string {
  let n = hash53(`kepu-feedback:${id.trim().toLowerCase()}`);
  let s = '';
  for (let i = 0; i < FEEDBACK_CODE_LENGTH; i++) {
    s += FEEDBACK_CODE_ALPHABET[n % 31];
    n = Math.floor(n / 31);
  }
  return s;
}

/** A typed or scanned code, upper-cased without spaces or dashes. */
export function normalizeFeedbackCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Whether a normalised string has the shape of an event/box code. */
export function isFeedbackCode(code: string): boolean {
  return new RegExp(`^[${FEEDBACK_CODE_ALPHABET}]{${FEEDBACK_CODE_LENGTH}}$`).test(code);
}

/** Whether a normalised string has the shape of a 查询码. */
export function isQueryCode(code: string): boolean {
  return new RegExp(`^[${FEEDBACK_CODE_ALPHABET}]{${QUERY_CODE_LENGTH}}$`).test(code);
}

/** The public link of a code: `<origin>/f/<code>`. */
export function feedbackLinkOf(origin: string, code: string): string {
  return `${origin.replace(/\/+$/, '')}/f/${code}`;
}

/** 编号: per org and year, "2026-0001". */
export function feedbackRefOf(year: number, seq: number): string {
  return `${year}-${String(seq).padStart(4, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Phone numbers

/** A mainland mobile (1[3-9]x, 11 digits) or landline (0xx(x)-7/8 digits, optional extension). */
const PHONE_RE = /^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)$/;

/** Drops spaces and a +86 / 86 prefix; keeps the dashes of a landline. */
export function normalizePhone(phone: string): string {
  let p = phone.replace(/[\s()（）]/g, '');
  if (p.startsWith('+86')) p = p.slice(3);
  else if (/^861[3-9]\d{9}$/.test(p)) p = p.slice(2);
  return p.replace(/^-+/, '');
}

export function isPhone(phone: string): boolean {
  return PHONE_RE.test(phone);
}

/** A contact number as lists show it: 138****1234; a landline keeps its area code and last 4. */
export function maskPhone(phone: string | null): string | null {
  if (phone === null || phone === '') return phone;
  const digits = phone.replace(/\D/g, '');
  if (/^1\d{10}$/.test(digits)) return `${digits.slice(0, 3)}****${digits.slice(7)}`;
  if (digits.length <= 4) return '*'.repeat(digits.length);
  const area = phone.includes('-') ? phone.slice(0, phone.indexOf('-')) : digits.slice(0, 3);
  const last = digits.slice(-4);
  return `${area}-****${last}`;
}

// ---------------------------------------------------------------------------------------------
// Schemas

/** Free text: a string, trimmed, control characters other than newline/tab dropped. */
function freeText(max: number) {
  return v.pipe(
    v.string('notText'),
    v.transform((s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim()),
    v.maxLength(max, 'tooLong'),
  );
}

const satisfactionSchema = v.pipe(v.number('notNumber'), v.integer('notInteger'), v.minValue(1, 'tooSmall'), v.maxValue(5, 'tooLarge'));
const categorySchema = v.picklist(FEEDBACK_CATEGORIES, 'badCategory');
const phoneSchema = v.pipe(
  v.string('notText'),
  v.maxLength(FEEDBACK_LIMITS.phoneMax + 10, 'tooLong'),
  v.transform(normalizePhone),
  v.maxLength(FEEDBACK_LIMITS.phoneMax, 'tooLong'),
  v.check((p) => p === '' || isPhone(p), 'badPhone'),
);
const uuidSchema = v.pipe(v.string('required'), v.toLowerCase(), v.uuid('badId'));
const codeSchema = v.pipe(v.string('required'), v.maxLength(40, 'tooLong'), v.transform(normalizeFeedbackCode), v.check(isFeedbackCode, 'badCode'));

/** POST /api/public/feedback: what the public page sends. */
export const publicFeedbackRequestSchema = v.pipe(
  v.strictObject({
    code: codeSchema,
    clientId: uuidSchema,
    satisfaction: v.optional(v.nullable(satisfactionSchema)),
    liked: v.optional(freeText(FEEDBACK_LIMITS.likedMax), ''),
    suggest: v.optional(freeText(FEEDBACK_LIMITS.suggestMax), ''),
    text: v.optional(freeText(FEEDBACK_LIMITS.textMax), ''),
    category: v.optional(v.nullable(categorySchema)),
    phone: v.optional(phoneSchema, ''),
    consent: v.optional(v.boolean('notBoolean'), false),
    /** Honeypot: people never see it; a bot fills it. */
    website: v.optional(v.string('notText'), ''),
  }),
  v.check((o) => (o.satisfaction ?? null) !== null || o.liked !== '' || o.suggest !== '' || o.text !== '', 'empty'),
  v.forward(
    v.partialCheck([['phone'], ['consent']], (o) => o.phone === '' || o.consent === true, 'consentRequired'),
    ['consent'],
  ),
);
export type PublicFeedbackRequest = v.InferOutput<typeof publicFeedbackRequestSchema>;

/** 201 answer of POST /api/public/feedback. */
export interface PublicFeedbackAnswer {
  queryCode: string;
  ref: string;
}

/** GET /api/public/feedback/target/:code. */
export interface FeedbackTarget {
  kind: 'event' | 'box';
  orgName: string;
  event?: { title: string; date: string; townshipName: string };
}

/** GET /api/public/feedback/:queryCode. */
export interface PublicFeedbackStatus {
  ref: string;
  state: FeedbackState;
  receivedAt: string;
  category: FeedbackCategory | null;
  channel: FeedbackChannel;
  event?: { title: string; date: string };
  reply?: { text: string; at: string };
  followUp?: { satisfaction: Satisfaction; at: string };
  /** Whether the page may ask 回访满意度 now. */
  canFollowUp: boolean;
}

/** POST /api/public/feedback/:queryCode/follow-up. */
export const followUpRequestSchema = v.strictObject({
  satisfaction: satisfactionSchema,
  comment: v.optional(freeText(FEEDBACK_LIMITS.commentMax), ''),
});
export type FollowUpRequest = v.InferOutput<typeof followUpRequestSchema>;

/** POST /api/feedback: staff log a call, letter or visit. */
export const staffFeedbackRequestSchema = v.pipe(
  v.strictObject({
    channel: v.picklist(STAFF_CHANNELS, 'badChannel'),
    category: categorySchema,
    text: v.pipe(freeText(FEEDBACK_LIMITS.staffTextMax), v.minLength(1, 'required')),
    eventId: v.optional(v.nullable(uuidSchema)),
    phone: v.optional(phoneSchema, ''),
    consent: v.optional(v.boolean('notBoolean'), false),
    receivedAt: v.optional(v.nullable(v.pipe(v.string('notText'), v.isoTimestamp('badTime')))),
  }),
  v.forward(
    v.partialCheck([['phone'], ['consent']], (o) => o.phone === '' || o.consent === true, 'consentRequired'),
    ['consent'],
  ),
);
export type StaffFeedbackRequest = v.InferOutput<typeof staffFeedbackRequestSchema>;

/** POST /api/feedback/:id/actions. */
export const feedbackActionSchema = v.variant('action', [
  v.strictObject({ action: v.literal('accept') }),
  v.strictObject({ action: v.literal('reject'), reason: v.pipe(freeText(FEEDBACK_LIMITS.reasonMax), v.minLength(1, 'required')) }),
  v.strictObject({
    action: v.literal('assign'),
    assigneeId: v.nullable(v.pipe(v.string('required'), v.minLength(1, 'required'), v.maxLength(100, 'tooLong'))),
  }),
  v.strictObject({ action: v.literal('note'), text: v.pipe(freeText(FEEDBACK_LIMITS.noteMax), v.minLength(1, 'required')) }),
  v.strictObject({ action: v.literal('reply'), text: v.pipe(freeText(FEEDBACK_LIMITS.replyMax), v.minLength(1, 'required')) }),
  v.strictObject({
    action: v.literal('extend'),
    days: v.pipe(v.number('notNumber'), v.integer('notInteger'), v.minValue(1, 'tooSmall'), v.maxValue(30, 'tooLarge')),
    reason: v.pipe(freeText(FEEDBACK_LIMITS.reasonMax), v.minLength(1, 'required')),
  }),
  v.strictObject({ action: v.literal('close'), note: v.optional(freeText(FEEDBACK_LIMITS.noteMax), '') }),
]);
export type FeedbackAction = v.InferOutput<typeof feedbackActionSchema>;
export type FeedbackActionName = FeedbackAction['action'];

/** GET/PUT /api/org/feedback-settings. */
export const feedbackSettingsSchema = v.strictObject({
  acceptDays: v.pipe(v.number('notNumber'), v.integer('notInteger'), v.minValue(1, 'tooSmall'), v.maxValue(90, 'tooLarge')),
  replyDays: v.pipe(v.number('notNumber'), v.integer('notInteger'), v.minValue(1, 'tooSmall'), v.maxValue(365, 'tooLarge')),
  extensionMaxDays: v.pipe(v.number('notNumber'), v.integer('notInteger'), v.minValue(0, 'tooSmall'), v.maxValue(90, 'tooLarge')),
  retentionDays: v.pipe(v.number('notNumber'), v.integer('notInteger'), v.minValue(30, 'tooSmall'), v.maxValue(3650, 'tooLarge')),
});
export type FeedbackSettings = v.InferOutput<typeof feedbackSettingsSchema>;
export const DEFAULT_FEEDBACK_SETTINGS: FeedbackSettings = { acceptDays: 15, replyDays: 60, extensionMaxDays: 30, retentionDays: 1095 };

// ---------------------------------------------------------------------------------------------
// Items

export interface FeedbackNote {
  at: string;
  byId: string;
  byName: string;
  text: string;
}

export interface FeedbackHistoryEntry {
  at: string;
  /** null: the public (submission, follow-up) or the server (anonymisation). */
  byId: string | null;
  byName: string | null;
  action: 'submit' | 'log' | FeedbackActionName | 'followUp' | 'linkEvent' | 'anonymise';
  /** e.g. the reason of a rejection or extension, the assignee's name, the days. */
  detail: string | null;
}

/** What the store keeps of one item (the deadline fields are computed, see withDeadlines). */
export interface FeedbackRecord {
  id: string;
  orgId: string;
  ref: string;
  channel: FeedbackChannel;
  category: FeedbackCategory | null;
  state: FeedbackState;
  satisfaction: Satisfaction | null;
  liked: string;
  suggest: string;
  text: string;
  phone: string | null;
  consent: boolean;
  eventId: string | null;
  eventCode: string | null;
  receivedAt: string;
  acceptedAt: string | null;
  rejectedAt: string | null;
  rejectReason: string | null;
  assigneeId: string | null;
  repliedAt: string | null;
  replyText: string | null;
  closedAt: string | null;
  extensionDays: number;
  extensionReason: string | null;
  followUpSatisfaction: Satisfaction | null;
  followUpComment: string | null;
  followUpAt: string | null;
  anonymisedAt: string | null;
  /** The staff member who logged a call/letter/visit; null for public submissions. */
  createdBy: string | null;
  notes: FeedbackNote[];
  history: FeedbackHistoryEntry[];
}

/** What a new item is made of: who sent it, through what, what it says; nothing handled yet. */
export type NewFeedbackFields = Pick<FeedbackRecord, 'id' | 'orgId' | 'channel' | 'category' | 'receivedAt' | 'history'> &
  Partial<Pick<FeedbackRecord, 'satisfaction' | 'liked' | 'suggest' | 'text' | 'phone' | 'consent' | 'eventId' | 'eventCode' | 'createdBy'>>;

/**
 * A feedback item as it is first stored (state 待受理, no step of its handling yet): the one way the
 * server makes a record, whether the public sent it or staff logged a call, letter or visit. The
 * store numbers it (`ref`).
 */
export function newFeedbackRecord(f: NewFeedbackFields): Omit<FeedbackRecord, 'ref'> {
  return {
    id: f.id,
    orgId: f.orgId,
    channel: f.channel,
    category: f.category,
    state: 'received',
    satisfaction: f.satisfaction ?? null,
    liked: f.liked ?? '',
    suggest: f.suggest ?? '',
    text: f.text ?? '',
    phone: f.phone ?? null,
    consent: f.consent ?? false,
    eventId: f.eventId ?? null,
    eventCode: f.eventCode ?? null,
    receivedAt: f.receivedAt,
    acceptedAt: null,
    rejectedAt: null,
    rejectReason: null,
    assigneeId: null,
    repliedAt: null,
    replyText: null,
    closedAt: null,
    extensionDays: 0,
    extensionReason: null,
    followUpSatisfaction: null,
    followUpComment: null,
    followUpAt: null,
    anonymisedAt: null,
    createdBy: f.createdBy ?? null,
    notes: [],
    history: f.history,
  };
}

/** The event of an item, as the server joins it (null fields when the event has not synced). */
export interface FeedbackEventInfo {
  title: string;
  date: string;
  townshipCode: string;
  townshipName: string;
  format: string;
  authorId: string | null;
}

export interface FeedbackDeadlines {
  acceptDueAt: string;
  /** null until accepted. */
  replyDueAt: string | null;
  overdue: boolean;
  dueSoon: boolean;
}

/** GET /api/feedback/:id: the full item (phone in full for staff/admin). */
export interface FeedbackItem extends FeedbackRecord, FeedbackDeadlines {
  assigneeName: string | null;
  event: FeedbackEventInfo | null;
}

/** A row of GET /api/feedback: phone masked, text cut. */
export interface FeedbackListItem extends FeedbackDeadlines {
  id: string;
  ref: string;
  channel: FeedbackChannel;
  category: FeedbackCategory | null;
  state: FeedbackState;
  satisfaction: Satisfaction | null;
  /** liked / suggest / text joined, cut to FEEDBACK_LIMITS.listTextMax characters. */
  text: string;
  phone: string | null;
  receivedAt: string;
  acceptedAt: string | null;
  repliedAt: string | null;
  closedAt: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  eventId: string | null;
  eventTitle: string | null;
  followUpSatisfaction: Satisfaction | null;
  /** For the register's 办理结果 (staff only): the rejection reason and the reply, cut to 200 characters. */
  rejectReason: string | null;
  replyText: string | null;
}

/** GET /api/feedback/counts: open items of every year, for the staff home card. */
export interface FeedbackCounts {
  /** Not closed or rejected. */
  open: number;
  overdue: number;
  dueSoon: number;
}

/** The category of a public submission: given; else suggestion when there is text; else null. */
export function inferCategory(req: Pick<PublicFeedbackRequest, 'category' | 'liked' | 'suggest' | 'text'>): FeedbackCategory | null {
  if (req.category) return req.category;
  return req.liked !== '' || req.suggest !== '' || req.text !== '' ? 'suggestion' : null;
}

/** The text of an item in one piece: 喜欢 / 建议 / text, labelled when more than one. */
export function summaryText(r: Pick<FeedbackRecord, 'liked' | 'suggest' | 'text'>): string {
  const parts: string[] = [];
  if (r.liked) parts.push(`喜欢：${r.liked}`);
  if (r.suggest) parts.push(`建议：${r.suggest}`);
  if (r.text) parts.push(r.text);
  return parts.length === 1 && r.text ? r.text : parts.join(' ');
}

/** Cuts a text to `max` characters (code points) with an ellipsis. */
export function cutText(s: string, max: number = FEEDBACK_LIMITS.listTextMax): string {
  const chars = Array.from(s.replace(/\s+/g, ' ').trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

// ---------------------------------------------------------------------------------------------
// Transitions

/** Which actions are allowed in which state (others → 409 badTransition). */
export function canApply(r: Pick<FeedbackRecord, 'state' | 'extensionDays'>, action: FeedbackActionName): boolean {
  switch (action) {
    case 'accept':
    case 'reject':
      return r.state === 'received';
    case 'assign':
      return r.state === 'received' || r.state === 'accepted' || r.state === 'inProgress';
    case 'note':
      return true;
    case 'reply':
      return r.state === 'accepted' || r.state === 'inProgress' || r.state === 'replied';
    case 'extend':
      return (r.state === 'accepted' || r.state === 'inProgress') && r.extensionDays === 0;
    case 'close':
      // Closed by staff after the reply (e.g. the person was reached by phone for 回访).
      return r.state === 'replied';
  }
}

/**
 * Applies a staff action (already allowed by canApply) to a record: the new record, with the
 * action in its history. `extensionMaxDays` caps `extend`. Returns null when not allowed.
 */
export function applyAction(
  r: FeedbackRecord,
  a: FeedbackAction,
  by: { id: string; name: string },
  now: string,
  opts: { extensionMaxDays: number; assigneeName?: string | null } = { extensionMaxDays: 30 },
): FeedbackRecord | null {
  if (!canApply(r, a.action)) return null;
  const entry = (detail: string | null): FeedbackHistoryEntry => ({ at: now, byId: by.id, byName: by.name, action: a.action, detail });
  switch (a.action) {
    case 'accept':
      return { ...r, state: 'accepted', acceptedAt: now, history: [...r.history, entry(null)] };
    case 'reject':
      return { ...r, state: 'rejected', rejectedAt: now, rejectReason: a.reason, closedAt: now, history: [...r.history, entry(a.reason)] };
    case 'assign':
      return {
        ...r,
        assigneeId: a.assigneeId,
        state: r.state === 'accepted' && a.assigneeId !== null ? 'inProgress' : r.state,
        history: [...r.history, entry(opts.assigneeName ?? a.assigneeId)],
      };
    case 'note':
      return { ...r, notes: [...r.notes, { at: now, byId: by.id, byName: by.name, text: a.text }], history: [...r.history, entry(null)] };
    case 'reply':
      return { ...r, state: 'replied', repliedAt: r.repliedAt ?? now, replyText: a.text, history: [...r.history, entry(null)] };
    case 'extend':
      if (a.days > opts.extensionMaxDays) return null;
      return { ...r, extensionDays: a.days, extensionReason: a.reason, history: [...r.history, entry(`${a.days}|${a.reason}`)] };
    case 'close':
      return { ...r, state: 'closed', closedAt: now, history: [...r.history, entry(a.note || null)] };
  }
}

/** Whether the public may give 回访满意度 now: replied, or closed after a reply without one. */
export function canFollowUp(r: Pick<FeedbackRecord, 'state' | 'followUpAt' | 'repliedAt'>): boolean {
  if (r.followUpAt !== null) return false;
  return r.state === 'replied' || (r.state === 'closed' && r.repliedAt !== null);
}

/** Records 回访满意度 (null when not allowed): replied → closed. */
export function applyFollowUp(r: FeedbackRecord, req: FollowUpRequest, now: string): FeedbackRecord | null {
  if (!canFollowUp(r)) return null;
  return {
    ...r,
    state: 'closed',
    closedAt: r.closedAt ?? now,
    followUpSatisfaction: req.satisfaction as Satisfaction,
    followUpComment: req.comment || null,
    followUpAt: now,
    history: [...r.history, { at: now, byId: null, byName: null, action: 'followUp', detail: String(req.satisfaction) }],
  };
}

/** Retention: drops the contact number and consent, keeps the text; null when nothing to do. */
export function anonymise(r: FeedbackRecord, now: string): FeedbackRecord | null {
  if (r.anonymisedAt !== null) return null;
  return {
    ...r,
    phone: null,
    consent: false,
    anonymisedAt: now,
    history: [...r.history, { at: now, byId: null, byName: null, action: 'anonymise', detail: null }],
  };
}

/** Whether the retention sweep anonymises an item at `nowMs`: closed (or rejected) more than retentionDays ago. */
export function isDueForAnonymisation(r: Pick<FeedbackRecord, 'closedAt' | 'anonymisedAt'>, retentionDays: number, nowMs: number): boolean {
  return r.anonymisedAt === null && r.closedAt !== null && nowMs - Date.parse(r.closedAt) > retentionDays * DAY_MS;
}

// ---------------------------------------------------------------------------------------------
// Deadlines (China time, calendar days)

const DAY_MS = 86_400_000;
/** Asia/Shanghai has kept UTC+8 since 1991; deadlines are cut there. */
const CHINA_OFFSET_MS = 8 * 3_600_000;

/**
 * The end (23:59:59.999 China time) of the calendar day `days` after the day of `fromIso`.
 * Received on 1 March at 18:00 with 15 days → due 16 March 23:59:59.999+08:00.
 */
export function dueAfter(fromIso: string, days: number): string {
  const local = Date.parse(fromIso) + CHINA_OFFSET_MS;
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  const endLocal = dayStart + (days + 1) * DAY_MS - 1;
  return new Date(endLocal - CHINA_OFFSET_MS).toISOString();
}

/** The due instants of an item, and whether it is overdue / due soon at `nowMs`. */
export function deadlinesOf(
  r: Pick<FeedbackRecord, 'state' | 'receivedAt' | 'acceptedAt' | 'rejectedAt' | 'repliedAt' | 'extensionDays'>,
  settings: Pick<FeedbackSettings, 'acceptDays' | 'replyDays'>,
  nowMs: number,
): FeedbackDeadlines {
  const acceptDueAt = dueAfter(r.receivedAt, settings.acceptDays);
  const replyDueAt = r.acceptedAt === null ? null : dueAfter(r.acceptedAt, settings.replyDays + r.extensionDays);
  const acceptOpen = r.acceptedAt === null && r.rejectedAt === null && r.state === 'received';
  const replyOpen = r.acceptedAt !== null && r.repliedAt === null && (r.state === 'accepted' || r.state === 'inProgress');
  const due = acceptOpen ? acceptDueAt : replyOpen ? replyDueAt : null;
  if (due === null) return { acceptDueAt, replyDueAt, overdue: false, dueSoon: false };
  const dueMs = Date.parse(due);
  const overdue = nowMs > dueMs;
  return { acceptDueAt, replyDueAt, overdue, dueSoon: !overdue && dueMs - nowMs <= FEEDBACK_LIMITS.dueSoonDays * DAY_MS };
}

/** Accepted (or rejected: a decision) at or before the accept deadline. null while undecided. */
export function acceptedOnTime(
  r: Pick<FeedbackRecord, 'receivedAt' | 'acceptedAt' | 'rejectedAt'>,
  settings: Pick<FeedbackSettings, 'acceptDays'>,
): boolean | null {
  const decided = r.acceptedAt ?? r.rejectedAt;
  if (decided === null) return null;
  return Date.parse(decided) <= Date.parse(dueAfter(r.receivedAt, settings.acceptDays));
}

/** Replied at or before the reply deadline. null while not replied (or never accepted). */
export function repliedOnTime(
  r: Pick<FeedbackRecord, 'acceptedAt' | 'repliedAt' | 'extensionDays'>,
  settings: Pick<FeedbackSettings, 'replyDays'>,
): boolean | null {
  if (r.acceptedAt === null || r.repliedAt === null) return null;
  return Date.parse(r.repliedAt) <= Date.parse(dueAfter(r.acceptedAt, settings.replyDays + r.extensionDays));
}

/** The calendar date (YYYY-MM-DD, China time) of an instant. */
export function chinaDateOf(iso: string): string {
  const p = zonedParts(iso);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Figures

export interface SatisfactionFigures {
  answered: number;
  mean: number | null;
  /** Share (0..1) of answers 4 or 5; null when none. */
  satisfiedRate: number | null;
}

/** GET /api/feedback/figures?year=. */
export interface FeedbackFigures {
  year: number;
  received: number;
  byChannel: Record<FeedbackChannel, number>;
  byCategory: Record<FeedbackCategory, number>;
  accepted: number;
  acceptedOnTime: number;
  rejected: number;
  replied: number;
  repliedOnTime: number;
  overdueOpen: number;
  /** Median of calendar days from receipt to reply, over replied items; null when none. */
  medianDaysToReply: number | null;
  replySatisfaction: { answered: number; satisfiedRate: number | null };
  eventSatisfaction: SatisfactionFigures & {
    byFormat: Record<string, SatisfactionFigures>;
    byTownship: Record<string, SatisfactionFigures>;
  };
}

/** What the figures need of an item: the record and its event's format and township (if known). */
export type FiguresInput = Pick<
  FeedbackRecord,
  'channel' | 'category' | 'state' | 'satisfaction' | 'receivedAt' | 'acceptedAt' | 'rejectedAt' | 'repliedAt' | 'extensionDays' | 'followUpSatisfaction'
> & { event: Pick<FeedbackEventInfo, 'format' | 'townshipCode' | 'date'> | null };

function satisfactionOf(values: number[]): SatisfactionFigures {
  if (values.length === 0) return { answered: 0, mean: null, satisfiedRate: null };
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    answered: values.length,
    mean: Math.round((sum / values.length) * 100) / 100,
    satisfiedRate: values.filter((x) => x >= 4).length / values.length,
  };
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function chinaDayNumber(iso: string): number {
  return Math.floor((Date.parse(iso) + CHINA_OFFSET_MS) / DAY_MS);
}

/**
 * The year's figures. The register's counts (received, accepted, replied, on time …) are of the
 * items received in that year (China time). Event satisfaction is of the year's EVENTS, as the map
 * and each event's detail count it: an item whose event is known counts in its event's year (a
 * December event rated in January is December's), one whose event has not synced yet in the year
 * it came in; by format and township only where the event is known. Pass the items received from
 * the year's start on; others are ignored.
 */
export function feedbackFigures(
  items: readonly FiguresInput[],
  year: number,
  settings: Pick<FeedbackSettings, 'acceptDays' | 'replyDays'>,
  nowMs: number,
): FeedbackFigures {
  const byChannel = Object.fromEntries(FEEDBACK_CHANNELS.map((c) => [c, 0])) as Record<FeedbackChannel, number>;
  const byCategory = Object.fromEntries(FEEDBACK_CATEGORIES.map((c) => [c, 0])) as Record<FeedbackCategory, number>;
  let received = 0;
  let accepted = 0;
  let onTimeA = 0;
  let rejected = 0;
  let replied = 0;
  let onTimeR = 0;
  let overdueOpen = 0;
  const daysToReply: number[] = [];
  const follow: number[] = [];
  const ratings: number[] = [];
  const byFormat = new Map<string, number[]>();
  const byTownship = new Map<string, number[]>();
  for (const r of items) {
    const receivedInYear = yearOf(r.receivedAt) === year;
    if (r.channel === 'event' && r.satisfaction !== null && (r.event ? Number(r.event.date.slice(0, 4)) === year : receivedInYear)) {
      ratings.push(r.satisfaction);
      if (r.event) {
        const f = byFormat.get(r.event.format) ?? [];
        f.push(r.satisfaction);
        byFormat.set(r.event.format, f);
        const t = byTownship.get(r.event.townshipCode) ?? [];
        t.push(r.satisfaction);
        byTownship.set(r.event.townshipCode, t);
      }
    }
    if (!receivedInYear) continue;
    received++;
    byChannel[r.channel]++;
    if (r.category) byCategory[r.category]++;
    if (r.acceptedAt !== null) accepted++;
    if (r.rejectedAt !== null) rejected++;
    if (r.acceptedAt !== null && acceptedOnTime(r, settings)) onTimeA++;
    if (r.repliedAt !== null) {
      replied++;
      if (repliedOnTime(r, settings)) onTimeR++;
      daysToReply.push(chinaDayNumber(r.repliedAt) - chinaDayNumber(r.receivedAt));
    }
    if (deadlinesOf(r, settings, nowMs).overdue) overdueOpen++;
    if (r.followUpSatisfaction !== null) follow.push(r.followUpSatisfaction);
  }
  const fs = satisfactionOf(follow);
  return {
    year,
    received,
    byChannel,
    byCategory,
    accepted,
    acceptedOnTime: onTimeA,
    rejected,
    replied,
    repliedOnTime: onTimeR,
    overdueOpen,
    medianDaysToReply: median(daysToReply),
    replySatisfaction: { answered: fs.answered, satisfiedRate: fs.satisfiedRate },
    eventSatisfaction: {
      ...satisfactionOf(ratings),
      byFormat: Object.fromEntries([...byFormat].map(([k, xs]) => [k, satisfactionOf(xs)])),
      byTownship: Object.fromEntries([...byTownship].map(([k, xs]) => [k, satisfactionOf(xs)])),
    },
  };
}

/** GET /api/feedback/event-satisfaction?year=: per event of that year, never text or people. */
export interface EventSatisfactionAnswer {
  events: { eventId: string; answered: number; mean: number }[];
}

/**
 * Per-event rating figures of event-channel items with a rating and a known event. The caller picks
 * the items by their EVENTS (an event's year, a volunteer's own events), not by when a rating came:
 * a December event rated in January is still December's.
 */
export function eventSatisfaction(items: readonly Pick<FeedbackRecord, 'channel' | 'eventId' | 'satisfaction'>[]): EventSatisfactionAnswer {
  const by = new Map<string, number[]>();
  for (const r of items) {
    if (r.channel !== 'event' || r.eventId === null || r.satisfaction === null) continue;
    const xs = by.get(r.eventId) ?? [];
    xs.push(r.satisfaction);
    by.set(r.eventId, xs);
  }
  return {
    events: [...by]
      .map(([eventId, xs]) => ({ eventId, answered: xs.length, mean: Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 }))
      .sort((a, b) => (a.eventId < b.eventId ? -1 : 1)),
  };
}

/** The list row of a full item (phone masked, text cut). */
export function toListItem(i: FeedbackItem): FeedbackListItem {
  return {
    id: i.id,
    ref: i.ref,
    channel: i.channel,
    category: i.category,
    state: i.state,
    satisfaction: i.satisfaction,
    text: cutText(summaryText(i)),
    phone: maskPhone(i.phone),
    receivedAt: i.receivedAt,
    acceptedAt: i.acceptedAt,
    repliedAt: i.repliedAt,
    closedAt: i.closedAt,
    assigneeId: i.assigneeId,
    assigneeName: i.assigneeName,
    eventId: i.eventId,
    eventTitle: i.event?.title ?? null,
    followUpSatisfaction: i.followUpSatisfaction,
    rejectReason: i.rejectReason === null ? null : cutText(i.rejectReason, 200),
    replyText: i.replyText === null ? null : cutText(i.replyText, 200),
    acceptDueAt: i.acceptDueAt,
    replyDueAt: i.replyDueAt,
    overdue: i.overdue,
    dueSoon: i.dueSoon,
  };
}
