/**
 * Wall-clock time in the region's zone for the form's datetime-local inputs. The phone's own zone
 * may differ (a volunteer's phone set to UTC), but the ledger's year and month are cut in the
 * region's zone (domain/year), so the form shows and reads times in that zone too.
 */
import type { Ref } from 'vue';
import { offsetMinutesAt, toZonedIso, zonedParts } from '../../../domain/year';
import { i18n, type Locale } from '../../i18n';
import { formatDateTime as formatDateTimeIn, formatSpan as formatSpanIn } from '../../i18n/date-format';

const pad = (n: number) => String(n).padStart(2, '0');

/** "YYYY-MM-DDTHH:mm" of an instant in `timeZone`, for an `<input type="datetime-local">`; '' when unparsable. */
export function toWallClockInput(iso: string, timeZone: string): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return '';
  const p = zonedParts(iso, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** The ISO instant (with the zone's offset) of a wall-clock "YYYY-MM-DDTHH:mm" in `timeZone`; '' when malformed. */
export function fromWallClockInput(value: string, timeZone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return '';
  const guess = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
  if (Number.isNaN(guess)) return '';
  // Two passes settle zones whose offset differs on either side of the guess.
  let ms = guess - offsetMinutesAt(guess, timeZone) * 60000;
  ms = guess - offsetMinutesAt(ms, timeZone) * 60000;
  return toZonedIso(ms, timeZone);
}

/** The UI's language now (read in a render, so a switch of language re-renders the dates). */
function uiLocale(): Locale {
  return (i18n.global.locale as unknown as Ref<Locale>).value === 'en' ? 'en' : 'zh-CN';
}

/** An instant in `timeZone` as the UI's language writes it (i18n/date-format.ts: 2024年5月20日 09:00). */
export function formatDateTime(iso: string, timeZone: string, locale: Locale = uiLocale()): string {
  return formatDateTimeIn(iso, timeZone, locale);
}

/** An event's span as the UI's language writes it (2024年5月20日 09:00–11:30). */
export function formatSpan(startAt: string, endAt: string, timeZone: string, locale: Locale = uiLocale()): string {
  return formatSpanIn(startAt, endAt, timeZone, locale);
}

/** The instant `ms` rounded down to the minute, as ISO with the zone's offset. */
export function nowIso(ms: number, timeZone: string): string {
  return toZonedIso(Math.floor(ms / 60000) * 60000, timeZone);
}
