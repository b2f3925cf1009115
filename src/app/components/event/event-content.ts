/**
 * Helpers of the event form that are not display: a plain deep copy of the form's content (for
 * drafts and saves, free of Vue proxies), "repeat last event", and problems keyed by field.
 */
import type { EventContent } from '../../../domain/event';
import { emptyEventContent } from '../../../domain/event';
import type { Problem } from '../../../domain/problems';

/** A plain copy of form content (no reactive proxies), safe to store in IndexedDB. */
export function cloneContent(c: EventContent): EventContent {
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
 * at a new time (`startAt`); counts, title, notes and photos start empty.
 */
export function repeatOf(last: EventContent, startAt: string): EventContent {
  return {
    ...emptyEventContent(startAt),
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
