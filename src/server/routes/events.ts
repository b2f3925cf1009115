/** One event and its history (the values other pushes overwrote). */
import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { parse, requireRole, userOf } from '../context.js';
import { fail } from '../errors.js';
import { inScope, scopeOf } from '../../domain/scope.js';

const idParams = v.strictObject({ id: v.pipe(v.string(), v.uuid('badId')) });

export async function eventRoutes(app: FastifyInstance): Promise<void> {
  const k = app.kepu;

  /** Staff and admin read every event of the org; a volunteer the events in their scope. */
  app.get('/api/events/:id', { onRequest: requireRole() }, async (req) => {
    const { id } = parse(idParams, req.params);
    const user = userOf(req);
    const event = await k.store.getEvent(id);
    // A volunteer reads what their phone holds (issue 13 §5): events they created or are listed on.
    if (!event || event.orgId !== user.orgId || !inScope(scopeOf(user), event)) fail('notFound', 'No such event.');
    return { event };
  });

  /** Staff and admin see every event's history; a volunteer only their own events'. */
  app.get('/api/events/:id/history', { onRequest: requireRole() }, async (req) => {
    const user = userOf(req);
    const { id } = parse(idParams, req.params);
    const event = await k.store.getEvent(id);
    if (!event || event.orgId !== user.orgId) fail('notFound', 'No such event.');
    if (user.role === 'volunteer' && event.createdBy !== user.id) fail('forbidden', 'Only staff and the author see an event’s history.');
    return { history: await k.store.history('event', id) };
  });
}
