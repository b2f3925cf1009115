/**
 * The 群众意见办理台账 as a sheet of the year's workbook (issue 15): its rows live on the server (GET
 * /api/feedback?year=), so the export reads them when it can — a staff member signed in, online —
 * and otherwise writes the workbook without the sheet and says so. Never fails the export: the
 * report's own sheets come from this phone and stand without it. A volunteer's workbook has no
 * register and nothing to say about it (they never see the public's items).
 */
import type { FeedbackListItem } from '../../domain/feedback';
import { useFeedbackApi } from '../composables/useFeedbackApi';
import { useSessionStore } from '../stores/session';
import type { ReportBundle } from './report-bundle';

/** Whether the register is in the workbook; `unavailable`: offline, signed out or refused. */
export type RegisterOutcome = 'included' | 'unavailable' | 'notStaff';

/** The bundle with the rows `load` answers; a failed load leaves the bundle as it is. */
export async function withFeedbackRegister(
  b: ReportBundle,
  load: () => Promise<readonly FeedbackListItem[]>,
): Promise<{ bundle: ReportBundle; register: RegisterOutcome }> {
  try {
    return { bundle: { ...b, feedbackRows: await load() }, register: 'included' };
  } catch {
    return { bundle: b, register: 'unavailable' };
  }
}

/** The bundle with the year's register, read as the signed-in member of this phone may. */
export async function withYearRegister(b: ReportBundle): Promise<{ bundle: ReportBundle; register: RegisterOutcome }> {
  const session = useSessionStore();
  await session.ready().catch(() => null);
  if (session.session?.role === 'volunteer') return { bundle: b, register: 'notStaff' };
  if (!session.signedIn || (typeof navigator !== 'undefined' && navigator.onLine === false)) return { bundle: b, register: 'unavailable' };
  return withFeedbackRegister(b, () => useFeedbackApi().list({ year: b.year }));
}
