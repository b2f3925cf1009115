import { describe, expect, it } from 'vitest';
import { cursorAfterPull, groupByRecord, recordKeyOf, settlePushResults, toWireMutation } from '../../src/sync/outbox';
import type { Mutation, OutboxMutation } from '../../src/sync/protocol';
import { CLIENT_A, EVENT_1, EVENT_2, del, put } from './fixtures';

const pendingOf = (...ms: Mutation[]) => new Map(ms.map((m) => [m.seq, m]));

describe('settlePushResults', () => {
  it('drops applied mutations and never moves the cursor when the record was pulled below the new rev', () => {
    const plan = settlePushResults(
      [
        { seq: 1, status: 'applied', rev: 40 },
        { seq: 2, status: 'applied', rev: 41 },
      ],
      pendingOf(put(1, EVENT_1, { title: 'x' }), put(2, EVENT_2, { title: 'y' })),
      (key) => (key === `event:${EVENT_1}` ? 12 : undefined),
    );
    expect(plan).toEqual({ drop: [1, 2], quarantine: [], rewindTo: null });
  });

  it('quarantines rejected mutations with the server answer', () => {
    const rejection = { seq: 3, status: 'rejected', reason: 'notYourEvent' } as const;
    const plan = settlePushResults([rejection], pendingOf(put(3, EVENT_1, { title: 'x' })), () => 5);
    expect(plan).toEqual({ drop: [], quarantine: [{ seq: 3, rejection }], rewindTo: null });
  });

  it('rewinds the cursor below the local rev of a record whose mutation was skipped (outcome unknown)', () => {
    const plan = settlePushResults([{ seq: 4, status: 'skipped' }], pendingOf(del(4, EVENT_1)), () => 17);
    expect(plan).toEqual({ drop: [4], quarantine: [], rewindTo: 16 });
  });

  it('does not rewind for a skipped mutation of a record never pulled (its row lies above the cursor)', () => {
    const plan = settlePushResults([{ seq: 4, status: 'skipped' }], pendingOf(del(4, EVENT_1)), () => 0);
    expect(plan).toEqual({ drop: [4], quarantine: [], rewindTo: null });
  });

  it('rewinds when the record was pulled at a rev above the one the mutation was applied at', () => {
    const plan = settlePushResults(
      [
        { seq: 1, status: 'applied', rev: 30 },
        { seq: 2, status: 'applied', rev: 31 },
      ],
      pendingOf(put(1, EVENT_1, { title: 'x' }), put(2, EVENT_2, { title: 'y' })),
      (key) => (key === `event:${EVENT_1}` ? 35 : 31),
    );
    expect(plan).toEqual({ drop: [1, 2], quarantine: [], rewindTo: 34 });
  });

  it('ignores answers for seqs no longer pending (a duplicated response)', () => {
    expect(settlePushResults([{ seq: 9, status: 'applied', rev: 3 }], pendingOf(), () => 1)).toEqual({ drop: [], quarantine: [], rewindTo: null });
  });
});

describe('outbox helpers', () => {
  it('strips the outbox bookkeeping from a mutation before it goes on the wire', () => {
    const row = { ...put(1, EVENT_1, { title: 'x' }), clientId: CLIENT_A, state: 'pending', rejection: null } as unknown as OutboxMutation;
    expect(toWireMutation(row)).toEqual(put(1, EVENT_1, { title: 'x' }));
    expect(toWireMutation({ ...del(2, EVENT_1), clientId: CLIENT_A })).toEqual(del(2, EVENT_1));
  });

  it('groups mutations by record in seq order', () => {
    const groups = groupByRecord([put(3, EVENT_1, {}), del(1, EVENT_2), put(2, EVENT_1, {})]);
    expect([...groups.entries()].map(([k, ms]) => [k, ms.map((m) => m.seq)])).toEqual([
      [`event:${EVENT_2}`, [1]],
      [`event:${EVENT_1}`, [2, 3]],
    ]);
    expect(recordKeyOf(del(1, EVENT_2))).toBe(`event:${EVENT_2}`);
  });

  it('advances the cursor after a pull page unless it was rewound meanwhile', () => {
    expect(cursorAfterPull(10, 10, 25)).toBe(25);
    expect(cursorAfterPull(4, 10, 25)).toBe(4);
  });
});
