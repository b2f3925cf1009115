/**
 * The reports screen's data: the year's events (through the [year+ym] index) and targets as
 * live queries, and the one report bundle the tables, charts, narrative and exports all use.
 */
import Dexie from 'dexie';
import { computed, type Ref } from 'vue';
import { buildReportBundle, type ReportBundle } from '../../export/report-bundle';
import { useLiveQuery } from '../../composables/useLiveQuery';
import { useLedgerStore } from '../../stores/ledger';
import { useRegionStore } from '../../stores/region';
import { useSettingsStore } from '../../stores/settings';

/** Live events, targets, pending review count and the bundle for a year. */
export function useReportData(year: Ref<number>, reviewedOnly: Ref<boolean>, round: Ref<boolean>) {
  const ledger = useLedgerStore();
  const settings = useSettingsStore();
  const region = useRegionStore();
  void settings.load();
  void region.load();
  const events = useLiveQuery(
    () => ledger.db.events.where('[year+ym]').between([year.value, Dexie.minKey], [year.value, Dexie.maxKey]).toArray(),
    year,
  );
  const targets = useLiveQuery(() => ledger.db.targets.where('year').equals(year.value).toArray(), year);
  const pendingReview = useLiveQuery(() => ledger.db.events.where('status').equals('submitted').filter((e) => !e.deleted).count());
  const bundle = computed<ReportBundle | null>(() => {
    const pack = region.pack;
    if (!pack || events.value === undefined || targets.value === undefined) return null;
    const live = targets.value.filter((t) => !t.deleted).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    return buildReportBundle(events.value, live, {
      year: year.value, reviewedOnly: reviewedOnly.value, round: round.value, taxonomy: settings.taxonomy, pack,
    });
  });
  return { events, targets, pendingReview, bundle };
}

/** The signed-in role; with no session the device user acts as staff locally (the screen says so). */
export function useReportRole() {
  const ledger = useLedgerStore();
  const role = computed(() => ledger.identity.role);
  const isStaff = computed(() => role.value === null || role.value === 'staff' || role.value === 'admin');
  const isLocalStaff = computed(() => role.value === null);
  const userId = computed(() => ledger.identity.userId || 'local-staff');
  return { role, isStaff, isLocalStaff, userId };
}
