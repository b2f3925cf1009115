/**
 * Who sees the staff settings (管理设置: taxonomy, region, base map, targets, this device):
 * staff and admins, and a phone nobody has signed in on yet (an admin setting up, or someone
 * trying the app before joining). A volunteer's phone sees account, sync, storage and backup and
 * language only. Waits for the stored session, so a volunteer never sees the staff link flash.
 */
import { computed, type ComputedRef } from 'vue';
import { useSessionStore } from '../stores/session';

/** True once the session is read and it is not a volunteer's (signed out counts as not). */
export function useSeesStaffSettings(): ComputedRef<boolean> {
  const session = useSessionStore();
  if (!session.loaded) void session.load().catch(() => null);
  return computed(() => session.loaded && session.session?.role !== 'volunteer');
}
