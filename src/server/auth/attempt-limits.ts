/**
 * Attempt limits on the routes that check a secret: login (per account and per address) and
 * setup/join (per address, against guessing codes). The counters live in the store, so every
 * server process over one database counts the same attempts and a restart forgets none.
 *
 * An attempt is counted BEFORE the secret is checked: a request that finds its key over the
 * limit is refused without checking anything, and requests that arrive together are counted one
 * after another by the store (an atomic increment), so no burst can slip past while scrypt runs.
 * A successful login resets its account's counter; the address counters only expire.
 */
import { fail } from '../errors.js';
import type { Store } from '../store/store.js';

export type LimitKind = 'loginAccount' | 'loginAddress' | 'codeAddress';

export interface LimitSettings {
  /** Attempts allowed per window, by kind. */
  max: Record<LimitKind, number>;
  /** Length of a window, starting at its first attempt (ms). */
  windowMs: number;
}

/** How each kind's keys are spelled in the store (one table for all). */
const PREFIX: Record<LimitKind, string> = {
  loginAccount: 'login:account:',
  loginAddress: 'login:address:',
  codeAddress: 'code:address:',
};

export class AttemptLimits {
  private lastPrune = 0;

  constructor(
    private readonly store: Store,
    readonly settings: LimitSettings,
    private readonly clock: () => number,
  ) {}

  /**
   * Counts one attempt of `kind` by `who` (an address or a username); over the limit, fails with
   * 429 `rateLimited`.
   */
  async count(kind: LimitKind, who: string): Promise<void> {
    const now = this.clock();
    const { hits } = await this.store.hitLimit(PREFIX[kind] + who, now, this.settings.windowMs);
    if (hits > this.settings.max[kind]) fail('rateLimited');
  }

  /** Forgets the attempts of `kind` by `who` (after a successful login). */
  async reset(kind: LimitKind, who: string): Promise<void> {
    await this.store.resetLimit(PREFIX[kind] + who);
  }

  /** Whether a prune is due (at most one per window per process); marks it done. */
  pruneDue(): boolean {
    const now = this.clock();
    if (now - this.lastPrune < this.settings.windowMs) return false;
    this.lastPrune = now;
    return true;
  }
}
