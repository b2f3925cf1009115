/**
 * The user behind a token hash, remembered for a few seconds so an authenticated request does
 * not cost a database lookup (PostgreSQL: a round trip) every time. Used by both stores inside
 * userByToken / deleteToken / updateUser, so every revocation made through this process
 * (logout, disabling, a new password, any user change) takes effect at once:
 *
 * - the store forgets the entries after its write has committed;
 * - a lookup that was already reading the database when an invalidation happened may have read
 *   the old row: it is not cached (`epoch` changed meanwhile), only returned to its request,
 *   which began before the revocation.
 *
 * A change made by another process over the same database (a second server on PostgreSQL) is
 * seen after at most `ttlMs`.
 */
import type { UserRow } from '../store/store.js';

export const TOKEN_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  user: UserRow;
  until: number;
}

export class TokenCache {
  private readonly byHash = new Map<string, Entry>();
  private currentEpoch = 0;

  constructor(
    private readonly ttlMs = TOKEN_CACHE_TTL_MS,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Changes on every invalidation; take it before reading the database, give it to set(). */
  get epoch(): number {
    return this.currentEpoch;
  }

  get(tokenHash: string): UserRow | undefined {
    const e = this.byHash.get(tokenHash);
    if (!e) return undefined;
    if (e.until <= this.clock()) {
      this.byHash.delete(tokenHash);
      return undefined;
    }
    return { ...e.user };
  }

  /** Remembers a lookup's answer unless something was invalidated since `epoch` was read. */
  set(tokenHash: string, user: UserRow, epoch: number): void {
    if (epoch !== this.currentEpoch) return;
    if (this.byHash.size >= MAX_ENTRIES) this.byHash.clear();
    this.byHash.set(tokenHash, { user: { ...user }, until: this.clock() + this.ttlMs });
  }

  forgetToken(tokenHash: string): void {
    this.currentEpoch += 1;
    this.byHash.delete(tokenHash);
  }

  forgetUser(userId: string): void {
    this.currentEpoch += 1;
    for (const [hash, e] of this.byHash) if (e.user.id === userId) this.byHash.delete(hash);
  }
}
