/**
 * The reports screen's data: the year's events (through the [year+ym] index) and targets as
 * live queries, and the one report bundle the tables, charts, narrative and exports all use
 * (with the names of the people it names and the organisation that signs it).
 */
import { computed, shallowRef, watch, type Ref } from 'vue';
import { buildReportBundle, type ReportBundle } from '../../export/report-bundle';
import { useEventsOfYear, usePendingReviewCount, useTargetsOfYear } from '../../composables/useLedger';
import { useRegionStore } from '../../stores/region';
import { useSettingsStore } from '../../stores/settings';
import type { PeopleNames } from '../../export/people';
import { afterNextPaint } from '../ui/lazy-part';

/**
 * Live events, targets, pending review count and the bundle for a year; `feedback`: what the
 * feedback channel's section read (the 自评表's external figures, the report's sentence);
 * `awardsSentence`: the year's generated awards sentence the awards section made (staff).
 */
export function useReportData(
  year: Ref<number>,
  reviewedOnly: Ref<boolean>,
  round: Ref<boolean>,
  feedback?: Ref<{ readonly externals: Readonly<Record<string, number>>; readonly sentence: string } | undefined>,
  awardsSentence?: Ref<string>,
) {
  const settings = useSettingsStore();
  const region = useRegionStore();
  void settings.load();
  void region.load();
  const events = useEventsOfYear(year);
  const targets = useTargetsOfYear(() => year.value);
  const pendingReview = usePendingReviewCount();
  // Who 填报人/审核人 are and who signs: staff code (people-source.ts), loaded once the report has
  // been counted and shown — it labels the exports only, and its download never stands before the
  // report's first paint.
  const people = shallowRef<{ names: PeopleNames; orgName: string } | null>(null);
  let peopleAsked = false;
  // Counted without the people: their names label the exports only (填报人/审核人, 落款), so their
  // arrival a moment after the screen shows relabels the bundle instead of counting it again.
  const counted = computed<ReportBundle | null>(() => {
    const pack = region.pack;
    if (!pack || events.value === undefined || targets.value === undefined) return null;
    return buildReportBundle(events.value, targets.value, {
      year: year.value,
      reviewedOnly: reviewedOnly.value,
      round: round.value,
      taxonomy: settings.taxonomy,
      pack,
      lines: settings.reportLines,
      clauseEdits: settings.clauseEdits,
      awardsSentence: awardsSentence?.value ?? '',
      ...(feedback?.value ? { externals: feedback.value.externals, feedbackSentence: feedback.value.sentence } : {}),
    });
  });
  watch(
    counted,
    (b) => {
      if (!b || peopleAsked) return;
      peopleAsked = true;
      void afterNextPaint()
        .then(() => import('../../export/people-source'))
        .then((m) => m.loadPeople())
        .then((p) => (people.value = p))
        .catch(() => undefined);
    },
    { immediate: true },
  );
  const bundle = computed<ReportBundle | null>(() => {
    const b = counted.value;
    const p = people.value;
    return b && p ? { ...b, names: p.names, orgName: p.orgName.trim() || b.orgName } : b;
  });
  return { events, targets, pendingReview, bundle };
}
