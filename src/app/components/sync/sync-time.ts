/**
 * How the badge words the last sync time: the clock time today ("14:05"), else the date and time
 * ("11月3日 14:05"), in the phone's own zone (it is about when the phone last synced, not a report
 * cut). The wording is i18n/date-format.ts's, like every date on screen.
 */
import { formatRecent, phoneTimeZone } from '../../i18n/date-format';

export function formatSyncTime(at: number, now: number, locale: string): string {
  return formatRecent(at, now, phoneTimeZone(), locale === 'en' ? 'en' : 'zh-CN');
}
