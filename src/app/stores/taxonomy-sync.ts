/**
 * Keeps the phone's taxonomy in step with the org's (GET/PUT /api/org/taxonomy).
 *
 * - Every phone fetches the org taxonomy after sign-in, at app start when online, when the network
 *   comes back, and after a successful sync when the last fetch is older than REFRESH_MS, and
 *   adopts it: the server wins for every code it has (except entries edited here and not yet
 *   accepted); codes only this phone has are kept (mergeTaxonomy in domain/taxonomy-merge.ts).
 * - The report lines (统计口径) and the clause edits ride in the same document, each merged whole
 *   (domain/taxonomy-merge.ts TAXONOMY_DOCS).
 * - Staff edits (settings store addEntry/renameEntry/retireEntry, saveReportLines, saveClauseEdit) are sent as the whole merged
 *   taxonomy when online; a failed send stays local (pending) and is retried after the next
 *   successful sync. Local-only codes are sent too when the user is staff.
 * Nothing here ever throws at the caller: the taxonomy on the phone keeps working offline.
 */
import { getActivePinia, type Pinia } from 'pinia';
import { watch } from 'vue';
import type { Taxonomy } from '../../domain/taxonomy';
import { docKey, entryKey, mergeTaxonomy, TAXONOMY_DOCS } from '../../domain/taxonomy-merge';
import { TAXONOMY_LISTS } from '../../domain/taxonomy';
import { browserOffline, type AdminApi } from '../api/admin-api';
import { ApiError } from '../../sync/api-error';
import { useAdminApi } from '../composables/useAdminApi';
import { useSessionStore } from './session';
import { useSettingsStore } from './settings';
import { useSyncStore } from './sync';

/** A successful sync refetches the org taxonomy when the last fetch is older than this. */
export const REFRESH_MS = 10 * 60_000;

export type TaxonomySyncOutcome = 'skipped' | 'offline' | 'adopted' | 'pushed' | 'failed';

export interface TaxonomySyncDeps {
  api: Pick<AdminApi, 'getTaxonomy' | 'putTaxonomy'>;
  /** Signed in with a token the server has not refused. */
  signedIn(): boolean;
  isStaff(): boolean;
  online(): boolean;
}

/** Keys of the pending entries whose value in `local` is what `sent` holds (the server has them now). */
function acceptedKeys(pending: ReadonlySet<string>, local: Taxonomy, sent: Taxonomy): string[] {
  const out: string[] = [];
  for (const list of TAXONOMY_LISTS) {
    for (const e of local[list]) {
      const key = entryKey(list, e.code);
      if (!pending.has(key)) continue;
      const s = sent[list].find((x) => x.code === e.code);
      if (s && JSON.stringify(s) === JSON.stringify(e)) out.push(key);
    }
  }
  for (const part of TAXONOMY_DOCS) {
    const key = docKey(part);
    if (pending.has(key) && local[part] !== undefined && JSON.stringify(local[part]) === JSON.stringify(sent[part])) out.push(key);
  }
  return out;
}

/**
 * One round: fetch, merge, send what the server lacks (staff), adopt. Resolves to what happened;
 * failures are outcomes, never exceptions. The merge is redone against the phone's latest state
 * when adopting (settings.adoptTaxonomy), so an edit made meanwhile is never lost.
 */
