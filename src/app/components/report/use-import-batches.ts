/**
 * The import batches of the ledger on this device, live. Imported events carry their batch
 * (event.importBatch), which no index covers: the query (useImportedEvents) reads the events, so
 * it runs only while the import panel is open.
 */
import { computed } from 'vue';
import { importBatchesOf } from '../../../domain/import-batches';
import { useImportedEvents } from '../../composables/useLedger';

/** The batches, newest first (undefined until the first read). */
export function useImportBatches() {
  const events = useImportedEvents();
  return computed(() => (events.value === undefined ? undefined : importBatchesOf(events.value)));
}
