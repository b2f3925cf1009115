/**
 * The year's awards as a live read (issue 14 §4). Its own file, imported only by the reports
 * screen's awards section: the award code stays in that staff-only chunk.
 */
import { awardsOfYearIn } from '../db/queries';
import { ledgerDb } from '../db/database';
import { useLiveQuery } from './useLiveQuery';

/** Live awards of a year, by month, then in the order they were made. */
export const useAwardsOfYear = (year: () => number) => useLiveQuery(() => awardsOfYearIn(ledgerDb(), year()), year);
