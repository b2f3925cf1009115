/**
 * Pure merge of a pulled server row with this device's unsettled mutations of the same record.
 *
 * Why a pull does not simply overwrite: the server's row is the truth as of its rev, but an event
 * with unpushed (or quarantined) mutations carries something the server has not yet decided on.
 * Overwriting would make a volunteer's edit vanish from the screen until the next push brings it
 * back — or for good, if the push is later refused. So the pulled row becomes the new base and the
 * unsettled mutations are replayed on top in seq order, field by field. Fields this device did not
 * touch take the server's values: two devices editing different fields both keep their change.
 * Once the mutations are settled (pushed, or discarded by the user), the next pull of the record
 * is written verbatim and every device converges on the server's row.
 */
import type { LedgerEvent } from '../domain/event';
import type { Target } from '../domain/targets';
import type { Award } from '../domain/awards';
import type { Mutation, PulledRow } from './protocol';

type EventMutation = Extract<Mutation, { entity: 'event' }>;
type TargetMutation = Extract<Mutation, { entity: 'target' }>;
type AwardMutation = Extract<Mutation, { entity: 'award' }>;

/** Replays one event mutation on a row: put sets its fields, delete/undelete flip the tombstone. */
export function applyEventMutation<T extends LedgerEvent>(row: T, m: EventMutation): T {
  if (m.op === 'put') {
    const next = { ...row };
    for (const [k, value] of Object.entries(m.fields)) {
      if (value !== undefined) (next as Record<string, unknown>)[k] = value;
    }
    return next;
  }
  return { ...row, deleted: m.op === 'delete' };
}

/** Replays one target or award mutation on a row (put sets its fields, delete tombstones it). */
export function applyTargetMutation<T extends Target | Award>(row: T, m: TargetMutation | AwardMutation): T {
  if (m.op === 'put') {
    const next = { ...row };
    for (const [k, value] of Object.entries(m.fields)) {
      if (value !== undefined) (next as Record<string, unknown>)[k] = value;
    }
    return next;
  }
  return { ...row, deleted: true };
}

/**
 * The event to store after pulling `pulled`: the pulled row verbatim when nothing is unsettled,
 * else the pulled row with the unsettled mutations (seq order) re-applied, keeping the local
 * updatedAt/updatedBy (the last local change) and the server's rev and other bookkeeping.
 */
export function mergePulledEvent(
  pulled: LedgerEvent,
  local: Pick<LedgerEvent, 'updatedAt' | 'updatedBy'> | undefined,
  unsettled: readonly Mutation[],
): LedgerEvent {
  const mine = unsettled.filter((m): m is EventMutation => m.entity === 'event' && m.eventId === pulled.id);
  if (mine.length === 0) return pulled;
  let row: LedgerEvent = { ...pulled };
  for (const m of [...mine].sort((a, b) => a.seq - b.seq)) row = applyEventMutation(row, m);
  if (local) row = { ...row, updatedAt: local.updatedAt, updatedBy: local.updatedBy };
  return row;
}

/** The target to store after pulling `pulled`; same rule as events. */
export function mergePulledTarget(pulled: Target, local: Pick<Target, 'updatedAt' | 'updatedBy'> | undefined, unsettled: readonly Mutation[]): Target {
  const mine = unsettled.filter((m): m is TargetMutation => m.entity === 'target' && m.targetId === pulled.id);
  if (mine.length === 0) return pulled;
  let row: Target = { ...pulled };
  for (const m of [...mine].sort((a, b) => a.seq - b.seq)) row = applyTargetMutation(row, m);
  if (local) row = { ...row, updatedAt: local.updatedAt, updatedBy: local.updatedBy };
  return row;
}

/** The award to store after pulling `pulled`; same rule as events. */
export function mergePulledAward(pulled: Award, local: Pick<Award, 'updatedAt' | 'updatedBy'> | undefined, unsettled: readonly Mutation[]): Award {
  const mine = unsettled.filter((m): m is AwardMutation => m.entity === 'award' && m.awardId === pulled.id);
  if (mine.length === 0) return pulled;
  let row: Award = { ...pulled };
  for (const m of [...mine].sort((a, b) => a.seq - b.seq)) row = applyTargetMutation(row, m);
  if (local) row = { ...row, updatedAt: local.updatedAt, updatedBy: local.updatedBy };
  return row;
}

/** Merges any pulled row (event, target or award) with the unsettled mutations of its record. */
export function mergePulledRow(pulled: PulledRow, local: Pick<LedgerEvent, 'updatedAt' | 'updatedBy'> | undefined, unsettled: readonly Mutation[]): PulledRow {
  if (pulled.entity === 'event') return { entity: 'event', row: mergePulledEvent(pulled.row, local, unsettled) };
  if (pulled.entity === 'award') return { entity: 'award', row: mergePulledAward(pulled.row, local, unsettled) };
  return { entity: 'target', row: mergePulledTarget(pulled.row, local, unsettled) };
}
