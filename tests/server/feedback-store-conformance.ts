/**
 * The feedback store's conformance suite (issue 15), run against SQLite and PostgreSQL
 * (feedback-store.test.ts). It talks to the Store interface only.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { feedbackCodeOf, newFeedbackRecord, type FeedbackRecord } from '../../src/domain/feedback';
import { planPush } from '../../src/server/sync/plan';
import type { NewFeedback } from '../../src/server/store/feedback-store';
import type { Store } from '../../src/server/store/store';
import { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
import { eventFields, newId, putEvent, TOWNSHIP, VILLAGE, type StoreHandle } from './helpers';

const NOW = '2026-03-01T08:00:00.000Z';

function rec(orgId: string, over: Partial<FeedbackRecord> = {}): Omit<FeedbackRecord, 'ref'> {
  return { ...newFeedbackRecord({ id: newId(), orgId, channel: 'box', category: 'suggestion', text: '路灯坏了', receivedAt: NOW, history: [] }), ...over };
}

function input(orgId: string, over: Partial<NewFeedback> = {}, r: Partial<FeedbackRecord> = {}): NewFeedback {
  return { record: rec(orgId, r), clientId: newId(), queryHash: newId(), dup: null, year: 2026, ...over };
}

export function feedbackStoreConformance(name: string, open: () => Promise<StoreHandle>): void {
  describe(`feedback store conformance: ${name}`, () => {
    let h: StoreHandle;
    let store: Store;
    const orgId = newId();
    const userId = newId();

    beforeEach(async () => {
      h = await open();
      store = h.store;
      await store.setup(
        { id: orgId, name: '惠东县科协', createdAt: NOW },
        { id: userId, orgId, role: 'admin', name: '管理员', username: 'admin', passwordHash: 'x', disabled: false, createdAt: NOW },
      );
    });
    afterEach(async () => {
      await h.cleanup();
    });

    test('refs run per org and year; a repeated clientId stores nothing and answers the first item', async () => {
      const a = await store.createFeedback(input(orgId));
      const b = await store.createFeedback(input(orgId));
      const c = await store.createFeedback(input(orgId, { year: 2027 }));
      expect([a, b, c].map((x) => x.record.ref)).toEqual(['2026-0001', '2026-0002', '2027-0001']);
      const first = ((await store.dump()).feedback as { id: string; client_id: string }[]).find((r) => r.id === a.record.id)!;
      const retry = await store.createFeedback({ ...input(orgId), clientId: first.client_id });
      expect(retry).toMatchObject({ status: 'existing', why: 'clientId', clientId: first.client_id });
      expect(retry.record.id).toBe(a.record.id);
      expect((await store.dump()).feedback).toHaveLength(3);
    });

    test('a duplicate within the window answers the first; after it, a new item', async () => {
      const dup = { key: 'k1', since: '2026-03-01T07:50:00.000Z' };
      const a = await store.createFeedback(input(orgId, { dup }));
      const b = await store.createFeedback(input(orgId, { dup }));
      expect(b).toMatchObject({ status: 'existing', why: 'duplicate' });
      expect(b.record.id).toBe(a.record.id);
      const later = await store.createFeedback(input(orgId, { dup: { key: 'k1', since: '2026-03-01T08:00:00.001Z' } }));
      expect(later.status).toBe('created');
    });

    test('50 parallel creations each store exactly one item with its own ref', async () => {
      const inputs = Array.from({ length: 50 }, () => input(orgId));
      const results = await Promise.all([...inputs, ...inputs].map((i) => store.createFeedback(i)));
      expect(results.filter((r) => r.status === 'created')).toHaveLength(50);
      const rows = (await store.dump()).feedback as { ref: string }[];
      expect(rows).toHaveLength(50);
      expect(new Set(rows.map((r) => r.ref)).size).toBe(50);
    });

    test('get by id (org-scoped) and by query hash; list filters; phone lookup', async () => {
      const a = await store.createFeedback(
        input(orgId, { queryHash: 'qh-a' }, { phone: '13812341234', consent: true, receivedAt: '2026-02-01T00:00:00.000Z' }),
      );
      await store.createFeedback(input(orgId, {}, { state: 'accepted', receivedAt: '2026-03-01T00:00:00.000Z' }));
      expect((await store.getFeedback({ queryHash: 'qh-a' }))?.id).toBe(a.record.id);
      expect(await store.getFeedback({ orgId: newId(), id: a.record.id })).toBeNull();
      expect((await store.getFeedback({ orgId, id: a.record.id }))?.phone).toBe('13812341234');
      const all = await store.listFeedback(orgId, {});
      expect(all.map((r) => r.receivedAt)).toEqual(['2026-03-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z']);
      expect(await store.listFeedback(orgId, { state: 'accepted' })).toHaveLength(1);
      expect(await store.listFeedback(orgId, { receivedFrom: '2026-02-15T00:00:00.000Z' })).toHaveLength(1);
      expect(await store.listFeedback(orgId, { receivedTo: '2026-02-15T00:00:00.000Z' })).toHaveLength(1);
      expect(await store.listFeedback(orgId, { eventIds: [] })).toHaveLength(0);
      expect((await store.feedbackByPhone(orgId, '13812341234')).map((r) => r.id)).toEqual([a.record.id]);
    });

    test('update runs the decider under lock; null refuses and writes nothing', async () => {
      const a = await store.createFeedback(input(orgId));
      const before = await store.dump();
      const refused = await store.updateFeedback({ orgId, id: a.record.id }, () => null);
      expect(refused.status).toBe('refused');
      expect(await store.dump()).toEqual(before);
      expect((await store.updateFeedback({ orgId, id: newId() }, (r) => r)).status).toBe('notFound');
      // Parallel accepts: exactly one wins (the other sees the new state).
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, () =>
          store.updateFeedback({ orgId, id: a.record.id }, (r) => (r.state === 'received' ? { ...r, state: 'accepted', acceptedAt: NOW } : null)),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'updated')).toHaveLength(1);
      const closed = await store.updateFeedback({ orgId, id: a.record.id }, (r) => ({ ...r, state: 'closed', closedAt: '2020-01-01T00:00:00.000Z' }));
      expect(closed.status).toBe('updated');
      expect((await store.feedbackToAnonymise(orgId, '2021-01-01T00:00:00.000Z', 10)).map((r) => r.id)).toEqual([a.record.id]);
      expect(await store.feedbackToAnonymise(orgId, '2019-01-01T00:00:00.000Z', 10)).toHaveLength(0);
    });

    test('event codes: recorded for events that exist, first claim kept, pending items linked', async () => {
      const eventId = newId();
      const code = feedbackCodeOf(eventId);
      const pending = await store.createFeedback(input(orgId, {}, { channel: 'event', eventCode: code, satisfaction: 5 }));
      // Not synced yet: recording the code of an unknown event does nothing.
      expect(await store.recordFeedbackCodes([{ code, eventId }])).toBe(0);
      expect(await store.feedbackEventByCode(code)).toBeNull();
      const actor = { userId, orgId, role: 'admin' as const };
      const mutations = [putEvent(1, eventId, eventFields())];
      const refs = { taxonomy: DEFAULT_TAXONOMY, townshipCodes: new Set([TOWNSHIP]), villageTownship: new Map([[VILLAGE, TOWNSHIP]]) };
      await store.push({ actor, clientId: newId(), mutations }, (state) =>
        planPush({ actor, clientId: 'c', mutations, now: NOW, refs, clientEpoch: null }, state),
      );
      expect(await store.eventsWithoutFeedbackCode(10)).toEqual([eventId]);
      expect(await store.recordFeedbackCodes([{ code, eventId }])).toBe(1);
      expect(await store.eventsWithoutFeedbackCode(10)).toEqual([]);
      expect(await store.feedbackEventByCode(code)).toEqual({ eventId, orgId });
      const linked = await store.getFeedback({ orgId, id: pending.record.id });
      expect(linked?.eventId).toBe(eventId);
      expect(linked?.history.at(-1)?.action).toBe('linkEvent');
      // Again: nothing more to link; another event claiming the same code does not take it.
      expect(await store.recordFeedbackCodes([{ code, eventId }])).toBe(0);
      expect(await store.feedbackEventByCode(code)).toEqual({ eventId, orgId });
      expect(await store.listFeedback(orgId, { eventIds: [eventId] })).toHaveLength(1);
    });

    test('settings and orgs', async () => {
      expect(await store.getFeedbackSettings(orgId)).toBeNull();
      const row = { settings: { acceptDays: 10, replyDays: 30, extensionMaxDays: 15, retentionDays: 365 }, updatedBy: userId, updatedAt: NOW };
      await store.putFeedbackSettings(orgId, row);
      await store.putFeedbackSettings(orgId, { ...row, settings: { ...row.settings, acceptDays: 7 } });
      expect((await store.getFeedbackSettings(orgId))?.settings.acceptDays).toBe(7);
      expect(await store.listOrgs()).toEqual([{ id: orgId, name: '惠东县科协' }]);
    });
  });
}
