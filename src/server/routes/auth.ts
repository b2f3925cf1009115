/** Setup, login, logout, me, password change, join. */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  changePasswordRequestSchema,
  joinRequestSchema,
  loginRequestSchema,
  setupRequestSchema,
  type MeResponse,
  type SessionResponse,
} from '../../domain/account.js';
import { PROTOCOL_VERSION } from '../../sync/protocol.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { prunableTokens } from '../auth/sessions.js';
import { inviteCodeHash, isLegacyCode, newToken, normalizeCode, sha256Hex } from '../auth/tokens.js';
import { parse, publicUser, requireRole, userOf } from '../context.js';
import { fail } from '../errors.js';
import type { UserRow } from '../store/store.js';

/** A hash to verify against when the username is unknown, so timing does not tell. */
let dummyHash: Promise<string> | null = null;

export async function authRoutes(app: FastifyInstance): Promise<void> {
  const k = app.kepu;

  async function session(user: UserRow): Promise<SessionResponse> {
    const token = newToken();
    await k.store.createToken(sha256Hex(token), user.id, k.now().toISOString());
    return { token, ...(await me(user)) };
  }

  async function me(user: UserRow): Promise<MeResponse> {
    const org = await k.store.getOrg(user.orgId);
    return { user: publicUser(user), org: { id: user.orgId, name: org?.name ?? '' } };
  }

  /**
   * Drops old attempt counters and long-expired tokens, at most once per limit window per process,
   * on the routes that add them. A failure is logged, never the request's failure.
   */
  async function pruneIfDue(req: FastifyRequest): Promise<void> {
    if (!k.limits.pruneDue()) return;
    const now = k.now();
    try {
      await k.store.pruneAuth({ windowStartBefore: now.getTime() - k.limits.settings.windowMs, ...prunableTokens(now, k.sessions) });
    } catch (err) {
      req.log.warn({ err }, 'pruning attempt counters and expired tokens failed');
    }
  }

  app.get('/api/health', async () => ({ status: 'ok', v: PROTOCOL_VERSION, setupNeeded: !(await k.store.hasAdmin()) }));

  app.post('/api/setup', async (req, reply) => {
    await k.limits.count('codeAddress', req.ip);
    if (await k.store.hasAdmin()) fail('setupDone');
    const body = parse(setupRequestSchema, req.body);
    const expected = k.setupCode;
    const a = Buffer.from(sha256Hex(normalizeCode(body.code)));
    if (expected === null || !timingSafeEqual(a, Buffer.from(sha256Hex(normalizeCode(expected))))) fail('badSetupCode');
    const now = k.now().toISOString();
    const org = { id: randomUUID(), name: body.orgName, createdAt: now };
    const admin: UserRow = {
      id: randomUUID(),
      orgId: org.id,
      role: 'admin',
      name: body.adminName,
      username: body.username,
      passwordHash: await hashPassword(body.password, k.scryptN),
      disabled: false,
      createdAt: now,
    };
    if (!(await k.store.setup(org, admin))) fail('setupDone');
    k.setupCode = null;
    req.log.info({ orgId: org.id, adminId: admin.id }, 'association set up');
    return reply.status(201).send(await session(admin));
  });

  app.post('/api/login', async (req) => {
    const body = parse(loginRequestSchema, req.body);
    await pruneIfDue(req);
    // Counted before the password is checked: parallel guesses cannot all pass while scrypt runs.
    await k.limits.count('loginAddress', req.ip);
    await k.limits.count('loginAccount', body.username);
    const user = await k.store.getUserByUsername(body.username);
    dummyHash ??= hashPassword('not-a-password', k.scryptN);
    const ok = await verifyPassword(body.password, user?.passwordHash ?? (await dummyHash));
    if (!user || !ok) fail('badCredentials');
    if (user.disabled) fail('userDisabled');
    await k.limits.reset('loginAccount', body.username);
    req.log.info({ userId: user.id }, 'login');
    return session(user);
  });

  app.post('/api/logout', { onRequest: requireRole() }, async (req, reply) => {
    await k.store.deleteToken(req.tokenHash!);
    return reply.status(204).send();
  });

  app.get('/api/me', { onRequest: requireRole() }, async (req) => me(userOf(req)));

  // One's own password: the current one is checked like a login (a wrong one counts against the
  // account's login limit), then every other session of the person ends; this one stays.
  app.post('/api/me/password', { onRequest: requireRole() }, async (req, reply) => {
    const user = userOf(req);
    const body = parse(changePasswordRequestSchema, req.body);
    await k.limits.count('loginAccount', user.username);
    if (!(await verifyPassword(body.currentPassword, user.passwordHash))) {
      fail('wrongPassword', undefined, [{ field: 'currentPassword', code: 'wrongPassword' }]);
    }
    await k.limits.reset('loginAccount', user.username);
    const changed = await k.store.changePassword(user.id, await hashPassword(body.newPassword, k.scryptN), req.tokenHash!);
    if (!changed) fail('unauthenticated');
    req.log.info({ userId: user.id }, 'password changed; other sessions ended');
    return reply.status(204).send();
  });

  app.post('/api/join', async (req, reply) => {
    await pruneIfDue(req);
    await k.limits.count('codeAddress', req.ip);
    const body = parse(joinRequestSchema, req.body);
    if (isLegacyCode(body.code)) fail('inviteOutdated');
    const now = k.now().toISOString();
    const passwordHash = await hashPassword(body.password, k.scryptN);
    const r = await k.store.redeemInvite(inviteCodeHash(k.secret, body.code), now, (invite) => ({
      id: randomUUID(),
      orgId: invite.orgId,
      role: invite.role,
      name: body.name,
      username: body.phoneOrUsername,
      passwordHash,
      disabled: false,
      createdAt: now,
    }));
    if (!r.ok) fail(r.reason);
    req.log.info({ userId: r.user.id, role: r.user.role }, 'joined with invite');
    return reply.status(201).send(await session(r.user));
  });
}
