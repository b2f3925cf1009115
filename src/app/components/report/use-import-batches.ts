/**
 * The import batches of the ledger on this device, live. Imported events carry their batch
 * (event.importBatch), which no index covers: the query reads the events and keeps the imported
 * ones, so it runs only while the import panel is open (an index on importBatch.id would need
 * a Dexie version of its own).
 */
import { computed } from 'vue';
import { importBatchesOf } from '../../../domain/import-batches';
import { useLiveQuery } from '../../composables/useLiveQuery';
import { useLedgerStore } from '../../stores/ledger';

/** The batches, newest first (undefined until the first read). */
export function useImportBatches() {
  const ledger = useLedgerStore();
  const events = useLiveQuery(() => ledger.db.events.filter((e) => e.importBatch != null).toArray());
  return computed(() => (events.value === undefined ? undefined : importBatchesOf(events.value)));
}
