/**
 * Pure helpers over outbox mutations, shared by every LocalStore implementation so they settle
 * push answers and rewind the pull cursor by the same rules (see local-store.ts, points 3 and 8).
 */
import type { Mutation, MutationResult, OutboxMutation } from './protocol';

/** Names the record a mutation changes: "event:<id>", "target:<id>" or "award:<id>". */
export function recordKeyOf(m: Mutation): string {
  return `${m.entity}:${recordIdOf(m)}`;
}

/** The id of the record a mutation changes. */
export function recordIdOf(m: Mutation): string {
  return m.entity === 'event' ? m.eventId : m.entity === 'target' ? m.targetId : m.awardId;
}

/** Groups mutations by record, each group in rising seq order. */
export function groupByRecord<M extends Mutation>(mutations: readonly M[]): Map<string, M[]> {
  const groups = new Map<string, M[]>();
  for (const m of [...mutations].sort((a, b) => a.seq - b.seq)) {
    const key = recordKeyOf(m);
    const g = groups.get(key);
    if (g) g.push(m);
    else groups.set(key, [m]);
  }
  return groups;
}

/** A mutation exactly as the wire carries it: the outbox's own bookkeeping stripped. */
export function toWireMutation(m: OutboxMutation | (OutboxMutation & Record<string, unknown>)): Mutation {
  switch (m.entity) {
    case 'event':
      return m.op === 'put'
        ? { entity: 'event', op: 'put', seq: m.seq, eventId: m.eventId, fields: m.fields, at: m.at }
        : { entity: 'event', op: m.op, seq: m.seq, eventId: m.eventId, at: m.at };
    case 'target':
      return m.op === 'put'
        ? { entity: 'target', op: 'put', seq: m.seq, targetId: m.targetId, fields: m.fields, at: m.at }
        : { entity: 'target', op: 'delete', seq: m.seq, targetId: m.targetId, at: m.at };
    case 'award':
      return m.op === 'put'
        ? { entity: 'award', op: 'put', seq: m.seq, awardId: m.awardId, fields: m.fields, at: m.at }
        : { entity: 'award', op: 'delete', seq: m.seq, awardId: m.awardId, at: m.at };
  }
}

/** What a store must do with one push answer. */
export interface PushSettlement {
  /** Outbox seqs to delete (applied or skipped). */
  readonly drop: number[];
  /** Outbox seqs to quarantine, with the server's answer. */
  readonly quarantine: { seq: number; rejection: Extract<MutationResult, { status: 'rejected' }> }[];
  /** Lower the pull cursor to this value (when lower than the stored one), or null. */
  readonly rewindTo: number | null;
}

/**
 * Decides how to settle a push answer against the pending outbox rows still held. A dropped
 * mutation whose record was pulled at a rev that may already include it — or later changes it was
 * re-applied over — leaves the local copy possibly different from the server's: the cursor goes
 * back to (local rev − 1), so the next pull re-delivers that record. `localRevOf` gives the
 * record's rev as last pulled (0 or undefined when never pulled: then the server's row, if any,
 * lies above the cursor and arrives anyway).
 */
export function settlePushResults(
  results: readonly MutationResult[],
  pendingBySeq: ReadonlyMap<number, Mutation>,
  localRevOf: (recordKey: string) => number | undefined,
): PushSettlement {
  const drop: number[] = [];
  const quarantine: PushSettlement['quarantine'] = [];
  let rewindTo: number | null = null;
  for (const r of results) {
    const m = pendingBySeq.get(r.seq);
    if (!m) continue;
    if (r.status === 'rejected') {
      quarantine.push({ seq: r.seq, rejection: r });
      continue;
    }
    drop.push(r.seq);
    const localRev = localRevOf(recordKeyOf(m)) ?? 0;
    // An 'applied' answer at rev r leaves the local copy right when it was pulled at rev ≤ r: a
    // row pulled at exactly r already holds this mutation, and re-applying it changes nothing.
    const stale = r.status === 'skipped' ? localRev > 0 : localRev > r.rev;
    if (stale) rewindTo = Math.min(rewindTo ?? Infinity, Math.max(0, localRev - 1));
  }
  return { drop, quarantine, rewindTo };
}

/** The cursor after a pull page: advance unless a rewind happened while the page was in flight. */
export function cursorAfterPull(stored: number, fromCursor: number, pageCursor: number): number {
  return stored === fromCursor ? pageCursor : Math.min(stored, pageCursor);
}
