/**
 * What the review queue reads from the server for each card: what changed since the last review
 * (domain/review.ts changesSinceReview over GET /api/events/:id/history — the history is not
 * synced to phones) and the names of the people who submitted (GET /api/users). Read once per
 * event revision, a few at a time; offline or refused, a card says the changes need the network.
 */
import { onBeforeUnmount, onMounted, shallowRef, watch } from 'vue';
import { changesSinceReview, type ChangeSinceApproval } from '../../../domain/review';
import type { AdminApi } from '../../api/admin-api';

/** A card's changes: the lines, null (never reviewed), 'unavailable' (offline / failed), undefined (reading). */
export type ReviewChanges = readonly ChangeSinceApproval[] | null | 'unavailable';

/** How many history reads run at once. */
const PARALLEL = 4;

/** Changes by event id and submitter names by user id, for the events `events()` lists. */
export function useReviewChanges(events: () => readonly { id: string; rev: number }[], api: Pick<AdminApi, 'eventHistory' | 'listUsers'>) {
  const changes = shallowRef<ReadonlyMap<string, ReviewChanges>>(new Map());
  const names = shallowRef<ReadonlyMap<string, string>>(new Map());
  /** The revision each event's changes were read (or are being read) for. */
  const readFor = new Map<string, number>();
  let namesRead = false;

  async function readNames(): Promise<void> {
    if (namesRead) return;
    namesRead = true;
    try {
      names.value = new Map((await api.listUsers()).map((u) => [u.id, u.name]));
    } catch {
      namesRead = false;
    }
  }

  async function readOne(id: string, rev: number): Promise<void> {
    let value: ReviewChanges;
    try {
      value = rev > 0 ? changesSinceReview(await api.eventHistory(id)) : null;
    } catch {
      value = 'unavailable';
      readFor.delete(id);
    }
    if (value !== 'unavailable' && readFor.get(id) !== rev) return;
    changes.value = new Map(changes.value).set(id, value);
  }

  async function readAll(): Promise<void> {
    // No cards, no reads: a phone used as staff without signing in lists none, and asking the
    // server anyway only logged a refused request (Lighthouse: errors in the console on /review).
    if (events().length === 0) return;
    void readNames();
    const todo = events().filter((e) => readFor.get(e.id) !== e.rev);
    for (const e of todo) readFor.set(e.id, e.rev);
    for (let i = 0; i < todo.length; i += PARALLEL) await Promise.all(todo.slice(i, i + PARALLEL).map((e) => readOne(e.id, e.rev)));
  }

  watch(
    () =>
      events()
        .map((e) => `${e.id}:${e.rev}`)
        .join(),
    () => void readAll(),
    { immediate: true },
  );
  const onOnline = () => void readAll();
  onMounted(() => window.addEventListener('online', onOnline));
  onBeforeUnmount(() => window.removeEventListener('online', onOnline));
  return { changes, names };
}
