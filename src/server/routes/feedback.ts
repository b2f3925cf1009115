/**
 * 群众意见反映渠道 (issue 15): the public routes (no account; hostile input) and the staff inbox.
 * The rules are domain/feedback.ts; the storage is store/feedback-store.ts; the contract with the
 * staff screens is in src/server/README.md ("Feedback").
 *
 * Public routes: JSON only, small bodies (8 KB), limits per client address and per code counted
 * in the store (shared by every server process over one database, like the login limits), a
 * honeypot field, duplicate suppression and an idempotent clientId. The 查询码 is derived from the
 * clientId with the server secret (so a retry gets the same code without the code being stored)
 * and only its HMAC is stored: a copy of the database reveals no 查询码.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as v from 'valibot';
import {
  DEFAULT_FEEDBACK_SETTINGS,
  FEEDBACK_CODE_ALPHABET,
  FEEDBACK_LIMITS,
  FEEDBACK_STATES,
  QUERY_CODE_LENGTH,
  anonymise,
  applyAction,
  applyFollowUp,
  canApply,
  canFollowUp,
  chinaDateOf,
  deadlinesOf,
  eventSatisfaction,
  feedbackActionSchema,
  feedbackCodeOf,
  feedbackFigures,
  feedbackSettingsSchema,
  followUpRequestSchema,
  inferCategory,
  isDueForAnonymisation,
  isFeedbackCode,
  isQueryCode,
  newFeedbackRecord,
  normalizeFeedbackCode,
  normalizePhone,
  publicFeedbackRequestSchema,
  staffFeedbackRequestSchema,
  toListItem,
  type EventSatisfactionAnswer,
  type FeedbackCounts,
  type FeedbackEventInfo,
  type FeedbackFigures,
  type FeedbackItem,
  type FeedbackListItem,
  type FeedbackRecord,
  type FeedbackSettings,
  type FeedbackTarget,
  type PublicFeedbackAnswer,
  type PublicFeedbackStatus,
  type Satisfaction,
} from '../../domain/feedback.js';
import { matchesFilter } from '../../domain/counts.js';
import { filterOfSatisfactionQuery, satisfactionByTownship, satisfactionQuerySchema, type TownshipSatisfactionAnswer } from '../../domain/satisfaction-map.js';
import { yearBounds, yearOf } from '../../domain/year.js';
import { STAFF, parse, requireRole, userOf } from '../context.js';
import { fail } from '../errors.js';
import { loadTownshipNames } from '../region.js';
import type { FeedbackCodeTarget } from '../store/feedback-store.js';
import type { Store } from '../store/store.js';

/** Limits of the public routes (config.ts reads them from FEEDBACK_* variables). */
export interface FeedbackLimits {
  /**
   * Submissions per client address per minute (default 10) and per day (default 100). Higher than
   * a lone spammer needs: an event's audience often shares one address (school Wi-Fi, carrier
   * NAT), and the page waits out a 429 (Retry-After) and sends again, so nobody loses a text.
   */
  perAddressMinute: number;
  perAddressDay: number;
  /** Submissions per code per day (default 300: a big event's audience). */
  perCodeDay: number;
  /** 查询码 lookups and follow-ups per client address per 15 minutes (default 30). */
  lookupsPerAddress: number;
  /** Same code, address and text within this many minutes answers the first item (default 10). */
  duplicateMinutes: number;
}

export const DEFAULT_FEEDBACK_LIMITS: FeedbackLimits = {
  perAddressMinute: 10,
  perAddressDay: 100,
  perCodeDay: 300,
  lookupsPerAddress: 30,
  duplicateMinutes: 10,
};

const MINUTE = 60_000;
const DAY = 86_400_000;
const LOOKUP_WINDOW = 15 * MINUTE;

export interface FeedbackRouteOptions {
  limits?: Partial<FeedbackLimits>;
  /** The region pack whose township names the public page shows. */
  region?: string;
}

