/**
 * The seam between the sync engine and the network: push, pull and blobs. `http-transport.ts`
 * implements it with fetch (the only fetch in the app); tests drive the same engine through a
 * fault-injecting fetch over the real server's inject().
 */
import type { PullResponse, PushRequest, PushResponse, RecoverRequest, RecoverResponse } from './protocol';

/**
 * Why a request failed, as the engine and the badge need to tell it:
 * - offline: no answer (no network, timeout, connection cut) — weather, not an error; retry later.
 * - unauthorized: the server says the token is no longer valid (401) — ask to sign in again,
 *   touch nothing local.
 * - rejected: the server refused this request for good (other 4xx), with its message.
 * - server: the server failed or answered nonsense (5xx, 429, bad body) — retry with backoff.
 */
export type TransportErrorKind = 'offline' | 'unauthorized' | 'rejected' | 'server';

/** A failed request, classified; the original failure is kept as `cause`. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
    readonly status: number | null = null,
    options?: { cause?: unknown; code?: string },
  ) {
    super(message, options);
    this.code = options?.code ?? null;
  }
  /** The server's error code (ApiError.error), when it sent one. */
  readonly code: string | null;
}

/**
 * The server's ledger is not the copy this device synced with (it was restored from a backup):
 * the answer to a push, pull or recovery made under another epoch. Nothing was applied. The
 * engine sends back what the device holds, then pulls from 0 (sync-engine.ts).
 */
export class EpochChangedError extends Error {
  override readonly name = 'EpochChangedError';
  constructor(readonly epoch: string) {
    super(`the server's ledger was restored (epoch ${epoch})`);
  }
}

/** Whether a thrown value is a TransportError of the given kind. */
export function isTransportError(e: unknown, kind?: TransportErrorKind): e is TransportError {
  return e instanceof TransportError && (kind === undefined || e.kind === kind);
}

/** What the sync engine asks of the network. Every method throws TransportError on failure. */
export interface Transport {
  /** POST /api/sync/push; EpochChangedError when `req.epoch` is not the server's. */
  push(req: PushRequest): Promise<PushResponse>;
  /**
   * GET /api/sync/pull?cursor=&limit=&epoch=; EpochChangedError when `epoch` is not the
   * server's (or is null while `cursor` > 0).
   */
  pull(cursor: number, limit: number, epoch: string | null): Promise<PullResponse>;
  /** POST /api/sync/recover; EpochChangedError when the server's epoch moved on again. */
  recover(req: RecoverRequest): Promise<RecoverResponse>;
  /** PUT /api/blobs/{sha256}; idempotent. */
  putBlob(hash: string, blob: Blob, type: string): Promise<void>;
  /** GET /api/blobs/{sha256}. */
  getBlob(hash: string): Promise<Blob>;
}
