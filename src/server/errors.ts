/**
 * The one table of API errors (code → status → message) and the one error handler. 4xx messages
 * go to the client as they are; a 5xx is logged with its stack and answered with a generic message.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError } from '../domain/account.js';
import type { Problem } from '../domain/problems.js';

export const ERRORS = {
  badJson: [400, 'The request body is not valid JSON.'],
  badUtf8: [400, 'The request body is not valid UTF-8.'],
  badRequest: [400, 'The request is malformed.'],
  invalid: [400, 'The request body or parameters are invalid; see problems.'],
  badContentLength: [400, 'The body length does not match Content-Length.'],
  unauthenticated: [401, 'Sign in first: the bearer token is missing, unknown, revoked or its user is disabled.'],
  badCredentials: [401, 'Wrong username or password.'],
  sessionExpired: [401, 'The session has expired (unused too long, or too old); sign in again.'],
  badSetupCode: [403, 'Wrong setup code; see the server log for the one-time code.'],
  forbidden: [403, 'Your role does not allow this.'],
  badInvite: [403, 'The invite code is unknown, expired, revoked or used up.'],
  inviteOutdated: [403, 'This invite code has the old short format, no longer accepted; ask for a new code.'],
  wrongPassword: [403, 'The current password is wrong.'],
  orgStorageFull: [403, "The association's photo storage is full; ask the administrator to raise BLOB_ORG_QUOTA_MB."],
  dailyUploadLimit: [403, 'You have uploaded as many photos as one account may in 24 hours; the rest wait on the phone and go later.'],
  userDisabled: [403, 'This account is disabled; ask the administrator.'],
  notFound: [404, 'Not found.'],
  unknownCode: [404, 'No event or association has this feedback code.'],
  methodNotAllowed: [405, 'Method not allowed.'],
  setupDone: [409, 'The association is already set up.'],
  usernameTaken: [409, 'That username or phone number is already registered.'],
  badTransition: [409, "This action is not possible in the item's present state."],
  followUpClosed: [409, 'A follow-up is possible only once, after the association has replied.'],
  epochChanged: [409, 'The ledger was restored from a backup; recover, then pull from 0.'],
  payloadTooLarge: [413, 'The request body is too large.'],
  unsupportedMediaType: [415, 'Unsupported content type or content encoding.'],
  hashMismatch: [422, 'The SHA-256 of the body does not match the blob name.'],
  rateLimited: [429, 'Too many attempts; wait a few minutes and try again.'],
  internal: [500, 'Internal server error; the fault is logged.'],
  unavailable: [503, 'The server is shutting down or the database is unavailable; retry shortly.'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERRORS;

/** An error a route throws on purpose; the handler answers it from the table. */
export class ApiFailure extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly problems: Problem[] | undefined;
  /** Extra fields of the answer (e.g. the server's `epoch` with epochChanged). */
  readonly detail: Readonly<Record<string, string>> | undefined;
  constructor(code: ErrorCode, message?: string, problems?: Problem[], detail?: Record<string, string>) {
    super(message ?? ERRORS[code][1]);
    this.code = code;
    this.statusCode = ERRORS[code][0];
    this.problems = problems;
    this.detail = detail;
  }
}

export function fail(code: ErrorCode, message?: string, problems?: Problem[]): never {
  throw new ApiFailure(code, message, problems);
}

/** Fastify's own 4xx error codes mapped onto ours. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'badJson',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'badJson',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payloadTooLarge',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupportedMediaType',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'badContentLength',
  FST_ERR_CTP_INVALID_TYPE: 'unsupportedMediaType',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupportedMediaType',
  FST_ERR_VALIDATION: 'invalid',
};

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 405) return 'methodNotAllowed';
  if (status === 413) return 'payloadTooLarge';
  if (status === 415) return 'unsupportedMediaType';
  if (status === 429) return 'rateLimited';
  return 'badRequest';
}

export function errorBody(code: ErrorCode, message?: string, problems?: Problem[]): ApiError {
  const body: ApiError = { error: code, message: message ?? ERRORS[code][1] };
  if (problems && problems.length) body.problems = problems.map((p) => ({ field: p.field, code: p.code }));
  return body;
}

/** Error codes of a database that is down, restarting or overloaded (retry later, not a bug). */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  // PostgreSQL: connection exceptions, shutdown, too many connections.
  '08000',
  '08003',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
]);

function isDatabaseUnavailable(err: { code?: unknown; message?: unknown }): boolean {
  if (typeof err.code === 'string' && UNAVAILABLE_CODES.has(err.code)) return true;
  return typeof err.message === 'string' && /Connection terminated|connection timeout|Cannot use a pool after calling end/i.test(err.message);
}

/** Installs the one error handler and the JSON 404 for unknown API routes. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiFailure, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof ApiFailure) {
      if (err.statusCode >= 500) req.log.error({ err }, 'request failed');
      void reply.status(err.statusCode).send({ ...errorBody(err.code, err.message, err.problems), ...err.detail });
      return;
    }
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 400 && status < 500) {
      const code = (err.code && FASTIFY_CODES[err.code]) || codeForStatus(status);
      // Fastify's messages for client errors are safe and helpful (e.g. the JSON parse position).
      void reply.status(status).send(errorBody(code, err.message || ERRORS[code][1]));
      return;
    }
    req.log.error({ err }, 'request failed');
    const unavailable = status === 503 || isDatabaseUnavailable(err);
    void reply.status(unavailable ? 503 : 500).send(errorBody(unavailable ? 'unavailable' : 'internal'));
  });
}
