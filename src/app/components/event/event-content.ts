/**
 * Helpers of the event form that are not display: the form's own content (an event's content
 * while it is being typed), plain deep copies of it (for drafts and saves, free of Vue proxies),
 * "repeat last event", the form's problems and problems keyed by field.
 */
import type { EventContent, EventValidationOptions } from '../../../domain/event';
import { emptyEventContent, validateEventContent } from '../../../domain/event';
import type { Problem } from '../../../domain/problems';

/**
 * What the form edits and its draft keeps: an event's content while it is typed.
 * - `attendance` is null until typed: a default 0 would be saved without anyone reading it, and
 *   0 people would be counted as a real event.
 * - `noOnSiteAudience` is the volunteer's "本次活动无现场群众（如媒体宣传）": only with it may attendance
 *   be 0 (it is true only while attendance is 0). A draft stored before this flag existed has none,
 *   so its 0 (then the form's default) must be confirmed again.
 */
export type FormContent = Omit<EventContent, 'attendance'> & {
  attendance: number | null;
  noOnSiteAudience: boolean;
};

/** A new event's form starting at `startAt`: attendance empty, nothing confirmed. */
export function emptyFormContent(startAt: string): FormContent {
  return { ...emptyEventContent(startAt), attendance: null, noOnSiteAudience: false };
}

/**
 * The form over a stored event. A stored 0 is not taken as confirmed: the event may have been
 * logged when 0 was the form's default, so the editor confirms it (one tap) or types the number.
 */
export function formContentOf(c: EventContent): FormContent {
  return cloneContent({ ...c, noOnSiteAudience: false });
}

/** The form over a kept draft, whichever version of the app stored it. */
export function formContentOfDraft(stored: EventContent | FormContent): FormContent {
  const raw = stored as Partial<FormContent>;
  const attendance = typeof raw.attendance === 'number' ? raw.attendance : null;
  return cloneContent({ ...(stored as FormContent), attendance, noOnSiteAudience: raw.noOnSiteAudience === true && attendance === 0 });
}

/** The event content the form holds, for the domain's checks (the form-only flag left out). */
export function eventContentOf(f: FormContent): unknown {
  const { noOnSiteAudience: _confirmed, ...content } = cloneContent(f);
  return content;
}

/** A plain copy of form content (no reactive proxies), safe to store in IndexedDB. */
export function cloneContent(c: FormContent): FormContent {
  return {
    ...c,
    themes: [...c.themes],
    point: c.point ? { ...c.point } : null,
    audience: c.audience.map((a) => ({ ...a })),
    materials: c.materials.map((m) => ({ ...m })),
    volunteers: c.volunteers.map((v) => ({ ...v })),
    partners: [...c.partners],
    photos: [...c.photos],
  };
}

/**
 * The form for a repeat of `last`: the same format, venue, campaign, place, themes and materials,
 * at a new time (`startAt`); title, notes, photos and counts start empty. Attendance is not
 * copied: each occasion reaches its own number of people, and a copied number would be saved
 * unread as surely as a default 0.
 */
export function repeatOf(last: EventContent, startAt: string): FormContent {
  return {
    ...emptyFormContent(startAt),
    format: last.format,
    venue: last.venue,
    campaign: last.campaign,
    townshipCode: last.townshipCode,
    villageCode: last.villageCode,
    venueName: last.venueName,
    themes: [...last.themes],
    materials: last.materials.map((m) => ({ ...m })),
  };
}

/** The volunteer typed a number (null: cleared it); any number but 0 withdraws "no one was there". */
export function setAttendance(f: FormContent, n: number | null): void {
  f.attendance = n;
  if (n !== 0) f.noOnSiteAudience = false;
}

/** The volunteer ticked or unticked "no on-site audience": ticked means 0; unticked clears that 0 for a number. */
export function setNoOnSiteAudience(f: FormContent, on: boolean): void {
  f.noOnSiteAudience = on;
  if (on) f.attendance = 0;
  else if (f.attendance === 0) f.attendance = null;
}

/** The form's own rule: 0 people only when the volunteer confirmed that no one was there. */
export function zeroAttendanceProblems(f: FormContent): Problem[] {
  return f.attendance === 0 && !f.noOnSiteAudience ? [{ field: 'attendance', code: 'zeroAttendanceUnconfirmed' }] : [];
}

/** Everything wrong with the form's content: the domain's checks, then the form's own rule. */
export function formProblems(f: FormContent, opts: EventValidationOptions = {}): { problems: Problem[]; value: EventContent | null } {
  const r = validateEventContent(eventContentOf(f), opts);
  const zero = zeroAttendanceProblems(f);
  if (r.ok) return zero.length ? { problems: zero, value: null } : { problems: [], value: r.value };
  return { problems: [...r.problems, ...zero], value: null };
}

/** Field path → first problem code there (the form shows one message per field). */
export function problemsByField(problems: readonly Problem[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of problems) {
    if (!(p.field in out)) out[p.field] = p.code;
  }
  return out;
}

/** The first problem code at `field` or under it (`field.n…`), for a group's summary message. */
export function problemUnder(errors: Record<string, string>, field: string): string | undefined {
  if (errors[field]) return errors[field];
  const key = Object.keys(errors).find((k) => k.startsWith(`${field}.`));
  return key ? errors[key] : undefined;
}
