/**
 * Names of the people a record names (填报人, 审核人) for the screens and exports that show them:
 * the signed-in user's own name (the session), the staff list (GET /api/users, staff only) kept
 * on the phone under meta 'peopleNames' so a report exported offline still names people, and —
 * added by the report bundle — the importers named by import batches (export/people.ts). Read
 * once per screen; the server is asked only when a screen passes the admin API (staff screens:
 * the volunteer's screens stay free of it) and a signed-in staff member is online.
 */
import { computed, onMounted, shallowRef } from 'vue';
import type { AdminApi } from '../api/admin-api';
import { readMeta, writeMeta } from '../db/meta-values';
import { mergeNames, type PeopleNames } from '../export/people';
import { useSessionStore } from '../stores/session';

/** The meta key of the cached staff list: [id, name] pairs. */
export const PEOPLE_NAMES_KEY = 'peopleNames';

function isPairs(x: unknown): x is [string, string][] {
  return Array.isArray(x) && x.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string');
}

/** Reads the cached names, then (given the API; staff, signed in, online) refreshes them from the server. */
export function usePeopleNames(api?: Pick<AdminApi, 'listUsers'>) {
  const session = useSessionStore();
  const cached = shallowRef<ReadonlyMap<string, string>>(new Map());

  async function refresh(): Promise<void> {
    const stored = await readMeta(PEOPLE_NAMES_KEY).catch(() => null);
    if (isPairs(stored)) cached.value = new Map(stored);
    const s = await session.ready();
    const staff = s?.role === 'staff' || s?.role === 'admin';
    if (!api || !staff || !session.signedIn || (typeof navigator !== 'undefined' && navigator.onLine === false)) return;
    try {
      const pairs = (await api.listUsers()).map((u): [string, string] => [u.id, u.name]);
      cached.value = new Map(pairs);
      await writeMeta(PEOPLE_NAMES_KEY, pairs);
    } catch {
      // Offline or refused: the cached names serve.
    }
  }
  onMounted(() => void refresh());

  const names = computed<PeopleNames>(() => {
    const s = session.session;
    return mergeNames(s && s.name ? [[s.userId, s.name]] : [], cached.value);
  });
  /** The signing organisation of reports: the session's org name ('' when not signed in). */
  const orgName = computed(() => session.session?.orgName ?? '');
  return { names, orgName, refresh };
}
