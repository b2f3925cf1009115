/**
 * The feedback API (api/feedback-api.ts) bound to the signed-in session, like useAdminApi: its
 * server, its token once the session is known, and a 401 that marks the session expired. Only the
 * feedback screens (loaded on demand) use it.
 */
import { createFeedbackApi, type FeedbackApi } from '../api/feedback-api';
import { useSessionStore } from '../stores/session';

export function useFeedbackApi(): FeedbackApi {
  const session = useSessionStore();
  return createFeedbackApi({
    baseUrl: () => session.session?.serverUrl ?? '',
    token: () => (session.signedIn ? (session.session?.token ?? null) : null),
    ready: () => session.ready(),
    onUnauthorized: (code) => void session.markExpired(code),
  });
}
