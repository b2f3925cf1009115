/** The feedback store on SQLite (see feedback-store.ts). Synchronous: each method is one transaction. */
import type Database from 'better-sqlite3';
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
  return JSON.parse(String(r.data)) as FeedbackRecord;
}

export class SqliteFeedback implements FeedbackStore {
  constructor(
    private readonly db: Database.Database,
    private readonly stmt: (sql: string) => Database.Statement,
  ) {}

  async listOrgs(): Promise<{ id: string; name: string }[]> {
    return (this.stmt('SELECT id, name FROM orgs ORDER BY created_at, id').all() as Row[]).map((r) => ({ id: String(r.id), name: String(r.name) }));
  }

  async feedbackEventByCode(code: string): Promise<{ eventId: string; orgId: string } | null> {
    const r = this.stmt('SELECT event_id, org_id FROM feedback_codes WHERE code = ?').get(code) as Row | undefined;
    return r ? { eventId: String(r.event_id), orgId: String(r.org_id) } : null;
  }

  async recordFeedbackCodes(codes: readonly { code: string; eventId: string }[]): Promise<number> {
    if (!codes.length) return 0;
    return this.db
      .transaction(() => {
        const put = this.stmt('INSERT INTO feedback_codes (code, event_id, org_id) SELECT ?, id, org_id FROM events WHERE id = ? ON CONFLICT DO NOTHING');
        const link = this.stmt(
          'SELECT f.id, f.data, c.event_id FROM feedback_codes c JOIN feedback f ON f.event_code = c.code AND f.event_id IS NULL AND f.org_id = c.org_id WHERE c.event_id = ?',
        );
        const upd = this.stmt('UPDATE feedback SET event_id = ?, data = ? WHERE id = ?');
        let linked = 0;
        for (const c of codes) {
          put.run(c.code, c.eventId);
          for (const r of link.all(c.eventId) as Row[]) {
            const rec = recordOf(r);
            const next: FeedbackRecord = {
              ...rec,
              eventId: String(r.event_id),
              history: [...rec.history, { at: new Date().toISOString(), byId: null, byName: null, action: 'linkEvent', detail: String(r.event_id) }],
            };
            upd.run(next.eventId, JSON.stringify(next), rec.id);
            linked++;
          }
        }
        return linked;
      })
      .immediate();
  }

  async eventsWithoutFeedbackCode(limit: number): Promise<string[]> {
    return (this.stmt('SELECT e.id FROM events e WHERE NOT EXISTS (SELECT 1 FROM feedback_codes c WHERE c.event_id = e.id) LIMIT ?').all(limit) as Row[]).map(
      (r) => String(r.id),
    );
  }

  async createFeedback(input: NewFeedback): Promise<CreateFeedbackResult> {
    return this.db
      .transaction((): CreateFeedbackResult => {
        if (input.clientId !== null) {
          const r = this.stmt('SELECT data, client_id FROM feedback WHERE client_id = ?').get(input.clientId) as Row | undefined;
          if (r) return { status: 'existing', record: recordOf(r), clientId: input.clientId, why: 'clientId' };
        }
        if (input.dup) {
          const r = this.stmt('SELECT data, client_id FROM feedback WHERE dup_key = ? AND received_at >= ? ORDER BY received_at LIMIT 1').get(
            input.dup.key,
            input.dup.since,
          ) as Row | undefined;
          if (r) return { status: 'existing', record: recordOf(r), clientId: r.client_id === null ? null : String(r.client_id), why: 'duplicate' };
        }
        const orgId = input.record.orgId;
        const seq = Number(
          (
            this.stmt(
              'INSERT INTO feedback_seq (org_id, year, seq) VALUES (?, ?, 1) ON CONFLICT (org_id, year) DO UPDATE SET seq = feedback_seq.seq + 1 RETURNING seq',
            ).get(orgId, input.year) as Row
          ).seq,
        );
        const record: FeedbackRecord = { ...input.record, ref: feedbackRefOf(input.year, seq) } as FeedbackRecord;
        this.stmt(
          'INSERT INTO feedback (id, org_id, ref, channel, state, event_id, event_code, client_id, query_hash, dup_key, received_at, closed_at, anonymised_at, phone, data) ' +
            'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        ).run(
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
        );
        return { status: 'created', record };
      })
      .immediate();
  }

