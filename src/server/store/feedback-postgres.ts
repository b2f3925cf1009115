/**
 * The feedback store on PostgreSQL (see feedback-store.ts). Creating an item takes a transaction
 * advisory lock on its dedup key or org so duplicate checks and 编号 are decided one at a time;
 * updates lock the row (SELECT … FOR UPDATE).
 */
import type pg from 'pg';
import { feedbackRefOf, type FeedbackRecord } from '../../domain/feedback.js';
import type {
  CreateFeedbackResult,
  FeedbackDecider,
  FeedbackFilter,
  FeedbackKey,
  FeedbackSettingsRow,
  FeedbackStore,
  NewFeedback,
  UpdateFeedbackResult,
} from './feedback-store.js';

type Row = Record<string, unknown>;

function recordOf(r: Row): FeedbackRecord {
  return r.data as FeedbackRecord;
}

export class PostgresFeedback implements FeedbackStore {
  constructor(
    private readonly q: (sql: string, params?: unknown[], name?: string) => Promise<Row[]>,
    private readonly tx: <T>(fn: (c: pg.PoolClient) => Promise<T>) => Promise<T>,
  ) {}

  async listOrgs(): Promise<{ id: string; name: string }[]> {
    return (await this.q('SELECT id, name FROM orgs ORDER BY created_at, id')).map((r) => ({ id: String(r.id), name: String(r.name) }));
  }

  async feedbackEventByCode(code: string): Promise<{ eventId: string; orgId: string } | null> {
    const [r] = await this.q('SELECT event_id, org_id FROM feedback_codes WHERE code = $1', [code], 'kl-fb-code');
    return r ? { eventId: String(r.event_id), orgId: String(r.org_id) } : null;
  }

  async recordFeedbackCodes(codes: readonly { code: string; eventId: string }[]): Promise<number> {
    if (!codes.length) return 0;
    return this.tx(async (c) => {
      await c.query(
        'INSERT INTO feedback_codes (code, event_id, org_id) SELECT x.code, e.id, e.org_id FROM unnest($1::text[], $2::text[]) AS x(code, id) JOIN events e ON e.id = x.id ' +
          'ORDER BY x.code ON CONFLICT DO NOTHING',
        [codes.map((x) => x.code), codes.map((x) => x.eventId)],
      );
      const rows = (
        await c.query(
          'SELECT f.id, f.data, c.event_id FROM feedback_codes c JOIN feedback f ON f.event_code = c.code AND f.event_id IS NULL AND f.org_id = c.org_id ' +
            'WHERE c.event_id = ANY($1::text[]) ORDER BY f.id FOR UPDATE OF f',
          [codes.map((x) => x.eventId)],
        )
      ).rows as Row[];
      const at = new Date().toISOString();
      for (const r of rows) {
        const rec = recordOf(r);
        const next: FeedbackRecord = {
          ...rec,
          eventId: String(r.event_id),
          history: [...rec.history, { at, byId: null, byName: null, action: 'linkEvent', detail: String(r.event_id) }],
        };
        await c.query('UPDATE feedback SET event_id = $1, data = $2 WHERE id = $3', [next.eventId, JSON.stringify(next), rec.id]);
      }
      return rows.length;
    });
  }

  async eventsWithoutFeedbackCode(limit: number): Promise<string[]> {
    return (await this.q('SELECT e.id FROM events e WHERE NOT EXISTS (SELECT 1 FROM feedback_codes c WHERE c.event_id = e.id) LIMIT $1', [limit])).map((r) =>
      String(r.id),
    );
  }

