/** The target repository over the ledger store's database, with the same clock, ids and identity. */
import { createTargetRepository, type TargetRepository } from '../../db/target-repository';
import { useLedgerStore } from '../../stores/ledger';

let cached: { db: unknown; repo: TargetRepository } | null = null;

/** One TargetRepository per ledger database. */
export function useTargetRepository(): TargetRepository {
  const ledger = useLedgerStore();
  if (cached && cached.db === ledger.db) return cached.repo;
  const repo = createTargetRepository(ledger.db, {
    now: () => Date.now(),
    random16: () => crypto.getRandomValues(new Uint8Array(16)),
    identity: () => ledger.identity,
    clientId: () => ledger.ensureClientId(),
    get timeZone() { return ledger.timeZone; },
  });
  cached = { db: ledger.db, repo };
  return repo;
}
