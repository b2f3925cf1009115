/**
 * The phone's calls to the feedback routes (issue 15: 群众意见): the staff inbox 意见办理, its actions,
 * the year's figures, the per-event ratings a volunteer may see and the org's deadlines and
 * retention, over the phone's one HTTP client (src/sync/http-client.ts). Every failure is one
 * ApiError ('offline' | 'unauthorized' | 'rejected' | 'server'), as in admin-api.ts; a 409
 * `badTransition` says the item moved on meanwhile. Loaded only by the feedback screens (on demand).
 */
import type { PublicUser } from '../../domain/account';
import type {
  EventSatisfactionAnswer,
  FeedbackCounts,
  FeedbackAction,
  FeedbackFigures,
  FeedbackItem,
  FeedbackListItem,
  FeedbackSettings,
  FeedbackState,
  StaffFeedbackRequest,
} from '../../domain/feedback';
import type { EventFilter } from '../../domain/counts';
import { satisfactionQueryString, type TownshipSatisfactionAnswer } from '../../domain/satisfaction-map';
import { createHttpClient } from '../../sync/http-client';

/** A register row (the list row: it carries the reply and the rejection reason, cut, for 办理结果). */
export type FeedbackRow = FeedbackListItem;

/** Filters of GET /api/feedback; each is optional. */
export interface FeedbackQuery {
  state?: FeedbackState;
  year?: number;
  overdue?: boolean;
}

/** What staff send to log a call, letter or visit (the schema's input: phone and consent optional). */
export type StaffFeedbackBody = Omit<StaffFeedbackRequest, 'phone' | 'consent' | 'eventId' | 'receivedAt'> & {
  phone?: string;
  consent?: boolean;
  eventId?: string | null;
  receivedAt?: string | null;
};

export interface FeedbackApi {
  list(q?: FeedbackQuery): Promise<FeedbackRow[]>;
  /** Open, overdue and due-soon items of every year (the staff home card). */
  counts(): Promise<FeedbackCounts>;
  get(id: string): Promise<FeedbackItem>;
  create(body: StaffFeedbackBody): Promise<FeedbackItem>;
  act(id: string, action: FeedbackAction): Promise<FeedbackItem>;
  figures(year: number): Promise<FeedbackFigures>;
  eventSatisfaction(year: number): Promise<EventSatisfactionAnswer>;
  /** 满意度 by township under the map's filter (staff): counts and sums of the matching events' ratings. */
  townshipSatisfaction(filter: EventFilter & { readonly year: number }): Promise<TownshipSatisfactionAnswer>;
  getSettings(): Promise<FeedbackSettings>;
  putSettings(s: FeedbackSettings): Promise<FeedbackSettings>;
  /** The org's members (GET /api/users), to assign an item to. */
  users(): Promise<PublicUser[]>;
  /** Every item with this phone number (admin: a person's request for their records, 个人信息保护法). */
  person(phone: string): Promise<FeedbackItem[]>;
}

/** An answer that is either the object or `{ [key]: object }`. */
function unwrap<T>(x: unknown, key: string): T {
  if (x && typeof x === 'object' && key in x) return (x as Record<string, unknown>)[key] as T;
  return x as T;
}

/** The query string of a list request. */
export function feedbackQueryString(q: FeedbackQuery = {}): string {
  const p = new URLSearchParams();
  if (q.state) p.set('state', q.state);
  if (q.year !== undefined) p.set('year', String(q.year));
  if (q.overdue) p.set('overdue', '1');
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** How the API reaches the server (as the admin API's options). */
export interface FeedbackApiOptions {
  /** Server origin, '' for this site. Read on every request. */
  baseUrl(): string;
  token(): string | null;
  /** Resolves once the session is known. */
  ready?(): Promise<unknown>;
  fetch?: typeof fetch;
  /** Called on a 401 with the server's error code. */
  onUnauthorized?(code: string): void;
  timeoutMs?: number;
}

/** Makes the API over `fetch`. */
export function createFeedbackApi(opts: FeedbackApiOptions): FeedbackApi {
  const client = createHttpClient({
    baseUrl: opts.baseUrl,
    token: async () => {
      await opts.ready?.();
      return opts.token();
    },
    onUnauthorized: (code) => opts.onUnauthorized?.(code ?? 'unauthenticated'),
    timeoutMs: opts.timeoutMs ?? 20_000,
    gatewayErrorsAreOffline: true,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  const call = <T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) => client.json<T>(method, path, body);
  const id = (x: string) => encodeURIComponent(x);
  return {
    list: async (q) => (await call<{ items: FeedbackRow[] }>('GET', `/api/feedback${feedbackQueryString(q)}`)).items,
    counts: () => call<FeedbackCounts>('GET', '/api/feedback/counts'),
    get: async (x) => unwrap<FeedbackItem>(await call('GET', `/api/feedback/${id(x)}`), 'item'),
    create: async (body) => unwrap<FeedbackItem>(await call('POST', '/api/feedback', body), 'item'),
    act: async (x, action) => unwrap<FeedbackItem>(await call('POST', `/api/feedback/${id(x)}/actions`, action), 'item'),
    figures: async (year) => unwrap<FeedbackFigures>(await call('GET', `/api/feedback/figures?year=${year}`), 'figures'),
    eventSatisfaction: (year) => call<EventSatisfactionAnswer>('GET', `/api/feedback/event-satisfaction?year=${year}`),
    townshipSatisfaction: (filter) => call<TownshipSatisfactionAnswer>('GET', `/api/feedback/township-satisfaction?${satisfactionQueryString(filter)}`),
    getSettings: async () => unwrap<FeedbackSettings>(await call('GET', '/api/org/feedback-settings'), 'settings'),
    putSettings: async (s) => unwrap<FeedbackSettings>(await call('PUT', '/api/org/feedback-settings', s), 'settings'),
    users: async () => (await call<{ users: PublicUser[] }>('GET', '/api/users')).users,
    person: async (phone) => (await call<{ items: FeedbackItem[] }>('GET', `/api/feedback/person?phone=${encodeURIComponent(phone)}`)).items,
  };
}