/** The 查询码 of a clientId: 10 symbols from an HMAC keyed with the server secret. */
export function queryCodeOf(secret: Buffer, clientId: string): string {
  const mac = createHmac('sha256', secret).update(`kepu-feedback-query:${clientId}`).digest();
  let s = '';
  for (let i = 0; i < QUERY_CODE_LENGTH; i++) s += FEEDBACK_CODE_ALPHABET[mac.readUInt32BE(i * 3) % FEEDBACK_CODE_ALPHABET.length];
  return s;
}

/** What the store keeps of a 查询码. */
export function queryCodeHash(secret: Buffer, queryCode: string): string {
  return createHmac('sha256', secret)
    .update(`kepu-feedback-query-hash:${normalizeFeedbackCode(queryCode)}`)
    .digest('hex');
}

export async function feedbackRoutes(app: FastifyInstance, opts: FeedbackRouteOptions): Promise<void> {
  const k = app.kepu;
  const store: Store = k.store;
  const limits: FeedbackLimits = { ...DEFAULT_FEEDBACK_LIMITS, ...opts.limits };
  let townshipNames: Map<string, string> | null = null;
  const townshipName = (code: string): string => {
    townshipNames ??= loadTownshipNames(opts.region ?? 'huidong');
    return townshipNames.get(code) ?? '';
  };

  /**
   * Keys this process has seen over their limit, and when their window ends. The store's windows
   * are fixed: once a key is over, every hit until the window ends is refused whatever the count, so
   * refusing from here until then answers exactly what the store would — without a write per
   * refused request. A spammer's flood is then parsed and refused in memory, and the sync routes
   * beside it keep their pace (tests/bench/feedback-bench.mjs). Other processes learn it from the
   * store at their own first refusal; the limits stay shared.
   */
  const overLimit = new Map<string, number>();
  const OVER_LIMIT_KEYS = 50_000;

  /** Counts one hit; over `max`, answers 429 with Retry-After. */
  async function limit(reply: FastifyReply, key: string, max: number, windowMs: number): Promise<void> {
    const now = k.now().getTime();
    const until = overLimit.get(key);
    if (until !== undefined && until > now) refuse(reply, until, now);
    if (until !== undefined) overLimit.delete(key);
    const { hits, resetAt } = await store.hitLimit(key, now, windowMs);
    if (hits > max) {
      if (overLimit.size >= OVER_LIMIT_KEYS) {
        for (const [key, end] of overLimit) if (end <= now) overLimit.delete(key);
        // Still full of live keys: forget the oldest (the store still counts them).
        for (const key of overLimit.keys()) {
          if (overLimit.size < OVER_LIMIT_KEYS) break;
          overLimit.delete(key);
        }
      }
      overLimit.set(key, resetAt);
      refuse(reply, resetAt, now);
    }
  }

  function refuse(reply: FastifyReply, resetAt: number, now: number): never {
    void reply.header('retry-after', String(Math.max(1, Math.ceil((resetAt - now) / 1000))));
    fail('rateLimited');
  }

  async function settingsOf(orgId: string): Promise<FeedbackSettings> {
    return (await store.getFeedbackSettings(orgId))?.settings ?? DEFAULT_FEEDBACK_SETTINGS;
  }

  /** A code → its target: an ingested event, an org's 意见箱, or (one org only) a not yet synced event. */
  async function resolve(code: string): Promise<(FeedbackCodeTarget & { pending?: true }) | null> {
    if (!isFeedbackCode(code)) return null;
    const ev = await store.feedbackEventByCode(code);
    if (ev) return { kind: 'event', ...ev };
    const orgs = await store.listOrgs();
    const box = orgs.find((o) => feedbackCodeOf(o.id) === code);
    if (box) return { kind: 'box', orgId: box.id };
    // An event code the server has not seen: its event has not synced yet. With one association
    // on the server it is theirs; otherwise nobody can tell whose (the event links it later).
    if (orgs.length === 1) return { kind: 'event', eventId: '', orgId: orgs[0]!.id, pending: true };
    return null;
  }

  const eventCache = (): ((id: string | null) => Promise<FeedbackEventInfo | null>) => {
    const seen = new Map<string, FeedbackEventInfo | null>();
    return async (id) => {
      if (!id) return null;
      if (seen.has(id)) return seen.get(id)!;
      const e = await store.getEvent(id);
      const info: FeedbackEventInfo | null = e
        ? {
            title: e.title,
            date: chinaDateOf(e.startAt),
            townshipCode: e.townshipCode,
            townshipName: townshipName(e.townshipCode),
            format: e.format,
            authorId: e.createdBy ?? null,
          }
        : null;
      seen.set(id, info);
      return info;
    };
  };

  // -------------------------------------------------------------------------------------------
  // Public

  const publicJson = { bodyLimit: FEEDBACK_LIMITS.publicBodyBytes };

  app.get<{ Params: { code: string } }>('/api/public/feedback/target/:code', async (req, reply): Promise<FeedbackTarget> => {
    await limit(reply, `fb:lookup:${req.ip}`, limits.lookupsPerAddress * 4, LOOKUP_WINDOW);
    const t = await resolve(normalizeFeedbackCode(String(req.params.code).slice(0, 40)));
    if (!t) fail('unknownCode');
    const org = await store.getOrg(t.orgId);
    if (!org) fail('unknownCode');
    if (t.kind === 'box' || t.pending) return { kind: t.kind, orgName: org.name };
    const e = await eventCache()(t.eventId);
    return e
      ? { kind: 'event', orgName: org.name, event: { title: e.title, date: e.date, townshipName: e.townshipName } }
      : { kind: 'event', orgName: org.name };
  });

  app.post('/api/public/feedback', publicJson, async (req, reply): Promise<PublicFeedbackAnswer> => {
    const body = parse(publicFeedbackRequestSchema, req.body);
    const ip = req.ip;
    await limit(reply, `fb:addr:m:${ip}`, limits.perAddressMinute, MINUTE);
    await limit(reply, `fb:addr:d:${ip}`, limits.perAddressDay, DAY);
    if (body.website.trim() !== '') {
      // A bot filled the field people never see: it gets an answer that looks real; nothing is stored.
      req.log.info({ ip }, 'feedback honeypot');
      void reply.status(201);
      return { queryCode: queryCodeOf(k.secret, randomUUID()), ref: `${yearOf(k.now().getTime())}-${String(1 + (Date.now() % 9000)).padStart(4, '0')}` };
    }
    const target = await resolve(body.code);
    if (!target) fail('unknownCode');
    await limit(reply, `fb:code:d:${body.code}`, limits.perCodeDay, DAY);
    const now = k.now();
    const nowIso = now.toISOString();
    const content = [body.satisfaction ?? '', body.liked, body.suggest, body.text, body.category ?? ''].join('\u0001');
    const hasText = body.liked !== '' || body.suggest !== '' || body.text !== '';
    const record = newFeedbackRecord({
      id: randomUUID(),
      orgId: target.orgId,
      channel: target.kind,
      category: inferCategory(body),
      satisfaction: (body.satisfaction ?? null) as Satisfaction | null,
      liked: body.liked,
      suggest: body.suggest,
      text: body.text,
      phone: body.phone === '' ? null : body.phone,
      consent: body.phone !== '' && body.consent,
      eventId: target.kind === 'event' && !target.pending ? target.eventId : null,
      eventCode: target.kind === 'event' ? body.code : null,
      receivedAt: nowIso,
      history: [{ at: nowIso, byId: null, byName: null, action: 'submit', detail: null }],
    });
    const queryCode = queryCodeOf(k.secret, body.clientId);
    const res = await store.createFeedback({
      record,
      clientId: body.clientId,
      queryHash: queryCodeHash(k.secret, queryCode),
      dup: hasText
        ? {
            key: createHmac('sha256', k.secret).update(`${body.code}\u0000${ip}\u0000${content}`).digest('hex'),
            since: new Date(now.getTime() - limits.duplicateMinutes * MINUTE).toISOString(),
          }
        : null,
      year: yearOf(now.getTime()),
    });
    if (res.status === 'existing') {
      req.log.info({ why: res.why, ref: res.record.ref }, 'feedback already stored');
      void reply.status(201);
      return { queryCode: res.clientId ? queryCodeOf(k.secret, res.clientId) : queryCode, ref: res.record.ref };
    }
    req.log.info({ ref: res.record.ref, orgId: res.record.orgId, channel: res.record.channel }, 'feedback received');
    void reply.status(201);
    return { queryCode, ref: res.record.ref };
  });

  const queryOf = async (req: FastifyRequest<{ Params: { queryCode: string } }>, reply: FastifyReply): Promise<string | null> => {
    await limit(reply, `fb:lookup:${req.ip}`, limits.lookupsPerAddress, LOOKUP_WINDOW);
    const code = normalizeFeedbackCode(String(req.params.queryCode).slice(0, 40));
    return isQueryCode(code) ? queryCodeHash(k.secret, code) : null;
  };

  const statusOf = async (r: FeedbackRecord): Promise<PublicFeedbackStatus> => {
    const e = await eventCache()(r.eventId);
    const s: PublicFeedbackStatus = {
      ref: r.ref,
      state: r.state,
      receivedAt: r.receivedAt,
      category: r.category,
      channel: r.channel,
      canFollowUp: canFollowUp(r),
    };
    if (e) s.event = { title: e.title, date: e.date };
    if (r.replyText !== null && r.repliedAt !== null) s.reply = { text: r.replyText, at: r.repliedAt };
    if (r.state === 'rejected' && r.rejectReason) s.reply = { text: `不予受理：${r.rejectReason}`, at: r.rejectedAt ?? r.receivedAt };
    if (r.followUpSatisfaction !== null && r.followUpAt !== null) s.followUp = { satisfaction: r.followUpSatisfaction, at: r.followUpAt };
    return s;
  };

  app.get<{ Params: { queryCode: string } }>('/api/public/feedback/:queryCode', async (req, reply): Promise<PublicFeedbackStatus> => {
    const hash = await queryOf(req, reply);
    const r = hash ? await store.getFeedback({ queryHash: hash }) : null;
    if (!r) fail('notFound');
    return statusOf(r);
  });

  app.post<{ Params: { queryCode: string } }>('/api/public/feedback/:queryCode/follow-up', publicJson, async (req, reply): Promise<PublicFeedbackStatus> => {
    const body = parse(followUpRequestSchema, req.body);
    const hash = await queryOf(req, reply);
    if (!hash) fail('notFound');
    const res = await store.updateFeedback({ queryHash: hash }, (r) => applyFollowUp(r, body, k.now().toISOString()));
    if (res.status === 'notFound') fail('notFound');
    if (res.status === 'refused') fail('followUpClosed');
    return statusOf(res.record);
  });

  // -------------------------------------------------------------------------------------------
  // Staff

  const itemOf = async (
    r: FeedbackRecord,
    settings: FeedbackSettings,
    names: Map<string, string>,
    events: ReturnType<typeof eventCache>,
  ): Promise<FeedbackItem> => ({
    ...r,
    ...deadlinesOf(r, settings, k.now().getTime()),
    assigneeName: r.assigneeId ? (names.get(r.assigneeId) ?? null) : null,
    event: await events(r.eventId),
  });
  const userNames = async (orgId: string): Promise<Map<string, string>> => new Map((await store.listUsers(orgId)).map((u) => [u.id, u.name]));

  const listQuery = v.strictObject({
    state: v.optional(v.picklist(FEEDBACK_STATES, 'badState')),
    year: v.optional(v.pipe(v.string(), v.regex(/^\d{4}$/, 'badYear'), v.transform(Number))),
    overdue: v.optional(v.picklist(['0', '1'], 'badFlag')),
  });

  app.get('/api/feedback', { onRequest: requireRole(...STAFF) }, async (req): Promise<{ items: FeedbackListItem[] }> => {
    const me = userOf(req);
    const q = parse(listQuery, req.query);
    const bounds = q.year ? yearBounds(q.year) : null;
    const records = await store.listFeedback(me.orgId, {
      ...(q.state ? { state: q.state } : {}),
      ...(bounds ? { receivedFrom: new Date(bounds.start).toISOString(), receivedTo: new Date(bounds.end).toISOString() } : {}),
    });
    const settings = await settingsOf(me.orgId);
    const names = await userNames(me.orgId);
    const events = eventCache();
    const items: FeedbackListItem[] = [];
    for (const r of records) {
      const item = toListItem(await itemOf(r, settings, names, events));
      if (q.overdue === '1' && !item.overdue) continue;
      items.push(item);
    }
    return { items };
  });

  app.get('/api/feedback/counts', { onRequest: requireRole(...STAFF) }, async (req): Promise<FeedbackCounts> => {
    const me = userOf(req);
    const settings = await settingsOf(me.orgId);
    const nowMs = k.now().getTime();
    const out: FeedbackCounts = { open: 0, overdue: 0, dueSoon: 0 };
    for (const r of await store.listFeedback(me.orgId, {})) {
      if (r.state === 'closed' || r.state === 'rejected') continue;
      out.open++;
      const d = deadlinesOf(r, settings, nowMs);
      if (d.overdue) out.overdue++;
      if (d.dueSoon) out.dueSoon++;
    }
    return out;
  });

  const yearQuery = v.strictObject({ year: v.pipe(v.string('required'), v.regex(/^\d{4}$/, 'badYear'), v.transform(Number)) });

  app.get('/api/feedback/figures', { onRequest: requireRole(...STAFF) }, async (req): Promise<FeedbackFigures> => {
    const me = userOf(req);
    const { year } = parse(yearQuery, req.query);
    // From the year's start on: the register counts what came in that year, event satisfaction
    // the ratings of the year's events, some of which come in the next year (feedbackFigures).
    const records = await store.listFeedback(me.orgId, { receivedFrom: new Date(yearBounds(year).start).toISOString() });
    const events = eventCache();
    const inputs = [];
    for (const r of records) inputs.push({ ...r, event: await events(r.eventId) });
    return feedbackFigures(inputs, year, await settingsOf(me.orgId), k.now().getTime());
  });

  app.get('/api/feedback/event-satisfaction', { onRequest: requireRole() }, async (req): Promise<EventSatisfactionAnswer> => {
    const me = userOf(req);
    const { year } = parse(yearQuery, req.query);
    // The ratings of the year's EVENTS: an event is rated after it happened, so they were received
    // from the year's start on (a December event rated in January is December's).
    const records = await store.listFeedback(me.orgId, { receivedFrom: new Date(yearBounds(year).start).toISOString() });
    const events = eventCache();
    const kept: FeedbackRecord[] = [];
    for (const r of records) {
      if (r.channel !== 'event' || r.eventId === null || r.satisfaction === null) continue;
      const e = await events(r.eventId);
      if (!e || Number(e.date.slice(0, 4)) !== year) continue;
      // A volunteer: their own events only (those they created).
      if (me.role === 'volunteer' && e.authorId !== me.id) continue;
      kept.push(r);
    }
    return eventSatisfaction(kept);
  });

  // 满意度 on the map (domain/satisfaction-map.ts): the ratings of the events that match the map's
  // filter, by township; counts and sums only. Staff only: a volunteer's phone never shows it.
  app.get('/api/feedback/township-satisfaction', { onRequest: requireRole(...STAFF) }, async (req): Promise<TownshipSatisfactionAnswer> => {
    const me = userOf(req);
    const filter = filterOfSatisfactionQuery(parse(satisfactionQuerySchema, req.query));
    const events = (await store.liveEvents(me.orgId)).events.filter((e) => matchesFilter(e, filter));
    const ratings = [];
    for (const r of await store.listFeedback(me.orgId, { eventIds: events.map((e) => e.id) })) {
      if (r.channel === 'event' && r.eventId !== null && r.satisfaction !== null) ratings.push({ eventId: r.eventId, satisfaction: r.satisfaction });
    }
    return satisfactionByTownship(events, ratings, filter);
  });

  const phoneQuery = v.strictObject({
    phone: v.pipe(v.string('required'), v.maxLength(40, 'tooLong'), v.transform(normalizePhone), v.minLength(1, 'required')),
  });

  app.get('/api/feedback/person', { onRequest: requireRole('admin') }, async (req): Promise<{ items: FeedbackItem[] }> => {
    const me = userOf(req);
    const { phone } = parse(phoneQuery, req.query);
    const settings = await settingsOf(me.orgId);
    const names = await userNames(me.orgId);
    const events = eventCache();
    const items: FeedbackItem[] = [];
    for (const r of await store.feedbackByPhone(me.orgId, phone)) items.push(await itemOf(r, settings, names, events));
    req.log.info({ orgId: me.orgId, by: me.id, items: items.length }, 'feedback person export');
    return { items };
  });

  const idParams = v.strictObject({ id: v.pipe(v.string(), v.uuid('badId')) });

  app.get('/api/feedback/:id', { onRequest: requireRole(...STAFF) }, async (req): Promise<FeedbackItem> => {
    const me = userOf(req);
    const { id } = parse(idParams, req.params);
    const r = await store.getFeedback({ orgId: me.orgId, id });
    if (!r) fail('notFound');
    return itemOf(r, await settingsOf(me.orgId), await userNames(me.orgId), eventCache());
  });

  app.post('/api/feedback', { onRequest: requireRole(...STAFF) }, async (req, reply): Promise<FeedbackItem> => {
    const me = userOf(req);
    const body = parse(staffFeedbackRequestSchema, req.body);
    const now = k.now();
    const receivedAt = body.receivedAt ? new Date(Date.parse(body.receivedAt)).toISOString() : now.toISOString();
    if (Date.parse(receivedAt) > now.getTime() + 5 * MINUTE) fail('invalid', 'receivedAt is in the future.', [{ field: 'receivedAt', code: 'inFuture' }]);
    let eventCode: string | null = null;
    if (body.eventId) {
      const e = await store.getEvent(body.eventId);
      if (!e || e.orgId !== me.orgId) fail('invalid', 'No such event in your association.', [{ field: 'eventId', code: 'unknownEvent' }]);
      eventCode = feedbackCodeOf(body.eventId);
    }
    const record = newFeedbackRecord({
      id: randomUUID(),
      orgId: me.orgId,
      channel: body.channel,
      category: body.category,
      text: body.text,
      phone: body.phone === '' ? null : body.phone,
      consent: body.phone !== '' && body.consent,
      eventId: body.eventId ?? null,
      eventCode,
      receivedAt,
      createdBy: me.id,
      history: [{ at: now.toISOString(), byId: me.id, byName: me.name, action: 'log', detail: body.channel }],
    });
    const res = await store.createFeedback({ record, clientId: null, queryHash: null, dup: null, year: yearOf(receivedAt) });
    req.log.info({ orgId: me.orgId, by: me.id, ref: res.record.ref }, 'feedback logged');
    void reply.status(201);
    return itemOf(res.record, await settingsOf(me.orgId), await userNames(me.orgId), eventCache());
  });

  app.post('/api/feedback/:id/actions', { onRequest: requireRole(...STAFF) }, async (req): Promise<FeedbackItem> => {
    const me = userOf(req);
    const { id } = parse(idParams, req.params);
    const action = parse(feedbackActionSchema, req.body);
    const settings = await settingsOf(me.orgId);
    const names = await userNames(me.orgId);
    let assigneeName: string | null = null;
    if (action.action === 'assign' && action.assigneeId !== null) {
      const u = await store.getUser(action.assigneeId);
      if (!u || u.orgId !== me.orgId || u.disabled || u.role === 'volunteer')
        fail('invalid', 'The assignee must be an enabled staff member or administrator of your association.', [{ field: 'assigneeId', code: 'badAssignee' }]);
      assigneeName = u.name;
    }
    if (action.action === 'extend' && action.days > settings.extensionMaxDays)
      fail('invalid', `An extension is at most ${settings.extensionMaxDays} days.`, [{ field: 'days', code: 'tooLarge' }]);
    const now = k.now().toISOString();
    const res = await store.updateFeedback({ orgId: me.orgId, id }, (r) =>
      canApply(r, action.action)
        ? applyAction(r, action, { id: me.id, name: me.name }, now, { extensionMaxDays: settings.extensionMaxDays, assigneeName })
        : null,
    );
    if (res.status === 'notFound') fail('notFound');
    if (res.status === 'refused') fail('badTransition');
    req.log.info({ orgId: me.orgId, by: me.id, ref: res.record.ref, action: action.action }, 'feedback action');
    return itemOf(res.record, settings, names, eventCache());
  });

  app.get('/api/org/feedback-settings', { onRequest: requireRole(...STAFF) }, async (req): Promise<FeedbackSettings> => settingsOf(userOf(req).orgId));

  app.put('/api/org/feedback-settings', { onRequest: requireRole('admin') }, async (req): Promise<FeedbackSettings> => {
    const me = userOf(req);
    const settings = parse(feedbackSettingsSchema, req.body);
    await store.putFeedbackSettings(me.orgId, { settings, updatedBy: me.id, updatedAt: k.now().toISOString() });
    req.log.info({ orgId: me.orgId, by: me.id, ...settings }, 'feedback settings');
    return settings;
  });
}

