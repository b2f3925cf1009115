/**
 * The sync Transport over HTTP, on the phone's one HTTP client (http-client.ts: token, timeout,
 * every failure one ApiError). Gzips large request bodies with CompressionStream where the
 * browser has it, falling back to plain JSON for good if the server refuses the encoding. A 401
 * becomes 'unauthorized' and nothing else happens: local data is never touched here.
 */
import { ApiError } from './api-error';
import { createHttpClient, type HttpClientOptions } from './http-client';
import { PROTOCOL_VERSION, type PullResponse, type PushRequest, type PushResponse, type RecoverResponse } from './protocol';
import type { Transport } from './transport';

/** Bodies shorter than this go uncompressed: gzip would not pay for its header. */
const GZIP_MIN_BYTES = 1024;

/** How the HTTP transport reaches the server: the client's options, and whether to gzip. */
export interface HttpTransportOptions extends Pick<HttpClientOptions, 'baseUrl' | 'token' | 'fetch' | 'timeoutMs'> {
  /** Gzip request bodies; default: when CompressionStream exists. */
  gzip?: boolean;
}

async function gzipped(text: string): Promise<ArrayBuffer> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}

function isPushResponse(x: unknown): x is PushResponse {
  if (!x || typeof x !== 'object') return false;
  const r = x as Record<string, unknown>;
  return (
    typeof r.lastAppliedSeq === 'number' &&
    typeof r.epoch === 'string' &&
    Array.isArray(r.results) &&
    r.results.every(
      (m: unknown) =>
        !!m &&
        typeof m === 'object' &&
        typeof (m as { seq?: unknown }).seq === 'number' &&
        ['applied', 'skipped', 'rejected'].includes(String((m as { status?: unknown }).status)),
    )
  );
}

function isPullResponse(x: unknown): x is PullResponse {
  if (!x || typeof x !== 'object') return false;
  const r = x as Record<string, unknown>;
  return (
    Array.isArray(r.rows) &&
    typeof r.cursor === 'number' &&
    typeof r.more === 'boolean' &&
    typeof r.epoch === 'string' &&
    (r.scope === undefined || typeof r.scope === 'string') &&
    (r.dropped === undefined || (Array.isArray(r.dropped) && r.dropped.every((d) => typeof d === 'string'))) &&
    (r.totals === undefined || Array.isArray(r.totals)) &&
    (r.totalsKey === undefined || typeof r.totalsKey === 'string')
  );
}

function isRecoverResponse(x: unknown): x is RecoverResponse {
  if (!x || typeof x !== 'object') return false;
  const r = x as Record<string, unknown>;
  return typeof r.epoch === 'string' && Array.isArray(r.results);
}

/** Makes the HTTP transport. */
export function createHttpTransport(opts: HttpTransportOptions): Transport {
  const client = createHttpClient(opts);
  let gzip = opts.gzip ?? typeof CompressionStream !== 'undefined';
  const request = client.send;

  async function json(res: Response): Promise<unknown> {
    try {
      return await res.json();
    } catch (e) {
      throw new ApiError('server', 'the server answered something that is not JSON', { status: res.status, cause: e });
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
        const unreadable = e instanceof ApiError && (e.status === 415 || (e.status === 400 && e.code === 'badJson'));
        if (!unreadable) throw e;
        gzip = false;
      }
    }
    return request('POST', path, { bytes: text, type: 'application/json' });
  }

  return {
    async push(req: PushRequest): Promise<PushResponse> {
      const body = await json(await postJson('/api/sync/push', req));
      if (!isPushResponse(body)) throw new ApiError('server', 'push answer has the wrong shape', { status: 200 });
      return body;
    },
    async pull(cursor: number, limit: number, epoch: string | null, scope?: string | null, totalsKey?: string | null): Promise<PullResponse> {
      const scoped =
        (scope === undefined ? '' : `&scope=${encodeURIComponent(scope ?? '')}`) + (totalsKey ? `&totalsKey=${encodeURIComponent(totalsKey)}` : '');
      // `awards=1`: this build stores award rows (protocol.ts, pull query).
      const res = await request('GET', `/api/sync/pull?cursor=${cursor}&limit=${limit}&epoch=${epoch ?? ''}${scoped}&awards=1`);
      const body = await json(res);
      if (!isPullResponse(body)) throw new ApiError('server', 'pull answer has the wrong shape', { status: 200 });
      return { ...body, v: PROTOCOL_VERSION };
    },
    async recover(req): Promise<RecoverResponse> {
      const body = await json(await postJson('/api/sync/recover', req));
      if (!isRecoverResponse(body)) throw new ApiError('server', 'recover answer has the wrong shape', { status: 200 });
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
