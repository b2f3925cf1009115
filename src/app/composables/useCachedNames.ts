/**
 * The staff list cached on the phone (meta 'peopleNames': [id, name] pairs, written by the
 * reports screen: export/people-source.ts), for a screen that names the people of a record.
 */
import { readMeta } from '../db/meta-values';

/** The cached names by user id (empty when none are cached). */
export async function readCachedNames(): Promise<Map<string, string>> {
  const v = await readMeta('peopleNames').catch(() => null);
  return new Map(Array.isArray(v) ? (v as [string, string][]) : []);
}
