/**
 * The app's only fetch: the sync Transport over HTTP. Sends the bearer token, gzips large request
 * bodies with CompressionStream where the browser has it (falling back to plain JSON for good if
 * the server refuses the encoding), and classifies every failure (see TransportErrorKind): a 401
 * becomes 'unauthorized' and nothing else happens — local data is never touched here.
 */
import { EPOCH_CHANGED, PROTOCOL_VERSION, type PullResponse, type PushRequest, type PushResponse, type RecoverResponse } from './protocol';
import { EpochChangedError, TransportError, type Transport } from './transport';

/** Bodies shorter than this go uncompressed: gzip would not pay for its header. */
const GZIP_MIN_BYTES = 1024;

/** How the HTTP transport reaches the server. */
export interface HttpTransportOptions {
  /** Origin of the server, '' for the page's own origin. Read on every request. */
  baseUrl(): string;
  /**
   * The bearer token, or null when never signed in. Read on every request, and awaited: a caller
   * whose session is still loading answers once it knows (so no request goes out without it).
   */
  token(): string | null | Promise<string | null>;
  /** The fetch to use (tests pass one over the server's inject()). */
  fetch?: typeof fetch;
  /** Gzip request bodies; default: when CompressionStream exists. */
  gzip?: boolean;
  /** Give up on a request after this long (ms); counts as offline. */
  timeoutMs?: number;
}

async function gzipped(text: string): Promise<ArrayBuffer> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}

/** The message and code of an error answer (ApiError), or the status line when it is not JSON. */
async function errorOf(res: Response): Promise<{ message: string; code?: string; epoch?: string }> {
  try {
    const body: unknown = await res.json();
    if (body && typeof body === 'object') {
      const b = body as { message?: unknown; error?: unknown; epoch?: unknown };
      return {
        message: typeof b.message === 'string' ? b.message : `HTTP ${res.status}`,
        ...(typeof b.error === 'string' ? { code: b.error } : {}),
        ...(typeof b.epoch === 'string' ? { epoch: b.epoch } : {}),
      };
    }
  } catch {
    // Not JSON: the status line says enough.
  }
  return { message: `HTTP ${res.status}` };
}

function isPushResponse(x: unknown): x is PushResponse {
  if (!x || typeof x !== 'object') return false;
  const r = x as Record<string, unknown>;
  return typeof r.lastAppliedSeq === 'number' && typeof r.epoch === 'string' && Array.isArray(r.results)
    && r.results.every((m: unknown) => !!m && typeof m === 'object' && typeof (m as { seq?: unknown }).seq === 'number'
      && ['applied', 'skipped', 'rejected'].includes(String((m as { status?: unknown }).status)));
}

function isPullResponse(x: unknown): x is PullResponse {
  if (!x || typeof x !== 'object') return false;
  const r = x as Record<string, unknown>;
  return Array.isArray(r.rows) && typeof r.cursor === 'number' && typeof r.more === 'boolean' && typeof r.epoch === 'string';
}

function isRecoverResponse(x: unknown): x is RecoverResponse {
  if (!x || typeof x !== 'object') return false;
  const r = x as Record<string, unknown>;
  return typeof r.epoch === 'string' && Array.isArray(r.results);
}

