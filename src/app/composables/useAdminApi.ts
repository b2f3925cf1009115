/**
 * The admin API (api/admin-api.ts) bound to the signed-in session: its server, its token (once
 * the session is known: a screen opened by URL may ask before the app loaded it), and a 401 that
 * marks the session expired. `serverUrl` overrides the session's (setup, before anyone has signed
 * in on this phone).
 */
import { createAdminApi, type AdminApi } from '../api/admin-api';
import { useSessionStore } from '../stores/session';

export function useAdminApi(serverUrl?: () => string): AdminApi {
  const session = useSessionStore();
  return createAdminApi({
    baseUrl: serverUrl ?? (() => session.session?.serverUrl ?? ''),
    token: () => (session.signedIn ? (session.session?.token ?? null) : null),
    ready: () => session.ready(),
    onUnauthorized: (code) => void session.markExpired(code),
  });
}
