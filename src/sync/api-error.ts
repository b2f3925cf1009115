/**
 * The one error of every HTTP call the phone makes (sync, account, admin, taxonomy): the
 * http-client.ts classifies each failure once, and the sync engine, the stores and the screens
 * tell failures apart by `kind` and find their words by `reason`.
 */
import type { Problem } from '../domain/problems';

/**
 * Why a request failed:
 * - offline: no answer (no network, timeout, connection cut, or a proxy with no server behind it
 *   where the caller counts that as offline) — weather, not an error; retry later.
 * - unauthorized: 401 — for a request that carried a token, the server no longer accepts it: ask
 *   to sign in again and touch nothing local; for one without (a login), the credentials.
 * - rejected: the server refused this request for good (other 4xx), with its code and problems.
 * - server: the server failed or answered nonsense (5xx, 429, 408, a body of the wrong shape) —
 *   retry with backoff.
 */
export type ApiErrorKind = 'offline' | 'unauthorized' | 'rejected' | 'server';

/** A failed request, classified; the original failure is kept as `cause`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** The HTTP status, or null without an answer. */
  readonly status: number | null;
  /** The server's error code (its ApiError.error), or null when it sent none. */
  readonly code: string | null;
  /** The server's field problems (400 invalid), else empty. */
  readonly problems: readonly Problem[];
  /** What a screen finds its words by: the server's code, else 'offline', 'server' or `http<status>`. */
  readonly reason: string;

  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    options: { status?: number | null; code?: string | null; problems?: readonly Problem[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status ?? null;
    this.code = options.code ?? null;
    this.problems = options.problems ?? [];
    this.reason = this.code ?? (this.status === null ? 'offline' : kind === 'server' ? 'server' : `http${this.status}`);
  }
}
