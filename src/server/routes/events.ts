/** One event and its history (the values other pushes overwrote). */
import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { parse, requireRole, userOf } from '../context.js';
import { fail } from '../errors.js';

const idParams = v.strictObject({ id: v.pipe(v.string(), v.uuid('badId')) });

export async function eventRoutes(app: FastifyInstance): Promise<void> {
  const k = app.kepu;

  app.get('/api/events/:id', { onRequest: requireRole() }, async (req) => {
    const { id } = parse(idParams, req.params);
    const event = await k.store.getEvent(id);
    if (!event || event.orgId !== userOf(req).orgId) fail('notFound', 'No such event.');
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
