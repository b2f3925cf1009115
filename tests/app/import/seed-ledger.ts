// The 2023 seed fixture imported through the real path: the CSV read as the app reads a chosen
// file, checked by event-import, written by repo.createEvents into a fake-indexeddb ledger.
import { DEFAULT_TAXONOMY } from '../../../src/domain/taxonomy';
import { readImportTable } from '../../../src/domain/event-import';
import { townshipCodesOf, villageTownshipMapOf } from '../../../src/domain/region';
import { readTableFile } from '../../../src/app/import/read-table';
import { importEvents } from '../../../src/app/import/import-events';
import { freshRepo } from '../db/helpers';
import { loadHuidongPack } from '../../fixtures/region-pack';
import { seed2023CsvText } from '../../fixtures/seed-2023';

export const pack = loadHuidongPack();
export const references = () => ({ taxonomy: DEFAULT_TAXONOMY, townshipCodes: townshipCodesOf(pack), villageTownship: villageTownshipMapOf(pack) });

/** The batch the seed is imported as. */
export const SEED_BATCH = { id: '018c2a3b-4c5d-7e6f-8a9b-0c1d2e3f4a5b', file: 'seed-2023.csv', at: '2024-01-05T09:00:00+08:00', by: '王科协' };

/** When the seed is imported (the phone's clock): after the year closed. */
export const SEED_IMPORTED_AT = '2024-01-15T10:00:00+08:00';

/** A fresh ledger holding the 53 seed events, imported as staff with the given status. */
export async function seedLedger(status: 'reviewed' | 'submitted' = 'reviewed') {
  // Imported after the year closed: the repository refuses starts more than a day past its clock.
  const world = freshRepo({ references, identity: () => ({ userId: 'u-staff-1', orgId: 'org-huidong', role: 'staff' }) });
  world.clock.ms = Date.parse(SEED_IMPORTED_AT);
  const file = Object.assign(new Blob([seed2023CsvText()], { type: 'text/csv' }), { name: 'seed-2023.csv' });
  const read = await readTableFile(file);
  if (!read.ok) throw new Error(`seed file not read: ${read.code}`);
  const result = readImportTable(read.rows, { taxonomy: DEFAULT_TAXONOMY, pack });
  const outcome = await importEvents(world.repo, result, { status, mode: 'all', orgId: 'org-huidong', batch: SEED_BATCH });
  if (!outcome.written) throw new Error(`seed import refused: ${JSON.stringify(result.problems.slice(0, 3))}`);
  return { ...world, result };
}
