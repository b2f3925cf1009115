/**
 * Who the report screens serve: the signed-in role, and with no session the device user acting
 * as staff locally (the screens say so). Its own module so a screen that needs only the role
 * (审核, the line and target editors, the import) does not load the report's counting and
 * narrative code with it (use-report-data.ts, ~19 KB gzip).
 */
import { computed } from 'vue';
import { useLedgerStore } from '../../stores/ledger';

/** The signed-in role; with no session the device user acts as staff locally (the screen says so). */
export function useReportRole() {
  const ledger = useLedgerStore();
  const role = computed(() => ledger.identity.role);
  const isStaff = computed(() => role.value === null || role.value === 'staff' || role.value === 'admin');
  const isLocalStaff = computed(() => role.value === null);
  const userId = computed(() => ledger.identity.userId || 'local-staff');
  return { role, isStaff, isLocalStaff, userId };
}