export async function syncTaxonomyOnce(deps: TaxonomySyncDeps): Promise<TaxonomySyncOutcome> {
  if (!deps.signedIn()) return 'skipped';
  if (!deps.online()) return 'offline';
  const settings = useSettingsStore();
  await settings.load();
  /** Adopts `server` merged with the phone's latest taxonomy; pending entries it already has are done. */
  const adopt = (server: Taxonomy, dropPending = false) =>
    settings.adoptTaxonomy((local, pending) => {
      const accepted = dropPending ? [...pending] : acceptedKeys(pending, local, server);
      const rest = new Set([...pending].filter((k) => !accepted.includes(k)));
      return { taxonomy: mergeTaxonomy(server, local, rest).taxonomy, accepted };
    });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      const server = (await deps.api.getTaxonomy()).taxonomy;
      const merged = mergeTaxonomy(server, settings.taxonomy, settings.taxonomyPending);
      // In step, or a volunteer: volunteers keep local-only codes on the phone but never send them.
      if (!merged.aheadOfServer || !deps.isStaff()) {
        await adopt(server);
        return 'adopted';
      }
      try {
        await adopt((await deps.api.putTaxonomy(merged.taxonomy)).taxonomy);
        return 'pushed';
      } catch (e) {
        // Another device added a code between our GET and PUT: merge again.
        if (e instanceof ApiError && e.code === 'invalid' && e.problems.some((p) => p.code.startsWith('removedCode:'))) continue;
        // No longer staff: adopt the server's, keep ours on the phone, stop sending.
        if (e instanceof ApiError && e.status === 403 && e.code === 'forbidden') {
          await adopt(server, true);
          return 'adopted';
        }
        throw e;
      }
    }
    return 'failed';
  } catch (e) {
    if (e instanceof ApiError && e.kind === 'offline') return 'offline';
    return 'failed';
  }
}

interface Runner {
  request(reason: 'start' | 'signIn' | 'edit' | 'online' | 'sync'): void;
  idle(): Promise<void>;
  lastFetchAt: number;
}

const runners = new WeakMap<Pinia, Runner>();

/**
 * Starts the taxonomy sync for the app (idempotent per Pinia): main.ts calls it after first paint.
 * Answers a runner tests can await (`idle()`).
 */
export function startTaxonomySync(deps?: Partial<TaxonomySyncDeps> & { now?: () => number }): Runner {
  const pinia = getActivePinia();
  if (!pinia) throw new Error('no active Pinia');
  const existing = runners.get(pinia);
  if (existing) return existing;

  const session = useSessionStore();
  const sync = useSyncStore();
  const now = deps?.now ?? (() => Date.now());
  const full: TaxonomySyncDeps = {
    api: deps?.api ?? useAdminApi(),
    signedIn: deps?.signedIn ?? (() => session.signedIn),
    isStaff: deps?.isStaff ?? (() => session.signedIn && (session.session?.role === 'admin' || session.session?.role === 'staff')),
    online: deps?.online ?? (() => !browserOffline()),
  };

  let running: Promise<void> | null = null;
  let again = false;
  const runner: Runner = {
    lastFetchAt: 0,
    request(reason) {
      if (reason === 'start' && (running || runner.lastFetchAt)) return;
      if (reason === 'sync' && useSettingsStore().taxonomyPending.size === 0 && now() - runner.lastFetchAt < REFRESH_MS) return;
      if (running) {
        again = true;
        return;
      }
      running = (async () => {
        do {
          again = false;
          const outcome = await syncTaxonomyOnce(full);
          if (outcome === 'adopted' || outcome === 'pushed') runner.lastFetchAt = now();
        } while (again);
      })().finally(() => {
        running = null;
      });
    },
    idle: () => running ?? Promise.resolve(),
  };
  runners.set(pinia, runner);

  const settings = useSettingsStore();
  watch(
    () => (session.signedIn ? session.session?.userId : null),
    (id) => {
      if (id) runner.request('signIn');
    },
  );
  watch(
    () => settings.taxonomyEdits,
    () => runner.request('edit'),
  );
  watch(
    () => sync.lastSuccessAt,
    (at) => {
      if (at !== null) runner.request('sync');
    },
  );
  if (typeof window !== 'undefined') window.addEventListener('online', () => runner.request('online'));
  void (session.loaded ? Promise.resolve() : session.load().then(() => undefined)).then(() => runner.request('start')).catch(() => undefined);
  return runner;
}