  private readOne(key: FeedbackKey): Row | undefined {
    return 'queryHash' in key
      ? (this.stmt('SELECT id, data FROM feedback WHERE query_hash = ?').get(key.queryHash) as Row | undefined)
      : (this.stmt('SELECT id, data FROM feedback WHERE id = ? AND org_id = ?').get(key.id, key.orgId) as Row | undefined);
  }

  async getFeedback(key: FeedbackKey): Promise<FeedbackRecord | null> {
    const r = this.readOne(key);
    return r ? recordOf(r) : null;
  }

  async listFeedback(orgId: string, filter: FeedbackFilter): Promise<FeedbackRecord[]> {
    const where = ['org_id = ?'];
    const params: unknown[] = [orgId];
    if (filter.state) {
      where.push('state = ?');
      params.push(filter.state);
    }
    if (filter.receivedFrom) {
      where.push('received_at >= ?');
      params.push(filter.receivedFrom);
    }
    if (filter.receivedTo) {
      where.push('received_at < ?');
      params.push(filter.receivedTo);
    }
    if (filter.eventIds) {
      if (!filter.eventIds.length) return [];
      where.push(`event_id IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(filter.eventIds));
    }
    return (this.db.prepare(`SELECT data FROM feedback WHERE ${where.join(' AND ')} ORDER BY received_at DESC, id DESC`).all(...params) as Row[]).map(recordOf);
  }

  async feedbackByPhone(orgId: string, phone: string): Promise<FeedbackRecord[]> {
    return (this.stmt('SELECT data FROM feedback WHERE org_id = ? AND phone = ? ORDER BY received_at').all(orgId, phone) as Row[]).map(recordOf);
  }

  async updateFeedback(key: FeedbackKey, decide: FeedbackDecider): Promise<UpdateFeedbackResult> {
    return this.db
      .transaction((): UpdateFeedbackResult => {
        const r = this.readOne(key);
        if (!r) return { status: 'notFound' };
        const current = recordOf(r);
        const next = decide(current);
        if (next === null) return { status: 'refused', record: current };
        this.stmt('UPDATE feedback SET state = ?, event_id = ?, closed_at = ?, anonymised_at = ?, phone = ?, data = ? WHERE id = ?').run(
          next.state,
          next.eventId,
          next.closedAt,
          next.anonymisedAt,
          next.phone,
          JSON.stringify(next),
          current.id,
        );
        return { status: 'updated', record: next };
      })
      .immediate();
  }

  async feedbackToAnonymise(orgId: string, closedBefore: string, limit: number): Promise<FeedbackRecord[]> {
    return (
      this.stmt(
        'SELECT data FROM feedback WHERE org_id = ? AND anonymised_at IS NULL AND closed_at IS NOT NULL AND closed_at < ? ORDER BY closed_at LIMIT ?',
      ).all(orgId, closedBefore, limit) as Row[]
    ).map(recordOf);
  }

  async getFeedbackSettings(orgId: string): Promise<FeedbackSettingsRow | null> {
    const r = this.stmt('SELECT data, updated_by, updated_at FROM feedback_settings WHERE org_id = ?').get(orgId) as Row | undefined;
    return r
      ? { settings: JSON.parse(String(r.data)) as FeedbackSettingsRow['settings'], updatedBy: String(r.updated_by), updatedAt: String(r.updated_at) }
      : null;
  }

  async putFeedbackSettings(orgId: string, row: FeedbackSettingsRow): Promise<void> {
    this.stmt(
      'INSERT INTO feedback_settings (org_id, data, updated_by, updated_at) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (org_id) DO UPDATE SET data = excluded.data, updated_by = excluded.updated_by, updated_at = excluded.updated_at',
    ).run(orgId, JSON.stringify(row.settings), row.updatedBy, row.updatedAt);
  }
}
