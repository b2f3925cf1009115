/**
 * The counting basis (计入：已审核 / 全部已提交) every number on screen uses: home, map and reports
 * read it here, so they always count the same events. The person's choice is kept in the settings
 * store (meta 'countBasis'); until they choose, a volunteer's phone counts every submitted event
 * (they see their own work at once) and staff count reviewed events (the report's own basis).
 */
import { computed, type ComputedRef } from 'vue';
import type { CountBasis } from '../../domain/counts';
import { useSessionStore } from '../stores/session';
import { useSettingsStore } from '../stores/settings';

/** The basis a role starts with: staff and admins count reviewed events, everyone else all submitted. */
export function defaultCountBasis(role: string | null | undefined): CountBasis {
  return role === 'staff' || role === 'admin' ? 'reviewed' : 'submitted';
}

/** The basis in force, and the way to change it for every screen. */
export function useCountBasis(): { basis: ComputedRef<CountBasis>; setBasis: (b: CountBasis) => Promise<void> } {
  const settings = useSettingsStore();
  const session = useSessionStore();
  void settings.load();
  if (!session.loaded) void session.load().catch(() => null);
  const basis = computed(() => settings.countBasis ?? defaultCountBasis(session.session?.role));
  return { basis, setBasis: (b) => settings.setCountBasis(b) };
}