  async createFeedback(input: NewFeedback): Promise<CreateFeedbackResult> {
    return this.tx(async (c): Promise<CreateFeedbackResult> => {
      // One at a time per client id and per dedup key: a retry racing its first try, or two
      // identical texts, wait for each other and the second sees the first.
      if (input.clientId !== null) await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`fb-client:${input.clientId}`]);
      if (input.dup) await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`fb-dup:${input.dup.key}`]);
      if (input.clientId !== null) {
        const [r] = (await c.query('SELECT data, client_id FROM feedback WHERE client_id = $1', [input.clientId])).rows as Row[];
        if (r) return { status: 'existing', record: recordOf(r), clientId: input.clientId, why: 'clientId' };
      }
      if (input.dup) {
        const [r] = (
          await c.query('SELECT data, client_id FROM feedback WHERE dup_key = $1 AND received_at >= $2 ORDER BY received_at LIMIT 1', [
            input.dup.key,
            input.dup.since,
          ])
        ).rows as Row[];
        if (r) return { status: 'existing', record: recordOf(r), clientId: r.client_id === null ? null : String(r.client_id), why: 'duplicate' };
      }
      const orgId = input.record.orgId;
      const [s] = (
        await c.query(
          'INSERT INTO feedback_seq (org_id, year, seq) VALUES ($1, $2, 1) ON CONFLICT (org_id, year) DO UPDATE SET seq = feedback_seq.seq + 1 RETURNING seq',
          [orgId, input.year],
        )
      ).rows as Row[];
      const record: FeedbackRecord = { ...input.record, ref: feedbackRefOf(input.year, Number(s!.seq)) } as FeedbackRecord;
      await c.query(
        'INSERT INTO feedback (id, org_id, ref, channel, state, event_id, event_code, client_id, query_hash, dup_key, received_at, closed_at, anonymised_at, phone, data) ' +
          'VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)',
        [
          record.id,
          orgId,
          record.ref,
          record.channel,
          record.state,
          record.eventId,
          record.eventCode,
          input.clientId,
          input.queryHash,
          input.dup?.key ?? null,
          record.receivedAt,
          record.closedAt,
          record.anonymisedAt,
          record.phone,
          JSON.stringify(record),
        ],
      );
      return { status: 'created', record };
    });
  }

  async getFeedback(key: FeedbackKey): Promise<FeedbackRecord | null> {
    const [r] =
      'queryHash' in key
        ? await this.q('SELECT data FROM feedback WHERE query_hash = $1', [key.queryHash], 'kl-fb-by-query')
        : await this.q('SELECT data FROM feedback WHERE id = $1 AND org_id = $2', [key.id, key.orgId], 'kl-fb-by-id');
    return r ? recordOf(r) : null;
  }

  async listFeedback(orgId: string, filter: FeedbackFilter): Promise<FeedbackRecord[]> {
    const where = ['org_id = $1'];
    const params: unknown[] = [orgId];
    const add = (sql: string, v: unknown): void => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.state) add('state = ?', filter.state);
    if (filter.receivedFrom) add('received_at >= ?', filter.receivedFrom);
    if (filter.receivedTo) add('received_at < ?', filter.receivedTo);
    if (filter.eventIds) {
      if (!filter.eventIds.length) return [];
      add('event_id = ANY(?::text[])', filter.eventIds);
    }
    return (await this.q(`SELECT data FROM feedback WHERE ${where.join(' AND ')} ORDER BY received_at DESC, id DESC`, params)).map(recordOf);
  }

  async feedbackByPhone(orgId: string, phone: string): Promise<FeedbackRecord[]> {
    return (await this.q('SELECT data FROM feedback WHERE org_id = $1 AND phone = $2 ORDER BY received_at', [orgId, phone])).map(recordOf);
  }

  async updateFeedback(key: FeedbackKey, decide: FeedbackDecider): Promise<UpdateFeedbackResult> {
    return this.tx(async (c): Promise<UpdateFeedbackResult> => {
      const [r] = (
        'queryHash' in key
          ? await c.query('SELECT data FROM feedback WHERE query_hash = $1 FOR UPDATE', [key.queryHash])
          : await c.query('SELECT data FROM feedback WHERE id = $1 AND org_id = $2 FOR UPDATE', [key.id, key.orgId])
      ).rows as Row[];
      if (!r) return { status: 'notFound' };
      const current = recordOf(r);
      const next = decide(current);
      if (next === null) return { status: 'refused', record: current };
      await c.query('UPDATE feedback SET state = $1, event_id = $2, closed_at = $3, anonymised_at = $4, phone = $5, data = $6 WHERE id = $7', [
        next.state,
        next.eventId,
        next.closedAt,
        next.anonymisedAt,
        next.phone,
        JSON.stringify(next),
        current.id,
      ]);
      return { status: 'updated', record: next };
    });
  }

  async feedbackToAnonymise(orgId: string, closedBefore: string, limit: number): Promise<FeedbackRecord[]> {
    return (
      await this.q(
        'SELECT data FROM feedback WHERE org_id = $1 AND anonymised_at IS NULL AND closed_at IS NOT NULL AND closed_at < $2 ORDER BY closed_at LIMIT $3',
        [orgId, closedBefore, limit],
      )
    ).map(recordOf);
  }

  async getFeedbackSettings(orgId: string): Promise<FeedbackSettingsRow | null> {
    const [r] = await this.q('SELECT data, updated_by, updated_at FROM feedback_settings WHERE org_id = $1', [orgId]);
    return r ? { settings: r.data as FeedbackSettingsRow['settings'], updatedBy: String(r.updated_by), updatedAt: String(r.updated_at) } : null;
  }

  async putFeedbackSettings(orgId: string, row: FeedbackSettingsRow): Promise<void> {
    await this.q(
      'INSERT INTO feedback_settings (org_id, data, updated_by, updated_at) VALUES ($1, $2, $3, $4) ' +
        'ON CONFLICT (org_id) DO UPDATE SET data = excluded.data, updated_by = excluded.updated_by, updated_at = excluded.updated_at',
      [orgId, JSON.stringify(row.settings), row.updatedBy, row.updatedAt],
    );
  }
}
