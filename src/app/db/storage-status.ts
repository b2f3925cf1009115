/**
 * Storage safety: ask the browser to keep the ledger's database (navigator.storage.persist()), and
 * warn when it may evict it (not persistent) or when it is nearly full (usage above 80% of quota).
 * The settings store keeps the status; composables/useStorageStatus.ts refreshes it on a screen.
 */

/** Share of the quota above which the phone warns that storage is nearly full. */
export const NEAR_QUOTA_SHARE = 0.8;

/** What the browser says about our storage; null where it cannot tell. */
export interface StorageStatus {
  persisted: boolean | null;
  usage: number | null;
  quota: number | null;
}

/** Why the settings screen warns: not persistent, near quota, or nothing to warn about. */
export function storageWarnings(s: StorageStatus): ('notPersistent' | 'nearQuota')[] {
  const out: ('notPersistent' | 'nearQuota')[] = [];
  if (s.persisted === false) out.push('notPersistent');
  if (s.usage !== null && s.quota !== null && s.quota > 0 && s.usage > s.quota * NEAR_QUOTA_SHARE) out.push('nearQuota');
  return out;
}

/** Reads persisted() and estimate(); with `requestPersist`, first asks for persist() when not yet granted. */
export async function readStorageStatus(storage: StorageManager | undefined = globalThis.navigator?.storage, requestPersist = false): Promise<StorageStatus> {
  if (!storage) return { persisted: null, usage: null, quota: null };
  let persisted: boolean | null = typeof storage.persisted === 'function' ? await storage.persisted().catch(() => null) : null;
  if (requestPersist && persisted === false && typeof storage.persist === 'function') {
    persisted = await storage.persist().catch(() => false);
  }
  const est = typeof storage.estimate === 'function' ? await storage.estimate().catch(() => null) : null;
  return { persisted, usage: est?.usage ?? null, quota: est?.quota ?? null };
}
