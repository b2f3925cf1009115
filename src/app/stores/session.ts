/**
 * Who is signed in on this phone; every sign-in, join, sign-out and load sets who writes (the
 * identity store, which the ledger stamps on every record). The last session lives in meta
 * 'session' ({userId, orgId, role, name, token, serverUrl} plus display extras), so the phone
 * keeps working offline with it for weeks. It
 * asks to sign in again ONLY when the server answers 401 (the sync store calls markExpired), and
 * signing in again never touches the ledger: unsynced records simply sync next.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ChangePasswordRequest, JoinRequest, LoginRequest, SessionResponse } from '../../domain/account';
import { ApiError } from '../../sync/api-error';
import type { AccountApi } from '../api/account-api';
import { deleteMeta, readMeta, writeMeta } from '../db/meta-values';
import { SESSION_KEY, useIdentityStore } from './identity';
import { ledgerDb } from '../db/database';
import { outboxCountIn } from '../db/my-events';

export { SESSION_KEY, identityOf, NO_IDENTITY } from './identity';

/** Refused: records of another user still wait to be pushed (`problems[0].code` says how many). */
export function otherUserPending(n: number): ApiError {
  return new ApiError('rejected', `${n} mutations of another user wait`, { code: 'otherUserPending', problems: [{ field: 'n', code: String(n) }] });
}

/** The stored session (meta 'session'). */
export interface StoredSession {
  userId: string;
  orgId: string;
  role: 'admin' | 'staff' | 'volunteer';
  name: string;
  /** The bearer token; null after signing out (the identity stays for records made offline). */
  token: string | null;
  /** Server origin, '' for the site the app was loaded from. */
  serverUrl: string;
  username: string;
  orgName: string;
  /** The server said the token is no longer valid: ask to sign in again. */
  expired: boolean;
  /**
   * Why, when `expired`: 'sessionExpired' (unused too long, or too old: the server's 401
   * `sessionExpired`) or 'revoked' (signed out elsewhere, password changed, disabled, or unknown).
   * Absent in sessions stored before it existed: read as 'revoked'.
   */
  expiredReason?: ExpiredReason;
}

/** Why the server refused a stored token. */
export type ExpiredReason = 'sessionExpired' | 'revoked';

/** The reason a 401 with the server's error `code` stands for. */
export function expiredReasonOf(code: string | null | undefined): ExpiredReason {
  return code === 'sessionExpired' ? 'sessionExpired' : 'revoked';
}

/** Whether a stored value looks like a session this version wrote. */
export function isStoredSession(x: unknown): x is StoredSession {
  if (!x || typeof x !== 'object') return false;
  const s = x as Record<string, unknown>;
  return (
    typeof s.userId === 'string' &&
    typeof s.orgId === 'string' &&
    typeof s.serverUrl === 'string' &&
    (s.token === null || typeof s.token === 'string') &&
    ['admin', 'staff', 'volunteer'].includes(String(s.role))
  );
}

/** The account API of a server; its code loads only when someone signs in, joins or signs out. */
async function accountApi(serverUrl: string): Promise<AccountApi> {
  return (await import('../api/account-api')).createAccountApi(serverUrl);
}

/** Builds the stored session from a login/join answer. */
export function sessionOf(res: SessionResponse, serverUrl: string): StoredSession {
  return {
    userId: res.user.id,
    orgId: res.user.orgId,
    role: res.user.role,
    name: res.user.name,
    token: res.token,
    serverUrl,
    username: res.user.username,
    orgName: res.org.name,
    expired: false,
  };
}

