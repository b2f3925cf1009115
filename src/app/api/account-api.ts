/**
 * The account routes (/api/login, /api/join, /api/logout, /api/me/password) on the phone's one
 * HTTP client (src/sync/http-client.ts): failures are ApiErrors like every other call's. Only
 * the session store calls them; it loads this module when someone signs in, joins, signs out or
 * changes a password, so the logging route never carries it.
 */
import type { ChangePasswordRequest, JoinRequest, LoginRequest, SessionResponse } from '../../domain/account';
import { createHttpClient } from '../../sync/http-client';

/** The account calls against one server. */
export interface AccountApi {
  login(body: LoginRequest): Promise<SessionResponse>;
  join(body: JoinRequest): Promise<SessionResponse>;
  logout(token: string): Promise<void>;
  changePassword(token: string, body: ChangePasswordRequest): Promise<void>;
}

/** The account API of `serverUrl` ('' = this site); `fetch` for tests. */
export function createAccountApi(serverUrl: string, fetchImpl?: typeof fetch): AccountApi {
  const client = (token: string | null) => createHttpClient({ baseUrl: () => serverUrl, token: () => token, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  return {
    login: (body) => client(null).json<SessionResponse>('POST', '/api/login', body),
    join: (body) => client(null).json<SessionResponse>('POST', '/api/join', body),
    logout: (token) => client(token).json<void>('POST', '/api/logout'),
    changePassword: (token, body) => client(token).json<void>('POST', '/api/me/password', body),
  };
}
