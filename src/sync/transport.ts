/**
 * The seam between the sync engine and the network: push, pull and blobs. `http-transport.ts`
 * implements it on the app's one HTTP client (http-client.ts); tests drive the same engine
 * through a fault-injecting fetch over the real server's inject().
 */
import type { PullResponse, PushRequest, PushResponse, RecoverRequest, RecoverResponse } from './protocol';

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

/** What the sync engine asks of the network. Every method throws ApiError (api-error.ts) on failure. */
export interface Transport {
  /** POST /api/sync/push; EpochChangedError when `req.epoch` is not the server's. */
  push(req: PushRequest): Promise<PushResponse>;
  /**
   * GET /api/sync/pull?cursor=&limit=&epoch=&scope=; EpochChangedError when `epoch` is not the
   * server's (or is null while `cursor` > 0). `scope`: the scope the device's rows belong to (null:
   * none yet; sent as empty), which also says the device understands scoped answers; left out
   * (undefined) by callers from before scopes. `totalsKey`: the name of the org totals the device
   * holds (null: none), so the server leaves out totals that have not changed.
   */
  pull(cursor: number, limit: number, epoch: string | null, scope?: string | null, totalsKey?: string | null): Promise<PullResponse>;
  /** POST /api/sync/recover; EpochChangedError when the server's epoch moved on again. */
  recover(req: RecoverRequest): Promise<RecoverResponse>;
  /** PUT /api/blobs/{sha256}; idempotent. */
  putBlob(hash: string, blob: Blob, type: string): Promise<void>;
  /** GET /api/blobs/{sha256}. */
  getBlob(hash: string): Promise<Blob>;
}
