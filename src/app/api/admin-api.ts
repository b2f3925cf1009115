/**
 * The phone's calls to the account-administration and org routes: setup, users, invites, the
 * org taxonomy and an event's history (the only place these routes are called), on the phone's
 * one HTTP client (src/sync/http-client.ts). Every failure is an ApiError whose `kind` the screens
 * turn into plain words: 'offline' (no answer, or a proxy with no server behind it: show 需要联网,
 * never an error dump), 'unauthorized' (401: the session is marked expired, nothing local is
 * touched), 'rejected' (4xx with the API's code and problems; 403 `forbidden` for a role the
 * route refuses) and 'server' (5xx, 429). composables/useAdminApi.ts binds it to the session.
 */
import type { CreateUserRequest, InviteRequest, PublicInvite, PublicUser, SessionResponse, SetupRequest, UpdateUserRequest } from '../../domain/account';
import type { HistoryEntry } from '../../domain/review';
import type { Taxonomy } from '../../domain/taxonomy';
import { createHttpClient } from '../../sync/http-client';

export interface HealthResponse {
  status: string;
  v: number;
  setupNeeded: boolean;
}

export interface OrgTaxonomyResponse {
  taxonomy: Taxonomy;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface AdminApi {
  health(): Promise<HealthResponse>;
  setup(body: SetupRequest): Promise<SessionResponse>;
  listUsers(): Promise<PublicUser[]>;
  createUser(body: CreateUserRequest): Promise<PublicUser>;
  updateUser(id: string, body: UpdateUserRequest): Promise<PublicUser>;
  listInvites(): Promise<PublicInvite[]>;
  /** The answer carries `code`, shown once. */
  createInvite(body: InviteRequest): Promise<PublicInvite>;
  revokeInvite(id: string): Promise<void>;
  getTaxonomy(): Promise<OrgTaxonomyResponse>;
  putTaxonomy(taxonomy: Taxonomy): Promise<OrgTaxonomyResponse>;
  /** GET /api/events/:id/history: every overwritten value of the event (staff, admin, the author). */
  eventHistory(id: string): Promise<HistoryEntry[]>;
}

export interface AdminApiOptions {
  /** Server origin, '' for this site. Read on every request. */
  baseUrl(): string;
  token(): string | null;
  /** Resolves once the session is known (a screen opened by URL may ask before the app loaded it). */
  ready?(): Promise<unknown>;
  fetch?: typeof fetch;
  /** Called on a 401 (the token is no longer valid) with the server's error code (`sessionExpired`, …). */
  onUnauthorized?(code: string): void;
  /** Give up after this long (ms); counts as offline. */
  timeoutMs?: number;
}

/** Makes the API over `fetch`. */
export function createAdminApi(opts: AdminApiOptions): AdminApi {
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
  const call = <T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown) => client.json<T>(method, path, body);

  return {
    health: () => call<HealthResponse>('GET', '/api/health'),
    setup: (body) => call<SessionResponse>('POST', '/api/setup', body),
    listUsers: async () => (await call<{ users: PublicUser[] }>('GET', '/api/users')).users,
    createUser: async (body) => (await call<{ user: PublicUser }>('POST', '/api/users', body)).user,
    updateUser: async (id, body) => (await call<{ user: PublicUser }>('PATCH', `/api/users/${encodeURIComponent(id)}`, body)).user,
    listInvites: async () => (await call<{ invites: PublicInvite[] }>('GET', '/api/invites')).invites,
    createInvite: (body) => call<PublicInvite>('POST', '/api/invites', body),
    revokeInvite: (id) => call<void>('DELETE', `/api/invites/${encodeURIComponent(id)}`),
    getTaxonomy: () => call<OrgTaxonomyResponse>('GET', '/api/org/taxonomy'),
    putTaxonomy: (taxonomy) => call<OrgTaxonomyResponse>('PUT', '/api/org/taxonomy', taxonomy),
    eventHistory: async (id) => (await call<{ history: HistoryEntry[] }>('GET', `/api/events/${encodeURIComponent(id)}/history`)).history,
  };
}

/** Whether the browser says it has no network (a failed request says so too). */
export function browserOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}
