/**
 * Who is signed in on this phone. The last identity lives in meta 'session' ({userId, orgId,
 * role, name, token, serverUrl} plus display extras), so the phone keeps working offline with it
 * for weeks. It asks to sign in again ONLY when the server answers 401 (the sync store calls
 * markExpired), and signing in again never touches the ledger: unsynced records simply sync next.
 */
import { defineStore } from 'pinia';
import { computed, ref, toRaw } from 'vue';
import type { ChangePasswordRequest, JoinRequest, LoginRequest, SessionResponse } from '../../domain/account';
import { AccountError, callAccountApi } from '../../sync/http-transport';
import { useLedgerStore } from './ledger';

/** Meta key of the stored session. */
export const SESSION_KEY = 'session';

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
  return typeof s.userId === 'string' && typeof s.orgId === 'string' && typeof s.serverUrl === 'string'
    && (s.token === null || typeof s.token === 'string') && ['admin', 'staff', 'volunteer'].includes(String(s.role));
}

/** Builds the stored session from a login/join answer. */
export function sessionOf(res: SessionResponse, serverUrl: string): StoredSession {
  return {
    userId: res.user.id, orgId: res.user.orgId, role: res.user.role, name: res.user.name, token: res.token,
    serverUrl, username: res.user.username, orgName: res.org.name, expired: false,
  };
}

/** The session store: `session`, `signedIn`, `needsSignIn`; sign in, join, sign out. */
export const useSessionStore = defineStore('session', () => {
  const ledger = useLedgerStore();
  const db = () => toRaw(ledger.db);
  const session = ref<StoredSession | null>(null);
  const loaded = ref(false);

  /** A token the server has not refused. */
  const signedIn = computed(() => !!session.value?.token && !session.value.expired);
  /** The phone should show 请重新登录: never signed in, signed out, or the token was refused. */
  const needsSignIn = computed(() => !signedIn.value);
  const expired = computed(() => !!session.value?.expired);
  /** Why the sign-in ended, while `expired`; null otherwise. */
  const expiredReason = computed((): ExpiredReason | null => (session.value?.expired ? (session.value.expiredReason ?? 'revoked') : null));

  async function load(): Promise<StoredSession | null> {
    const row = await db().meta.get(SESSION_KEY);
    session.value = isStoredSession(row?.value) ? { ...row.value, expired: !!row.value.expired } : null;
    loaded.value = true;
    return session.value;
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
    if (next) await db().meta.put({ key: SESSION_KEY, value: { ...next } });
    else await db().meta.delete(SESSION_KEY);
    session.value = next;
  }

  /**
   * Refuses to sign in as someone else while another user's records wait to be pushed: they
   * would reach the server under the wrong name.
   */
  async function assertSameUserOrNothingPending(userId: string): Promise<void> {
    const current = session.value ?? (await load());
    if (!current || current.userId === userId) return;
    const pending = await db().outbox.count();
    if (pending > 0) throw new AccountError('otherUserPending', `${pending} mutations of another user wait`, [{ field: 'n', code: String(pending) }]);
  }

  async function signIn(serverUrl: string, body: LoginRequest): Promise<StoredSession> {
    const res = (await callAccountApi(serverUrl, 'POST', '/api/login', { body })) as SessionResponse;
    await assertSameUserOrNothingPending(res.user.id);
    const next = sessionOf(res, serverUrl);
    await save(next);
    return next;
  }

  async function join(serverUrl: string, body: JoinRequest): Promise<StoredSession> {
    // A new account has nothing on the server yet; another user's pending records would be
    // pushed under the new name, so the same guard applies.
    const current = session.value ?? (await load());
    if (current && (await db().outbox.count()) > 0) {
      throw new AccountError('otherUserPending', 'mutations of another user wait', [{ field: 'n', code: String(await db().outbox.count()) }]);
    }
    const res = (await callAccountApi(serverUrl, 'POST', '/api/join', { body })) as SessionResponse;
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
        await callAccountApi(current.serverUrl, 'POST', '/api/logout', { token: current.token });
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
    if (!current?.token || current.expired) throw new AccountError('unauthenticated', 'not signed in');
    try {
      await callAccountApi(current.serverUrl, 'POST', '/api/me/password', { body, token: current.token });
    } catch (e) {
      if (e instanceof AccountError && e.status === 401) await markExpired(e.code);
      throw e;
    }
  }

  return { session, loaded, signedIn, needsSignIn, expired, expiredReason, load, ready, signIn, join, signOut, markExpired, changePassword };
});
