/**
 * First-start setup (设置 → 初始化): creates the association and its admin with the server's
 * one-time code, then adopts the answer as this phone's session exactly as signing in does
 * (meta 'session' via sessionOf, then the session store reloads it). Additive to stores/session.ts,
 * which has no way to adopt a token it did not fetch itself.
 */
import type { SessionResponse, SetupRequest } from '../../domain/account';
import { createAdminApi } from '../api/admin-api';
import { writeMeta } from '../db/meta-values';
import { ledgerDb } from '../db/database';
import { outboxCountIn } from '../db/my-events';
import { SESSION_KEY, otherUserPending, sessionOf, useSessionStore, type StoredSession } from './session';

/**
 * Refuses to set up while another user's records wait in the outbox: they would be pushed under
 * the new admin's name. The code stays valid (nothing was sent).
 */
async function assertNothingPendingOfAnother(): Promise<void> {
  const session = useSessionStore();
  const current = session.session ?? (await session.load());
  if (!current) return;
  const pending = await outboxCountIn(ledgerDb());
  if (pending > 0) throw otherUserPending(pending);
}

/** Writes a session answer (setup, or any other that hands out a token) as this phone's session. */
export async function adoptSession(res: SessionResponse, serverUrl: string): Promise<StoredSession> {
  const session = useSessionStore();
  const next = sessionOf(res, serverUrl);
  await writeMeta(SESSION_KEY, { ...next });
  await session.load();
  return next;
}

/** POST /api/setup on `serverUrl` ('' = this site), then signed in as the new admin. */
export async function setupAndSignIn(serverUrl: string, body: SetupRequest, fetchImpl?: typeof fetch): Promise<StoredSession> {
  await assertNothingPendingOfAnother();
  const api = createAdminApi({ baseUrl: () => serverUrl, token: () => null, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  const res = await api.setup(body);
  return adoptSession(res, serverUrl);
}
