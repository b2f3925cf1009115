/**
 * When a bearer token expires: after `idleMs` without use, or `maxMs` after it was issued,
 * whichever comes first (SESSION_IDLE_DAYS / SESSION_MAX_DAYS). An expired token is answered
 * 401 `sessionExpired`, so the phone can say the sign-in expired (not that it was revoked);
 * its data stays on the phone either way.
 *
 * Last use is written at most once per TOUCH_INTERVAL_MS per token: idle expiry is measured in
 * days, so a minute of slack costs nothing and spares a write on almost every request.
 */
import type { TokenSession, TokenTimes } from '../store/store.js';

export const DAY_MS = 86_400_000;
export const DEFAULT_SESSION_IDLE_DAYS = 30;
export const DEFAULT_SESSION_MAX_DAYS = 180;
export const TOUCH_INTERVAL_MS = 60_000;
/**
 * Expired tokens are kept this long after expiring, so a phone back after weeks still hears
 * "expired" rather than "unknown", then pruned.
 */
export const EXPIRED_TOKEN_KEEP_MS = 30 * DAY_MS;

export interface SessionLifetime {
  idleMs: number;
  maxMs: number;
}

/** The instants a lookup at `now` is judged by. */
export function tokenTimes(now: Date, life: SessionLifetime): TokenTimes {
  const t = now.getTime();
  return {
    now: now.toISOString(),
    idleSince: new Date(t - life.idleMs).toISOString(),
    createdSince: new Date(t - life.maxMs).toISOString(),
    touchBefore: new Date(t - TOUCH_INTERVAL_MS).toISOString(),
  };
}

/** Whether the session had expired at the lookup (judged on its last use before that lookup). */
export function isExpired(s: Pick<TokenSession, 'createdAt' | 'lastUsedAt'>, times: TokenTimes): boolean {
  return s.lastUsedAt < times.idleSince || s.createdAt < times.createdSince;
}

/** What pruneAuth may delete at `now`: tokens expired for EXPIRED_TOKEN_KEEP_MS. */
export function prunableTokens(now: Date, life: SessionLifetime): { tokensUsedBefore: string; tokensCreatedBefore: string } {
  const t = now.getTime() - EXPIRED_TOKEN_KEEP_MS;
  return { tokensUsedBefore: new Date(t - life.idleMs).toISOString(), tokensCreatedBefore: new Date(t - life.maxMs).toISOString() };
}
