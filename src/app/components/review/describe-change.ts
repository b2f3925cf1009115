/** A changed field's value in words for a review card: codes as labels, places as names, times on the wall clock. */
import { labelOf, type Taxonomy, type TaxonomyListName } from '../../../domain/taxonomy';
import type { RegionPack } from '../../../domain/region';
import { formatDateTime } from '../event/event-time';

/** What describing needs: the words (`none`, hours), the taxonomy, the region pack, the time zone. */
export interface ChangeWords {
  readonly none: string;
  readonly hours: (n: number) => string;
  readonly taxonomy: Taxonomy;
  readonly pack: RegionPack | null;
  readonly timeZone: string;
}

/** `value` of `field` as a reviewer reads it. */
export function describeChange(field: string, value: unknown, w: ChangeWords): string {
  if (value === null || value === undefined || value === '') return w.none;
  const label = (list: TaxonomyListName, code: string) => labelOf(w.taxonomy, list, code);
  const counts = (xs: unknown, list: TaxonomyListName) =>
    (xs as { kind: string; count: number }[]).map((x) => `${label(list, x.kind)} ${x.count}`).join('、') || w.none;
  switch (field) {
    case 'format':
      return label('formats', String(value));
    case 'venue':
      return label('venues', String(value));
    case 'campaign':
      return label('campaigns', String(value));
    case 'themes':
      return (value as string[]).map((c) => label('themes', c)).join('、') || w.none;
    case 'materials':
      return counts(value, 'materialKinds');
    case 'audience':
      return counts(value, 'audienceKinds');
    case 'townshipCode':
      return w.pack?.townships.find((u) => u.code === value)?.name ?? String(value);
    case 'villageCode':
      return w.pack?.villages.find((v) => v.code === value)?.name ?? String(value);
    case 'startAt':
    case 'endAt':
      return formatDateTime(String(value), w.timeZone);
    case 'volunteers':
      return (value as { name: string; hours: number }[]).map((v) => `${v.name} ${w.hours(v.hours)}`).join('、') || w.none;
    case 'partners':
      return (value as string[]).join('、') || w.none;
    case 'photos':
      return String((value as string[]).length);
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}
