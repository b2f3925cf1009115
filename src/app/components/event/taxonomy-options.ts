/** Choices of a taxonomy list for a select: active entries, plus a retired one an event still holds. */
import type { Taxonomy, TaxonomyListName } from '../../../domain/taxonomy';
import type { SelectOption } from './OptionSelect.vue';

/** Options of `list` in `locale`; retired entries only when they are among `keep`. */
export function taxonomyOptions(taxonomy: Taxonomy, list: TaxonomyListName, locale: string, keep: readonly (string | null)[] = []): SelectOption[] {
  return taxonomy[list].filter((e) => !e.retired || keep.includes(e.code)).map((e) => ({ value: e.code, label: locale === 'en' ? (e.en ?? e.zh) : e.zh }));
}
