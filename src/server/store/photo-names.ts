/**
 * Which photo hashes a push names for the first time, shared by both stores: the hashes whose
 * holding the push must check (PushState.storedPhotos) and the names it must record (blob_refs).
 * Only names new to an event's stored row count, so editing other fields of an old event never
 * depends on its photos (rows from before migration 006 may name photos never uploaded).
 */
import type { LedgerEvent } from '../../domain/event.js';
import type { Award } from '../../domain/awards.js';
import type { Target } from '../../domain/targets.js';
import type { Mutation } from '../../sync/protocol.js';

/**
 * Hashes named by the push's event, award and target puts (a target's evidence photos) that the
 * named record's stored row does not hold, once each.
 */
export function newlyNamedPhotos(
  mutations: readonly Mutation[],
  stored: ReadonlyMap<string, LedgerEvent>,
  storedAwards: ReadonlyMap<string, Award> = new Map(),
  storedTargets: ReadonlyMap<string, Target> = new Map(),
): string[] {
  const out = new Set<string>();
  for (const m of mutations) {
    if (m.op !== 'put') continue;
    // An award put's fields are checked by the planner, not on the wire (protocol.ts): only a list of text counts here.
    const photos: unknown = m.fields.photos;
    if (!Array.isArray(photos)) continue;
    const had =
      (m.entity === 'event' ? stored.get(m.eventId) : m.entity === 'award' ? storedAwards.get(m.awardId) : storedTargets.get(m.targetId))?.photos ?? [];
    for (const h of photos) if (typeof h === 'string' && !had.includes(h)) out.add(h);
  }
  return [...out];
}

/**
 * A name to record: record `eventId` of org `orgId` names photo `sha256`. An award's or a target's
 * evidence photo is recorded under the record's id in the same column (ids are UUIDs: they never
 * collide), so the read rule and the sweep treat it as named exactly like an event's.
 */
export interface PhotoName {
  orgId: string;
  sha256: string;
  eventId: string;
}

/** The names the written rows add to what their stored rows (before the push) named (a target may name none). */
export function photosAddedBy<R extends Pick<LedgerEvent, 'id' | 'orgId'> & { readonly photos?: readonly string[] }>(
  written: readonly R[],
  before: ReadonlyMap<string, R>,
): PhotoName[] {
  const out: PhotoName[] = [];
  for (const e of written) {
    const had = before.get(e.id)?.photos ?? [];
    for (const h of e.photos ?? []) if (!had.includes(h)) out.push({ orgId: e.orgId, sha256: h, eventId: e.id });
  }
  return out;
}
