// @vitest-environment node
/**
 * A server restored from a backup loses nothing that any phone still has: the scenario of the
 * trust issue, end to end through the real sync engine, the real server and the project's own
 * backup and restore code, on SQLite and on PostgreSQL.
 *
 * Backup at rev 27; phone P (a volunteer) pushes 30 events and pulls to 57, staff approve three
 * events and delete one from a phone that is then lost; restore; phone Q (another volunteer, last
 * synced at rev 27) logs 40 new events and syncs; then P syncs. Before epochs, P pulled from 57
 * and missed 30 of Q's events, and P's 30 events and the staff's decisions were gone from the
 * server for good. Now every phone and the server end with the union.
 *
 * Scoped pulls (issue 13 §5): a volunteer's phone holds, and so gives back, only its scope. Q's
 * events list P's volunteer, so P holds them (and the approvals of three); Q does not hold P's.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/domain/event';
import { inScope, scopeOf } from '../../src/domain/scope';
import { createHttpTransport } from '../../src/sync/http-transport';
import { MemoryLocalStore } from '../../src/sync/memory-local-store';
import { runSync } from '../../src/sync/sync-engine';
import { sampleEvent } from './fixtures';
import { startRealServer, type RealServer, type SimAccount } from './sim/real-server';

interface Phone {
  store: MemoryLocalStore;
  sync(): ReturnType<typeof runSync>;
  log: string[];
}

function phoneOf(server: RealServer, account: SimAccount, name: string): Phone {
  const store = new MemoryLocalStore(randomUUID());
  const log: string[] = [];
  const transport = createHttpTransport({
    baseUrl: () => '',
    token: () => account.token,
    gzip: false,
    fetch: async (input, init) => {
      const res = await server.fetch(input, init);
      log.push(`${name} ${init?.method ?? 'GET'} ${String(input).split('?')[0]} ${res.status}`);
      return res;
    },
  });
  return { store, log, sync: () => runSync(store, transport, { pushPageSize: 25, pullLimit: 20 }) };
}

/** Logs `n` events on a phone as its user (the repository stamps the user and org the same way). */
function logEvents(p: Phone, who: SimAccount, n: number, label: string, listed: SimAccount[] = []): string[] {
  return Array.from({ length: n }, (_, i) => {
    const id = randomUUID();
    const at = new Date(Date.UTC(2024, 4, 1 + (i % 28), 2)).toISOString();
    p.store.createEvent(
      sampleEvent({
        id,
        title: `${label}${i + 1}`,
        attendance: 10 + i,
        volunteers: listed.map((v) => ({ name: '同行志愿者', userId: v.userId, hours: 2 })),
        orgId: who.orgId,
        createdBy: who.userId,
        updatedBy: who.userId,
        createdAt: at,
        updatedAt: at,
      }),
    );
    return id;
  });
}

/** What a phone or the server holds, by id: the fields a report reads and the bookkeeping. */
function picture(events: Iterable<LedgerEvent>): Map<string, unknown> {
  return new Map(
    [...events].map((e) => [
      e.id,
      { title: e.title, attendance: e.attendance, status: e.status, reviewedBy: e.reviewedBy, deleted: e.deleted, createdBy: e.createdBy, rev: e.rev },
    ]),
  );
}

describe.each(['sqlite', 'postgres'] as const)('a restore from a backup, on %s', (kind) => {
  let server: RealServer;
  afterEach(() => server.close());

  it('ends with every phone and the server holding the union of what each had', async () => {
    server = await startRealServer({ kind });
    const [volA, volB, staff] = [
      await server.makeUser('volunteer', 'vol-a'),
      await server.makeUser('volunteer', 'vol-b'),
      await server.makeUser('staff', 'staff-1'),
    ];
    const P = phoneOf(server, volA, 'P');
    const Q = phoneOf(server, volB, 'Q');

    const early = logEvents(Q, volB, 27, 'Q早', [volA]);
    expect(await Q.sync()).toMatchObject({ pushed: 27, pulled: 27 });
    const backup = await server.backup();
    const epochBefore = await server.epoch();

    const fromP = logEvents(P, volA, 30, 'P');
    expect(await P.sync()).toMatchObject({ pushed: 30, pulled: 57 });
    expect(P.store.cursor).toBe(57);
    // Staff approve three of Q's events and delete one of P's, on a phone that is then lost.
    const S = phoneOf(server, staff, 'S');
    await S.sync();
    for (const id of early.slice(0, 3))
      S.store.updateEvent(
        id,
        { status: 'reviewed', reviewedBy: staff.userId, reviewedAt: '2024-06-01T10:00:00+08:00' },
        '2024-06-01T10:00:00+08:00',
        staff.userId,
      );
    S.store.setEventDeleted(fromP[0]!, true, '2024-06-01T10:05:00+08:00', staff.userId);
    expect(await S.sync()).toMatchObject({ pushed: 4 });
    expect(await P.sync()).toMatchObject({ pulled: 4 });

    await server.restore(backup);
    expect(await server.epoch()).not.toBe(epochBefore);
    expect((await server.allEvents()).length).toBe(27);

    const late = logEvents(Q, volB, 40, 'Q晚', [volA]);
    const q = await Q.sync();
    expect(q).toMatchObject({ pushed: 40, recovered: 40 });
    const p = await P.sync();
    // P gives back its 30 events (one a staff tombstone) and the three approvals, then pulls all.
    expect(p.recovered).toBe(30 + 3);
    expect(await Q.sync()).toMatchObject({ pushed: 0, recovered: 0 });
    const R = phoneOf(server, staff, 'R'); // a staff member's new phone
    await R.sync();

    const onServer = await server.allEvents();
    expect(onServer.length).toBe(27 + 30 + 40);
    expect(new Set(onServer.map((e) => e.id))).toEqual(new Set([...early, ...fromP, ...late]));
    const byId = new Map(onServer.map((e) => [e.id, e]));
    expect(early.slice(0, 3).map((id) => [byId.get(id)!.status, byId.get(id)!.reviewedBy])).toEqual(Array(3).fill(['reviewed', staff.userId]));
    expect([byId.get(fromP[0]!)!.deleted, byId.get(fromP[0]!)!.updatedBy]).toEqual([true, staff.userId]);
    expect(onServer.filter((e) => e.deleted).length).toBe(1);
    for (const [ph, who] of [
      [P, volA],
      [Q, volB],
      [R, staff],
    ] as const) {
      const truth = picture(onServer.filter((e) => inScope(scopeOf({ id: who.userId, role: who.role }), e)));
      expect(picture(ph.store.events.values())).toEqual(truth);
      expect(await ph.store.pendingCount()).toBe(0);
      expect((await ph.store.ledgerEpoch()).epoch).toBe(await server.epoch());
    }
    // Each restored phone was refused once under the old epoch, sent its rows back, then pulled from 0.
    expect(P.log.filter((l) => / 409$/.test(l))).toEqual(['P GET /api/sync/pull 409']);
    expect(Q.log.filter((l) => / 409$/.test(l))).toEqual(['Q POST /api/sync/push 409']);
  });
});
