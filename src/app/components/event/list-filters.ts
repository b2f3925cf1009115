/** The event list's filters and the test of one row against them (text search included). */
import { reactive } from 'vue';
import type { EventStatus } from '../../../domain/event';
import { commonFormOf } from '../../../domain/variant-chars';
import type { EventRow } from '../../db/ledger-db';

/** What the list filters on; null means any. `campaign` 'none' keeps events without a campaign. */
export interface ListFilters {
  year: number | null;
  format: string | null;
  campaign: string | null;
  township: string | null;
  status: EventStatus | null;
  text: string;
}

/** The list's filters for this page session (kept across visits to an event and back). */
export const listFilters = reactive<ListFilters>({ year: null, format: null, campaign: null, township: null, status: null, text: '' });

/**
 * Whether a stored row passes the filters (deleted rows never do); text matches title, venue name
 * or notes, with variant characters folded on both sides (巺寮 finds 巽寮 and the other way round).
 */
export function matchesListFilters(e: EventRow, f: ListFilters): boolean {
  if (e.deleted) return false;
  if (f.year !== null && e.year !== f.year) return false;
  if (f.format !== null && e.format !== f.format) return false;
  if (f.campaign !== null && (f.campaign === 'none' ? e.campaign !== null : e.campaign !== f.campaign)) return false;
  if (f.township !== null && e.townshipCode !== f.township) return false;
  if (f.status !== null && e.status !== f.status) return false;
  const q = commonFormOf(f.text.trim().toLowerCase());
  if (q && !commonFormOf(`${e.title}\n${e.venueName}\n${e.notes}`.toLowerCase()).includes(q)) return false;
  return true;
}
