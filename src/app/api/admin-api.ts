/**
 * The phone's calls to the account-administration and org routes: setup, users, invites and the
 * org taxonomy (the only place these routes are called). Uses the session's server URL and bearer
 * token. Every failure is an AdminApiError whose `kind` the screens turn into plain words:
 * 'offline' (no answer: show 需要联网, never an error dump), 'unauthorized' (401: the session is
 * marked expired, nothing local is touched), 'forbidden', 'rejected' (4xx with the API's code and
 * problems) and 'server' (5xx, 429).
 */
import type {
  CreateUserRequest,
  InviteRequest,
  PublicInvite,
  PublicUser,
  SessionResponse,
  SetupRequest,
  UpdateUserRequest,
} from '../../domain/account';
import type { HistoryEntry } from '../../domain/review';
import type { Taxonomy } from '../../domain/taxonomy';
import { useSessionStore } from '../stores/session';

export type AdminApiErrorKind = 'offline' | 'unauthorized' | 'forbidden' | 'rejected' | 'server';

export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';
  constructor(
    readonly kind: AdminApiErrorKind,
    /** The API's error code ('offline' when there was no answer). */
    readonly code: string,
    readonly status: number | null,
    readonly problems: { field: string; code: string }[] = [],
    options?: { cause?: unknown },
  ) {
    super(`${kind}: ${code}`, options);
  }
}

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
  const timeoutMs = opts.timeoutMs ?? 20_000;

  async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
    const headers: Record<string, string> = {};
    await opts.ready?.();
    const token = opts.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const controller = typeof AbortController !== 'undefined' ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), timeoutMs) : null;
    let res: Response;
    try {
      res = await doFetch(opts.baseUrl().replace(/\/+$/, '') + path, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(controller ? { signal: controller.signal } : {}),
      });
    } catch (e) {
      throw new AdminApiError('offline', 'offline', null, [], { cause: e });
    } finally {
      if (timer) clearTimeout(timer);
    }
    if (res.status === 204) return undefined as T;
    let json: unknown = null;
    try {
      json = await res.json();
    } catch {
      // Not JSON: a proxy's page or a fault; the status says enough.
    }
    if (res.ok) {
      if (json === null) throw new AdminApiError('server', 'notJson', res.status);
      return json as T;
    }
    const b = (json && typeof json === 'object' ? json : {}) as { error?: unknown; problems?: unknown };
    const code = typeof b.error === 'string' ? b.error : `http${res.status}`;
    const problems = Array.isArray(b.problems) ? (b.problems as { field: string; code: string }[]) : [];
    if (res.status === 401 && path !== '/api/setup') {
      // Only a token the server refused says the session is over; a request sent without one does not.
      if (token) opts.onUnauthorized?.(code);
      throw new AdminApiError('unauthorized', code, 401, problems);
    }
    // A proxy with no server behind it answers 502/503/504: the server cannot be reached.
    if (res.status === 502 || res.status === 504) throw new AdminApiError('offline', code, res.status, problems);
    const kind: AdminApiErrorKind = res.status >= 500 || res.status === 429 ? 'server' : res.status === 403 && code === 'forbidden' ? 'forbidden' : 'rejected';
    throw new AdminApiError(kind, code, res.status, problems);
  }

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

/**
 * The API bound to the signed-in session. `serverUrl` overrides the session's (setup, before
 * anyone has signed in on this phone).
 */
export function useAdminApi(serverUrl?: () => string): AdminApi {
  const session = useSessionStore();
  return createAdminApi({
    baseUrl: serverUrl ?? (() => session.session?.serverUrl ?? ''),
    token: () => (session.signedIn ? (session.session?.token ?? null) : null),
    ready: () => session.ready(),
    onUnauthorized: (code) => void session.markExpired(code),
  });
}

/** Whether the browser says it has no network (a failed request says so too). */
export function browserOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}