/** The session store: `session`, `identity`, `signedIn`, `needsSignIn`; sign in, join, sign out. */
export const useSessionStore = defineStore('session', () => {
  const session = ref<StoredSession | null>(null);
  const loaded = ref(false);
  /** Who writes (the identity store's): it stays after signing out, records made offline keep their author. */
  const identityStore = useIdentityStore();
  const identity = computed(() => identityStore.identity);

  /** A token the server has not refused. */
  const signedIn = computed(() => !!session.value?.token && !session.value.expired);
  /** The phone should show 请重新登录: never signed in, signed out, or the token was refused. */
  const needsSignIn = computed(() => !signedIn.value);
  const expired = computed(() => !!session.value?.expired);
  /** Why the sign-in ended, while `expired`; null otherwise. */
  const expiredReason = computed((): ExpiredReason | null => (session.value?.expired ? (session.value.expiredReason ?? 'revoked') : null));

  function adopt(value: unknown): StoredSession | null {
    identityStore.adopt(value);
    session.value = isStoredSession(value) ? { ...value, expired: !!value.expired } : null;
    loaded.value = true;
    return session.value;
  }

  async function load(): Promise<StoredSession | null> {
    return adopt(await readMeta(SESSION_KEY));
  }

  let loading: Promise<StoredSession | null> | null = null;
  /**
   * The session once it is known. The app loads it after the first screen (main.ts), but a screen
   * opened by URL may need it sooner (a photo to fetch): the first to ask loads it, once.
   */
  function ready(): Promise<StoredSession | null> {
    if (loaded.value) return Promise.resolve(session.value);
    loading ??= load().finally(() => {
      loading = null;
    });
    return loading;
  }

  async function save(next: StoredSession | null): Promise<void> {
    if (next) await writeMeta(SESSION_KEY, { ...next });
    else await deleteMeta(SESSION_KEY);
    adopt(next);
  }

  /**
   * Refuses to sign in as someone else while another user's records wait to be pushed: they
   * would reach the server under the wrong name.
   */
  async function assertSameUserOrNothingPending(userId: string): Promise<void> {
    const current = session.value ?? (await load());
    if (!current || current.userId === userId) return;
    const pending = await outboxCountIn(ledgerDb());
    if (pending > 0) throw otherUserPending(pending);
  }

  async function signIn(serverUrl: string, body: LoginRequest): Promise<StoredSession> {
    const res = await (await accountApi(serverUrl)).login(body);
    await assertSameUserOrNothingPending(res.user.id);
    const next = sessionOf(res, serverUrl);
    await save(next);
    return next;
  }

  async function join(serverUrl: string, body: JoinRequest): Promise<StoredSession> {
    // A new account has nothing on the server yet; another user's pending records would be
    // pushed under the new name, so the same guard applies.
    const current = session.value ?? (await load());
    const pending = current ? await outboxCountIn(ledgerDb()) : 0;
    if (pending > 0) throw otherUserPending(pending);
    const res = await (await accountApi(serverUrl)).join(body);
    const next = sessionOf(res, serverUrl);
    await save(next);
    return next;
  }

  /** Forgets the token (and tells the server, when it can be reached); keeps identity and ledger. */
  async function signOut(): Promise<void> {
    const current = session.value ?? (await load());
    if (!current) return;
    if (current.token) {
      try {
        await (await accountApi(current.serverUrl)).logout(current.token);
      } catch {
        // Offline or already revoked: the token is forgotten here either way.
      }
    }
    await save({ ...current, token: null, expired: false });
  }

  /**
   * The server refused the token (401, its error `code` says why): keep everything — ledger,
   * outbox, drafts — and ask to sign in again.
   */
  async function markExpired(code?: string | null): Promise<void> {
    const current = session.value ?? (await load());
    if (!current || current.expired) return;
    await save({ ...current, expired: true, expiredReason: expiredReasonOf(code) });
  }

  /**
   * POST /api/me/password. The server keeps this phone's token and ends the person's other
   * sessions, so nothing changes here; a 401 marks the session expired, like any other.
   */
  async function changePassword(body: ChangePasswordRequest): Promise<void> {
    const current = session.value ?? (await load());
    if (!current?.token || current.expired) throw new ApiError('unauthorized', 'not signed in', { code: 'unauthenticated' });
    try {
      await (await accountApi(current.serverUrl)).changePassword(current.token, body);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) await markExpired(e.code);
      throw e;
    }
  }

  return { session, identity, loaded, signedIn, needsSignIn, expired, expiredReason, load, ready, signIn, join, signOut, markExpired, changePassword };
});