/** Makes the HTTP transport. */
export function createHttpTransport(opts: HttpTransportOptions): Transport {
  const doFetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let gzip = opts.gzip ?? typeof CompressionStream !== 'undefined';
  const timeoutMs = opts.timeoutMs ?? 30_000;

  async function request(method: string, path: string, body?: { bytes: BodyInit; type: string; encoding?: string }): Promise<Response> {
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
      res = await doFetch(opts.baseUrl() + path, { method, headers, body: body?.bytes, signal: controller?.signal });
    } catch (e) {
      throw new TransportError('offline', `no answer from the server (${method} ${path})`, null, { cause: e });
    } finally {
      if (timer) clearTimeout(timer);
    }
    if (res.ok) return res;
    const { message, code, epoch } = await errorOf(res);
    if (res.status === 409 && code === EPOCH_CHANGED && epoch !== undefined) throw new EpochChangedError(epoch);
    const kind = res.status === 401 ? 'unauthorized' : res.status >= 500 || res.status === 429 || res.status === 408 ? 'server' : 'rejected';
    throw new TransportError(kind, message, res.status, code === undefined ? {} : { code });
  }

  async function json(res: Response): Promise<unknown> {
    try {
      return await res.json();
    } catch (e) {
      throw new TransportError('server', 'the server answered something that is not JSON', res.status, { cause: e });
    }
  }

  async function postJson(path: string, payload: unknown): Promise<Response> {
    const text = JSON.stringify(payload);
    if (gzip && text.length >= GZIP_MIN_BYTES) {
      try {
        return await request('POST', path, { bytes: await gzipped(text), type: 'application/json', encoding: 'gzip' });
      } catch (e) {
        // A server without request decompression refuses the encoding (415), or reads the gzip
        // bytes as broken JSON (400 badJson): send plain from now on. Other refusals stand.
        const unreadable = e instanceof TransportError && (e.status === 415 || (e.status === 400 && e.code === 'badJson'));
        if (!unreadable) throw e;
        gzip = false;
      }
    }
    return request('POST', path, { bytes: text, type: 'application/json' });
  }

  return {
    async push(req: PushRequest): Promise<PushResponse> {
      const body = await json(await postJson('/api/sync/push', req));
      if (!isPushResponse(body)) throw new TransportError('server', 'push answer has the wrong shape', 200);
      return body;
    },
    async pull(cursor: number, limit: number, epoch: string | null): Promise<PullResponse> {
      const res = await request('GET', `/api/sync/pull?cursor=${cursor}&limit=${limit}&epoch=${epoch ?? ''}`);
      const body = await json(res);
      if (!isPullResponse(body)) throw new TransportError('server', 'pull answer has the wrong shape', 200);
      return { ...body, v: PROTOCOL_VERSION };
    },
    async recover(req): Promise<RecoverResponse> {
      const body = await json(await postJson('/api/sync/recover', req));
      if (!isRecoverResponse(body)) throw new TransportError('server', 'recover answer has the wrong shape', 200);
      return body;
    },
    async putBlob(hash: string, blob: Blob, type: string): Promise<void> {
      await request('PUT', `/api/blobs/${hash}`, { bytes: blob, type });
    },
    async getBlob(hash: string): Promise<Blob> {
      const res = await request('GET', `/api/blobs/${hash}`);
      return res.blob();
    },
  };
}

/**
 * An account request the server refused, or could not be asked: `code` is the API's error code or
 * 'offline'; `status` the HTTP status (null without an answer).
 */
export class AccountError extends Error {
  override readonly name = 'AccountError';
  constructor(
    readonly code: string,
    message: string,
    readonly problems: { field: string; code: string }[] = [],
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options);
    this.status = options?.status ?? null;
  }
  readonly status: number | null;
}

/**
 * Calls an account route (/api/login, /api/join, /api/logout, /api/me, /api/me/password) on
 * `serverUrl` ('' for this origin). Answers the parsed JSON (null for 204); throws AccountError.
 */
export async function callAccountApi(
  serverUrl: string,
  method: 'GET' | 'POST',
  path: string,
  opts: { body?: unknown; token?: string | null; fetch?: typeof fetch } = {},
): Promise<unknown> {
  const doFetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await doFetch(serverUrl.replace(/\/+$/, '') + path, {
      method,
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
  } catch (e) {
    throw new AccountError('offline', `no answer from ${serverUrl || 'this site'}`, [], { cause: e });
  }
  if (res.status === 204) return null;
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON: a proxy page or a server fault; the status tells.
  }
  if (res.ok) return body;
  const b = (body && typeof body === 'object' ? body : {}) as { error?: unknown; message?: unknown; problems?: unknown };
  const code = typeof b.error === 'string' ? b.error : res.status >= 500 ? 'server' : `http${res.status}`;
  const problems = Array.isArray(b.problems) ? (b.problems as { field: string; code: string }[]) : [];
  throw new AccountError(code, typeof b.message === 'string' ? b.message : `HTTP ${res.status}`, problems, { status: res.status });
}
