/**
 * Readiness for the operator's monitoring and a load balancer: `GET /api/ready` answers 200 only
 * when the database answers a real read (the ledger's identity, which also proves the migrations
 * ran) within READY_TIMEOUT_MS; otherwise 503 `unavailable`. Liveness stays `GET /api/health`
 * (routes/auth.ts), which the app itself calls.
 *
 * The answer also shows the backup schedule (when, whether the last scheduled copy succeeded),
 * which does not change readiness: a failed backup is the operator's problem, not a reason to stop
 * serving phones. Nothing secret is shown (no paths, no epoch).
 */
import type { FastifyInstance } from 'fastify';
import type { BackupScheduleStatus } from '../backup-schedule.js';
import { errorBody } from '../errors.js';

/** How long the database may take to answer the readiness read. */
export const READY_TIMEOUT_MS = 3000;

export interface HealthRouteOptions {
  /** The backup schedule's status; null or absent when there is none (PostgreSQL, or turned off). */
  backups?: () => BackupScheduleStatus | null;
  timeoutMs?: number;
}

/** The answer of `GET /api/ready` when ready. */
export interface ReadyResponse {
  status: 'ready';
  store: 'sqlite' | 'postgres';
  backups: {
    everyHours: number;
    keep: number;
    newestAt: string | null;
    nextAt: string;
    last: { at: string; ok: boolean } | null;
  } | null;
}

export async function healthRoutes(app: FastifyInstance, opts: HealthRouteOptions): Promise<void> {
  const k = app.kepu;
  const timeoutMs = opts.timeoutMs ?? READY_TIMEOUT_MS;

  app.get('/api/ready', async (req, reply) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([k.store.ledger(), timeout]);
    } catch (err) {
      req.log.error({ err }, 'readiness: the database did not answer');
      return reply.status(503).send(errorBody('unavailable', 'The database does not answer; see the server log.'));
    } finally {
      clearTimeout(timer);
    }
    const b = opts.backups?.() ?? null;
    const body: ReadyResponse = {
      status: 'ready',
      store: k.store.kind,
      backups: b && { everyHours: b.everyHours, keep: b.keep, newestAt: b.newestAt, nextAt: b.nextAt, last: b.last && { at: b.last.at, ok: b.last.ok } },
    };
    return body;
  });
}
