/**
 * Where the reports screen gets the names its exports print (loaded on demand, staff code): the
 * signed-in user's own name and org (the session), the staff list cached on the phone (meta
 * 'peopleNames', so an export made offline still names people) and, for signed-in staff online,
 * the server's list (GET /api/users), which refreshes the cache. The report bundle adds the
 * importers named by import batches (people.ts). The event detail loads it too, for its 填报人 and
 * 审核人 (without asking the server): a volunteer's first visit carries none of this.
 */
import { readMeta, writeMeta } from '../db/meta-values';
import { useAdminApi } from '../composables/useAdminApi';
import { useSessionStore } from '../stores/session';
import type { LedgerEvent } from '../../domain/event';
import {
  mergeNames,
  namesFromImports,
  PEOPLE_NAMES_KEY,
  isNamePairs,
  reviewerName,
  submitterName,
  THIS_DEVICE,
  UNKNOWN_PERSON,
  type PeopleNames,
} from './people';

/**
 * Names by user id and the signing organisation ('' when not signed in); `ask` false: only what
 * the phone holds (the event detail), never the server.
 */
export async function loadPeople(ask = true): Promise<{ names: PeopleNames; orgName: string }> {
  const session = useSessionStore();
  const s = await session.ready();
  const stored = await readMeta(PEOPLE_NAMES_KEY).catch(() => null);
  let listed: [string, string][] = isNamePairs(stored) ? stored : [];
  const staff = s?.role === 'staff' || s?.role === 'admin';
  if (ask && staff && session.signedIn && navigator.onLine !== false) {
    try {
      listed = (await useAdminApi().listUsers()).map((u): [string, string] => [u.id, u.name]);
      await writeMeta(PEOPLE_NAMES_KEY, listed);
    } catch {
      // Offline or refused: the cached names serve.
    }
  }
  return { names: mergeNames(s && s.name ? [[s.userId, s.name]] : [], listed), orgName: s?.orgName ?? '' };
}

/** 填报人 and 审核人 of one event for a screen, in its words for "unknown user" and "this phone". */
export async function eventPeople(e: LedgerEvent, words: { unknown: string; device: string }): Promise<{ submitter: string; reviewer: string }> {
  const names = mergeNames((await loadPeople(false)).names, namesFromImports([e]));
  const say = (name: string) => (name === UNKNOWN_PERSON ? words.unknown : name === THIS_DEVICE ? words.device : name);
  return { submitter: say(submitterName(e, names)), reviewer: say(reviewerName(e, names)) };
}
