/**
 * Every date and time the app shows on screen, in one place: Chinese convention in zh-CN
 * (2024年5月20日 09:00, or 5月20日 where the year goes without saying), English its own
 * (20 May 2024, 09:00). Event times are shown in the region's zone (the ledger's year and month
 * are cut there, domain/year.ts); times about this phone (the last sync, an invite's expiry) in
 * the phone's own zone. Exports keep their own sortable 2024-05-20 09:00 (export/event-detail.ts).
 */
import { zonedParts } from '../../domain/year';
import type { Locale } from './index';

const pad = (n: number) => String(n).padStart(2, '0');
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The phone's own time zone (for times about the phone, not about the ledger). */
export function phoneTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function partsOf(instant: string | number, timeZone: string): Parts | null {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  return Number.isNaN(ms) ? null : zonedParts(ms, timeZone);
}

function dateText(p: Parts, locale: Locale, withYear = true): string {
  if (locale === 'en') return withYear ? `${p.day} ${EN_MONTHS[p.month - 1]} ${p.year}` : `${p.day} ${EN_MONTHS[p.month - 1]}`;
  return withYear ? `${p.year}年${p.month}月${p.day}日` : `${p.month}月${p.day}日`;
}

const clock = (p: Parts) => `${pad(p.hour)}:${pad(p.minute)}`;
const joinDateTime = (date: string, time: string, locale: Locale) => (locale === 'en' ? `${date}, ${time}` : `${date} ${time}`);

/** "2024年5月20日" / "20 May 2024" of an instant in `timeZone`; the raw text when unparsable. */
export function formatDate(instant: string | number, timeZone: string, locale: Locale): string {
  const p = partsOf(instant, timeZone);
  return p ? dateText(p, locale) : String(instant);
}

/** "2024年5月20日 09:00" / "20 May 2024, 09:00" of an instant in `timeZone`; the raw text when unparsable. */
export function formatDateTime(instant: string | number, timeZone: string, locale: Locale): string {
  const p = partsOf(instant, timeZone);
  return p ? joinDateTime(dateText(p, locale), clock(p), locale) : String(instant);
}

/** An event's span: "2024年5月20日 09:00–11:30" on one day, else both ends in full. */
export function formatSpan(startAt: string, endAt: string, timeZone: string, locale: Locale): string {
  const s = partsOf(startAt, timeZone);
  const e = partsOf(endAt, timeZone);
  if (!s || !e) return formatDateTime(startAt, timeZone, locale);
  const start = formatDateTime(startAt, timeZone, locale);
  if (start === formatDateTime(endAt, timeZone, locale)) return start;
  const sameDay = s.year === e.year && s.month === e.month && s.day === e.day;
  return sameDay ? `${start}–${clock(e)}` : `${start} – ${formatDateTime(endAt, timeZone, locale)}`;
}

/**
 * A recent moment, short: the clock time today ("14:05"), the date without the year this year
 * ("11月3日 14:05"), in full before ("2025年11月3日 14:05"). `now` decides "today".
 */
export function formatRecent(at: number, now: number, timeZone: string, locale: Locale): string {
  const p = zonedParts(at, timeZone);
  const n = zonedParts(now, timeZone);
  if (p.year === n.year && p.month === n.month && p.day === n.day) return clock(p);
  return joinDateTime(dateText(p, locale, p.year !== n.year), clock(p), locale);
}
