/**
 * The "已删除 — 撤销" offer after a delete. The detail view deletes and navigates away; the list it
 * lands on shows the offer. Module state, so it outlives the view that deleted.
 */
import { ref } from 'vue';

/** The event just deleted and when the offer lapses (ms), or null. */
export const pendingUndo = ref<{ id: string; title: string; until: number } | null>(null);

/** Offers to undo the delete of `id` for `ms` milliseconds. */
export function offerUndo(id: string, title: string, now: number, ms = 8000): void {
  pendingUndo.value = { id, title, until: now + ms };
}

/** Withdraws the offer (taken, lapsed, or dismissed). */
export function dropUndo(): void {
  pendingUndo.value = null;
}
