/** Users (admin) and invite codes (staff and admin). */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { ACCOUNT_LIMITS, createUserRequestSchema, inviteRequestSchema, updateUserRequestSchema, type PublicInvite } from '../../domain/account.js';
import { hashPassword } from '../auth/passwords.js';
import { inviteCodeHash, newHumanCode } from '../auth/tokens.js';
import { STAFF, parse, publicUser, requireRole, userOf } from '../context.js';
import { fail } from '../errors.js';
import type { InviteRow, UserPatch, UserRow } from '../store/store.js';

const idParams = v.strictObject({ id: v.pipe(v.string(), v.uuid('badId')) });

function publicInvite(i: InviteRow, code?: string): PublicInvite {
  const out: PublicInvite = {
    id: i.id,
    orgId: i.orgId,
    role: i.role,
    createdBy: i.createdBy,
    createdAt: i.createdAt,
    expiresAt: i.expiresAt,
    maxUses: i.maxUses,
    uses: i.uses,
    revoked: i.revoked,
  };
  if (code !== undefined) out.code = code;
  return out;
}

export async function adminRoutes(app: FastifyInstance): Promise<void> {
  const k = app.kepu;

  app.get('/api/users', { onRequest: requireRole(...STAFF) }, async (req) => {
    const users = await k.store.listUsers(userOf(req).orgId);
    return { users: users.map(publicUser) };
  });

  app.post('/api/users', { onRequest: requireRole('admin') }, async (req, reply) => {
    const admin = userOf(req);
    const body = parse(createUserRequestSchema, req.body);
    const user: UserRow = {
      id: randomUUID(),
      orgId: admin.orgId,
      role: body.role,
      name: body.name,
      username: body.username,
      passwordHash: await hashPassword(body.password, k.scryptN),
      disabled: false,
      createdAt: k.now().toISOString(),
    };
    if (!(await k.store.createUser(user))) fail('usernameTaken');
    req.log.info({ userId: user.id, role: user.role, by: admin.id }, 'user created');
    return reply.status(201).send({ user: publicUser(user) });
  });

  app.patch('/api/users/:id', { onRequest: requireRole('admin') }, async (req) => {
    const admin = userOf(req);
    const { id } = parse(idParams, req.params);
    const body = parse(updateUserRequestSchema, req.body);
    const target = await k.store.getUser(id);
    if (!target || target.orgId !== admin.orgId) fail('notFound', 'No such user in your association.');
    if (target.id === admin.id && body.disabled === true) fail('badRequest', 'You cannot disable your own account.');
    // Volunteer ↔ staff only: an administrator's role is not changed here (nor one's own).
    if (body.role !== undefined && body.role !== target.role && target.role === 'admin') fail('forbidden', 'An administrator’s role cannot be changed.');
    const patch: UserPatch = {};
    if (body.disabled !== undefined) patch.disabled = body.disabled;
    if (body.name !== undefined) patch.name = body.name;
    if (body.role !== undefined) patch.role = body.role;
    if (body.password !== undefined) patch.passwordHash = await hashPassword(body.password, k.scryptN);
    const updated = await k.store.updateUser(id, patch);
    if (!updated) fail('notFound');
    req.log.info({ userId: id, by: admin.id, disabled: body.disabled, role: body.role, passwordReset: body.password !== undefined }, 'user updated');
    return { user: publicUser(updated) };
  });

  app.get('/api/invites', { onRequest: requireRole(...STAFF) }, async (req) => {
    const invites = await k.store.listInvites(userOf(req).orgId);
    return { invites: invites.map((i) => publicInvite(i)) };
  });

  app.post('/api/invites', { onRequest: requireRole(...STAFF) }, async (req, reply) => {
    const me = userOf(req);
    const body = parse(inviteRequestSchema, req.body);
    if (body.role === 'staff' && me.role !== 'admin') fail('forbidden', 'Only the administrator may invite staff.');
    const now = k.now();
    const expires = Date.parse(body.expiresAt);
    if (expires <= now.getTime()) fail('invalid', undefined, [{ field: 'expiresAt', code: 'inPast' }]);
    if (expires > now.getTime() + ACCOUNT_LIMITS.inviteMaxDays * 86_400_000) fail('invalid', undefined, [{ field: 'expiresAt', code: 'tooFar' }]);
    const code = newHumanCode();
    const invite: InviteRow = {
      id: randomUUID(),
      orgId: me.orgId,
      codeHash: inviteCodeHash(k.secret, code),
      role: body.role,
      createdBy: me.id,
      createdAt: now.toISOString(),
      expiresAt: new Date(expires).toISOString(),
      maxUses: body.maxUses,
      uses: 0,
      revoked: false,
    };
    await k.store.createInvite(invite);
    req.log.info({ inviteId: invite.id, role: invite.role, by: me.id }, 'invite created');
    return reply.status(201).send(publicInvite(invite, code));
  });

  app.delete('/api/invites/:id', { onRequest: requireRole(...STAFF) }, async (req, reply) => {
    const { id } = parse(idParams, req.params);
    if (!(await k.store.revokeInvite(userOf(req).orgId, id))) fail('notFound', 'No such invite in your association.');
    return reply.status(204).send();
  });
}
