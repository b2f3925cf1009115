/**
 * The 审核 tab of the tab bar: shown to staff and admins only, with a badge of how many events wait
 * for review. Loaded after the first paint (App.vue), so the shell carries none of the ledger's
 * reads; it lives as long as the app (a detached scope, never stopped).
 */
import { computed, effectScope, type ComputedRef } from 'vue';
import { usePendingReviewCount } from '../../composables/useLedger';
import { useIdentityStore } from '../../stores/identity';

/** Whether the tab shows, and its badge (undefined when nothing waits). */
export interface ReviewTab {
  readonly visible: ComputedRef<boolean>;
  readonly badge: ComputedRef<number | undefined>;
}

/** Starts the tab's live reads. */
export function startReviewTab(): ReviewTab {
  return effectScope(true).run(() => {
    const who = useIdentityStore();
    const waiting = usePendingReviewCount();
    const visible = computed(() => who.identity.role === 'staff' || who.identity.role === 'admin');
    return { visible, badge: computed(() => (visible.value && waiting.value ? waiting.value : undefined)) };
  })!;
}