/** What one retention sweep did. */
export interface FeedbackSweep {
  anonymised: number;
  codesRecorded: number;
}

/**
 * The retention sweep: anonymises items closed more than the org's retentionDays ago (phone and
 * consent dropped, text kept), and records the codes of events ingested before migration
 * 009/010 (so their codes resolve). Runs at start and hourly (main.ts), like the photo sweep.
 */
export async function sweepFeedback(store: Store, now: Date): Promise<FeedbackSweep> {
  let codesRecorded = 0;
  for (;;) {
    const ids = await store.eventsWithoutFeedbackCode(500);
    if (!ids.length) break;
    await store.recordFeedbackCodes(ids.map((id) => ({ code: feedbackCodeOf(id), eventId: id })));
    codesRecorded += ids.length;
    if (ids.length < 500) break;
  }
  let anonymised = 0;
  const nowMs = now.getTime();
  const at = now.toISOString();
  for (const org of await store.listOrgs()) {
    const settings = (await store.getFeedbackSettings(org.id))?.settings ?? DEFAULT_FEEDBACK_SETTINGS;
    const before = new Date(nowMs - settings.retentionDays * DAY).toISOString();
    for (;;) {
      const due = await store.feedbackToAnonymise(org.id, before, 200);
      if (!due.length) break;
      for (const r of due) {
        const res = await store.updateFeedback({ orgId: org.id, id: r.id }, (cur) =>
          isDueForAnonymisation(cur, settings.retentionDays, nowMs) ? anonymise(cur, at) : null,
        );
        if (res.status === 'updated') anonymised++;
      }
      if (due.length < 200) break;
    }
  }
  return { anonymised, codesRecorded };
}

/** Sweeps at once and then every `everyMs` (default hourly); one at a time. Returns a stop function. */
export function startFeedbackSweeper(opts: {
  store: Store;
  everyMs?: number;
  now?: () => Date;
  report(outcome: FeedbackSweep | Error): void;
}): () => Promise<void> {
  const now = opts.now ?? (() => new Date());
  let running: Promise<void> | null = null;
  const sweep = (): void => {
    if (running) return;
    running = sweepFeedback(opts.store, now())
      .then(
        (r) => opts.report(r),
        (e: unknown) => opts.report(e instanceof Error ? e : new Error(String(e))),
      )
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(sweep, opts.everyMs ?? 60 * MINUTE);
  timer.unref();
  sweep();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
