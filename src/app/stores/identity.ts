/**
 * Who writes: the identity the ledger stamps on every record (createdBy, updatedBy, orgId, and
 * the role that decides whether an edit sends an approved event back to review). The session
 * store sets it as it signs in, joins, signs out or loads; it also follows the stored session
 * (meta 'session') live, for a sign-in made in another tab. Its own small store so that the
 * logging route, which stamps records, does not carry the session store's account code.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Identity } from '../db/event-repository';
import { observe } from '../db/live';
import { readMeta } from '../db/meta-values';

/** Meta key of the stored session. */
export const SESSION_KEY = 'session';

/** The identity of a phone nobody has signed in on. */
export const NO_IDENTITY: Identity = { userId: '', orgId: '', role: null };

/** The identity a stored session value names (NO_IDENTITY for anything else). */
export function identityOf(session: unknown): Identity {
  if (!session || typeof session !== 'object') return NO_IDENTITY;
  const s = session as Record<string, unknown>;
  const role = s.role === 'admin' || s.role === 'staff' || s.role === 'volunteer' ? s.role : null;
  return { userId: typeof s.userId === 'string' ? s.userId : '', orgId: typeof s.orgId === 'string' ? s.orgId : '', role };
}

/** `identity`; `adopt(session value)` (the session store); `ready()` once the stored one is known. */
export const useIdentityStore = defineStore('identity', () => {
  const identity = ref<Identity>(NO_IDENTITY);
  let known = false;
  /** Counts adoptions, so a live read that began before one never undoes it. */
  let version = 0;

  function adopt(session: unknown): void {
    version += 1;
    known = true;
    identity.value = identityOf(session);
  }

  observe(
    async () => ({ since: version, value: await readMeta(SESSION_KEY) }),
    ({ since, value }) => {
      if (since !== version) return;
      known = true;
      identity.value = identityOf(value);
    },
    () => {
      identity.value = NO_IDENTITY;
    },
  );

  let reading: Promise<void> | null = null;
  /** Resolves once the stored identity is known (a write waits for it: see the ledger store). */
  function ready(): Promise<void> {
    if (known) return Promise.resolve();
    reading ??= (async () => {
      const since = version;
      const value = await readMeta(SESSION_KEY);
      if (since === version) adopt(value);
    })();
    return reading;
  }

  return { identity, adopt, ready };
});
