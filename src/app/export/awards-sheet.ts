/**
 * The bundle with the year's awards as this phone holds them, for a print or an export. The export
 * buttons and the print path load this module alone, on demand, and nothing imports it statically,
 * so it is a staff-only entry of its own (src/build/vite-plugins.ts STAFF_ONLY_ENTRIES): the award
 * code it reaches — the 竞赛获奖 sheet and the sentence (awards-export.ts, domain/award-report.ts) —
 * is not in a volunteer's first visit. (The name is the one those callers load; the sheet itself
 * is in awards-export.ts.)
 */
import { withAwards } from './awards-export';
import type { ReportBundle } from './report-bundle';

export { withAwards };

/**
 * The bundle with the year's awards as this phone holds them (staff phones pull every award;
 * a volunteer's holds none, and its workbook has no 竞赛获奖 sheet).
 */
export async function withYearAwards(b: ReportBundle): Promise<ReportBundle> {
  const [{ ledgerDb }, { awardsOfYearIn }] = await Promise.all([import('../db/database'), import('../db/queries')]);
  return withAwards(b, await awardsOfYearIn(ledgerDb(), b.year));
}
