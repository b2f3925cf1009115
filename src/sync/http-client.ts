/**
 * The phone's one HTTP client: every call to the server — sync (http-transport.ts), account,
 * admin and the org taxonomy (src/app/api) — goes through `send`, which adds the bearer token,
 * gives up after a timeout, and turns every failure into one ApiError (api-error.ts), or an
 * EpochChangedError for a 409 `epochChanged`. It lives in src/sync so that the sync engine's
 * transport and the app's APIs share it without app code below sync (domain ← sync ← app).
 */
import type { Problem } from '../domain/problems';
import { ApiError, type ApiErrorKind } from './api-error';
import { EPOCH_CHANGED } from './protocol';
import { EpochChangedError } from './transport';

/** How the client reaches the server. */
export interface HttpClientOptions {
  /** Origin of the server, '' for the page's own origin. Read on every request. */
  baseUrl(): string;
  /**
   * The bearer token, or null when never signed in. Read on every request, and awaited: a caller
   * whose session is still loading answers once it knows (so no request goes out without it).
   */
  token(): string | null | Promise<string | null>;
  /** The fetch to use (tests pass one over the server's inject()). */
  fetch?: typeof fetch;
  /** Give up on a request after this long (ms); counts as offline. Default 30 s. */
  timeoutMs?: number;
  /** Called on a 401 to a request that carried a token, with the server's code (`sessionExpired`, …). */
  onUnauthorized?(code: string | null): void;
  /** Read 502 and 504 (a proxy with no server behind it) as offline rather than as a server failure. */
  gatewayErrorsAreOffline?: boolean;
}

/** A request body: bytes and their type (and encoding, when compressed). */
export interface RequestBody {
  bytes: BodyInit;
  type: string;
  encoding?: string;
}

/** The client. */
export interface HttpClient {
  /** One request; resolves with a 2xx response, else throws ApiError (or EpochChangedError). */
  send(method: string, path: string, body?: RequestBody): Promise<Response>;
  /** A JSON request (body optional) answering the parsed JSON body, or undefined for 204. */
  json<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/** The error answer's message, code, problems and epoch, or the status line when it is not JSON. */
async function errorOf(res: Response): Promise<{ message: string; code: string | null; problems: Problem[]; epoch?: string }> {
  try {
    const body: unknown = await res.json();
    if (body && typeof body === 'object') {
      const b = body as { message?: unknown; error?: unknown; epoch?: unknown; problems?: unknown };
      return {
        message: typeof b.message === 'string' ? b.message : `HTTP ${res.status}`,
        code: typeof b.error === 'string' ? b.error : null,
        problems: Array.isArray(b.problems) ? (b.problems as Problem[]) : [],
        ...(typeof b.epoch === 'string' ? { epoch: b.epoch } : {}),
      };
    }
  } catch {
    // Not JSON: a proxy's page or a fault; the status line says enough.
  }
  return { message: `HTTP ${res.status}`, code: null, problems: [] };
}

/** Makes the client. */
export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const timeoutMs = opts.timeoutMs ?? 30_000;

  async function send(method: string, path: string, body?: RequestBody): Promise<Response> {
    const headers: Record<string, string> = {};
    const token = await opts.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body) {
      headers['content-type'] = body.type;
      if (body.encoding) headers['content-encoding'] = body.encoding;
    }
    const controller = typeof AbortController !== 'undefined' ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), timeoutMs) : null;
    let res: Response;
    try {
      res = await doFetch(opts.baseUrl().replace(/\/+$/, '') + path, {
        method,
        headers,
        ...(body ? { body: body.bytes } : {}),
        ...(controller ? { signal: controller.signal } : {}),
      });
    } catch (e) {
      throw new ApiError('offline', `no answer from the server (${method} ${path})`, { cause: e });
    } finally {
      if (timer) clearTimeout(timer);
    }
    if (res.ok) return res;
    const { message, code, problems, epoch } = await errorOf(res);
    if (res.status === 409 && code === EPOCH_CHANGED && epoch !== undefined) throw new EpochChangedError(epoch);
    if (res.status === 401 && token) opts.onUnauthorized?.(code);
    const gateway = opts.gatewayErrorsAreOffline && (res.status === 502 || res.status === 504);
    const kind: ApiErrorKind =
      res.status === 401 ? 'unauthorized' : gateway ? 'offline' : res.status >= 500 || res.status === 429 || res.status === 408 ? 'server' : 'rejected';
    throw new ApiError(kind, message, { status: res.status, code, problems });
  }

  async function json<T>(method: string, path: string, payload?: unknown): Promise<T> {
    const res = await send(method, path, payload === undefined ? undefined : { bytes: JSON.stringify(payload), type: 'application/json' });
    if (res.status === 204) return undefined as T;
    try {
      return (await res.json()) as T;
    } catch (e) {
      throw new ApiError('server', 'the server answered something that is not JSON', { status: res.status, cause: e });
    }
  }

  return { send, json };
}
