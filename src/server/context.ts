/** What every route needs, hung on the Fastify instance as `app.kepu`. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import * as v from 'valibot';
import type { PublicUser, Role } from '../domain/account.js';
import type { ReferenceContext } from '../domain/event.js';
import { toProblems } from '../domain/problems.js';
import type { AttemptLimits } from './auth/attempt-limits.js';
import { isExpired, tokenTimes, type SessionLifetime } from './auth/sessions.js';
import { bearerOf, sha256Hex } from './auth/tokens.js';
import { fail } from './errors.js';
import type { Store, UserRow } from './store/store.js';

export interface ServerContext {
  store: Store;
  refs: ReferenceContext;
  now(): Date;
  scryptN: number;
  /** The one-time setup code while no admin exists; null afterwards. */
  setupCode: string | null;
  /** Login, setup and join attempts, counted in the store (auth/attempt-limits.ts). */
  limits: AttemptLimits;
  /** When tokens expire (auth/sessions.ts). */
  sessions: SessionLifetime;
  /** The server secret: the key of invite-code HMACs (auth/secret.ts). Never stored. */
  secret: Buffer;
}

declare module 'fastify' {
  interface FastifyInstance {
    kepu: ServerContext;
  }
  interface FastifyRequest {
    user: UserRow | null;
    /** The SHA-256 of the request's bearer token, once requireRole accepted it. */
    tokenHash: string | null;
  }
}

/** Validates input with a shared schema; a failure is a 400 listing every problem. */
export function parse<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const bad = badTextPath(input);
  if (bad !== null)
    fail('invalid', 'Text must not contain NUL characters or unpaired surrogates, and nesting must stay shallow.', [{ field: bad, code: 'badText' }]);
  const r = v.safeParse(schema, input);
  if (!r.success) fail('invalid', undefined, toProblems(r.issues));
  return r.output;
}

/** Matches a NUL or a lone UTF-16 surrogate (the `u` flag reads a valid pair as one code point). */
const BAD_TEXT = /[\u0000\uD800-\uDFFF]/u;

/** Deeper than any valid body; refused before anything walks it. */
const MAX_DEPTH = 32;

/**
 * The path of the first string (value or key) neither database can store — PostgreSQL refuses
 * NUL and unpaired surrogates — or of a value nested deeper than MAX_DEPTH; null when all is
 * clean. Iterative, so no input can exhaust the stack.
 */
function badTextPath(root: unknown): string | null {
  const stack: [unknown, string, number][] = [[root, '', 0]];
  while (stack.length) {
    const [x, at, depth] = stack.pop()!;
    if (typeof x === 'string') {
      if (BAD_TEXT.test(x)) return at;
      continue;
    }
    if (x === null || typeof x !== 'object') continue;
    if (depth >= MAX_DEPTH) return at;
    const entries: [string, unknown][] = Array.isArray(x) ? x.map((v, i) => [String(i), v]) : Object.entries(x);
    for (const [k, val] of entries) {
      const here = at ? `${at}.${k}` : k;
      if (BAD_TEXT.test(k)) return here;
      stack.push([val, here, depth + 1]);
    }
  }
  return null;
}

export function publicUser(u: UserRow): PublicUser {
  return { id: u.id, orgId: u.orgId, role: u.role, name: u.name, username: u.username, disabled: u.disabled, createdAt: u.createdAt };
}

/**
 * An onRequest hook: the bearer token must name an enabled user (401 `unauthenticated`) and be
 * unexpired (401 `sessionExpired`), and the user's role must be one of `roles` (403). Runs before
 * the body is read, so strangers cannot make the server parse bodies. One indexed read per
 * request, nothing remembered between requests: a token revoked or a user disabled by any server
 * over the same database is refused by the next request.
 */
export function requireRole(...roles: Role[]) {
  return async function authenticate(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const token = bearerOf(req.headers.authorization);
    if (!token) fail('unauthenticated');
    const k = req.server.kepu;
    const times = tokenTimes(k.now(), k.sessions);
    const tokenHash = sha256Hex(token);
    const s = await k.store.tokenSession(tokenHash, times);
    if (!s || s.user.disabled) fail('unauthenticated');
    if (isExpired(s, times)) fail('sessionExpired');
    if (roles.length && !roles.includes(s.user.role)) fail('forbidden');
    req.user = s.user;
    req.tokenHash = tokenHash;
  };
}

export const ANY_ROLE: Role[] = [];
export const STAFF: Role[] = ['admin', 'staff'];

/** The signed-in user of a route guarded by requireRole. */
export function userOf(req: FastifyRequest): UserRow {
  if (!req.user) fail('unauthenticated');
  return req.user;
}
