/**
 * How the badge words the last sync time: the clock time today ("14:05"), else the date and time
 * ("11月3日 14:05"), in the phone's own zone (it is about when the phone last synced, not a report cut).
 */
export function formatSyncTime(at: number, now: number, locale: string): string {
  const d = new Date(at);
  const sameDay = new Date(now).toDateString() === d.toDateString();
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
  if (sameDay) return time;
  const date = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' }).format(d);
  return `${date} ${time}`;
}
