/** Setup, login, logout, me, join. */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  joinRequestSchema,
  loginRequestSchema,
  setupRequestSchema,
  type MeResponse,
  type SessionResponse,
} from '../../domain/account.js';
import { PROTOCOL_VERSION } from '../../sync/protocol.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { bearerOf, newToken, normalizeCode, sha256Hex } from '../auth/tokens.js';
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

  function guardCodeAttempts(req: FastifyRequest): void {
    if (k.limits.codeByAddress.blocked(req.ip)) fail('rateLimited');
    k.limits.codeByAddress.hit(req.ip);
  }

  app.get('/api/health', async () => ({ status: 'ok', v: PROTOCOL_VERSION, setupNeeded: !(await k.store.hasAdmin()) }));

  app.post('/api/setup', async (req, reply) => {
    guardCodeAttempts(req);
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
    const { loginByAccount, loginByAddress } = k.limits;
    if (loginByAddress.blocked(req.ip) || loginByAccount.blocked(body.username)) fail('rateLimited');
    loginByAddress.hit(req.ip);
    const user = await k.store.getUserByUsername(body.username);
    dummyHash ??= hashPassword('not-a-password', k.scryptN);
    const ok = await verifyPassword(body.password, user?.passwordHash ?? (await dummyHash));
    if (!user || !ok) {
      loginByAccount.hit(body.username);
      fail('badCredentials');
    }
    if (user.disabled) fail('userDisabled');
    loginByAccount.reset(body.username);
    req.log.info({ userId: user.id }, 'login');
    return session(user);
  });

  app.post('/api/logout', { onRequest: requireRole() }, async (req, reply) => {
    const token = bearerOf(req.headers.authorization);
    if (token) await k.store.deleteToken(sha256Hex(token));
    return reply.status(204).send();
  });

  app.get('/api/me', { onRequest: requireRole() }, async (req) => me(userOf(req)));

  app.post('/api/join', async (req, reply) => {
    guardCodeAttempts(req);
    const body = parse(joinRequestSchema, req.body);
    const now = k.now().toISOString();
    const passwordHash = await hashPassword(body.password, k.scryptN);
    const r = await k.store.redeemInvite(sha256Hex(normalizeCode(body.code)), now, (invite) => ({
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
