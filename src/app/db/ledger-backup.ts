/**
 * Export and import of the whole local ledger: the backstop when a browser evicts storage (as
 * iOS Safari does after 7 days unused) or a volunteer changes phones.
 */
import type { LedgerEvent } from '../../domain/event';
import { DEFAULT_TIME_ZONE } from '../../domain/year';
import { sha256Hex } from '../photos/resize';
import { ImportError } from './errors';
import type { EventRow, LedgerDb, OutboxRow, PhotoRow } from './ledger-db';
import { META, currentSeq } from './meta';
import { writeEvents } from './event-writes';
import { BACKUP_FORMAT, BACKUP_VERSION, base64ToBytes, bytesToBase64, parseBackup, type BackupFile } from './ledger-backup-format';

/** Counts of rows an import wrote. */
export interface ImportCounts { events: number; outbox: number; photos: number }

/** The whole local ledger (events, outbox, drafts, photos, device id, seq) as a JSON file. */
export async function exportLedger(db: LedgerDb, now: number = Date.now()): Promise<Blob> {
  const [events, outbox, drafts, photos, clientRow, seq] = await db.transaction('r', [db.events, db.outbox, db.drafts, db.photos, db.meta], () =>
    Promise.all([db.events.toArray(), db.outbox.toArray(), db.drafts.toArray(), db.photos.toArray(), db.meta.get(META.clientId), currentSeq(db)]));
  const file: BackupFile = {
    format: BACKUP_FORMAT, version: BACKUP_VERSION, exportedAt: new Date(now).toISOString(),
    clientId: typeof clientRow?.value === 'string' ? clientRow.value : null, seq,
    events: events.map(({ year: _y, ym: _m, ...e }) => e as LedgerEvent),
    outbox, drafts,
    photos: await Promise.all(photos.map(async ({ blob, thumb, ...p }) => ({
      ...p, data: bytesToBase64(new Uint8Array(await blob.arrayBuffer())), thumb: bytesToBase64(new Uint8Array(await thumb.arrayBuffer())),
    }))),
  };
  return new Blob([JSON.stringify(file)], { type: 'application/json' });
}

/** Reads and checks a backup file; throws ImportError (nothing written) when it is not a good one. */
export async function readBackup(file: Blob): Promise<{ backup: BackupFile; photos: PhotoRow[] }> {
  let json: unknown;
  try { json = JSON.parse(await file.text()); } catch { throw new ImportError('notJson'); }
  const r = parseBackup(json);
  if (!r.ok) throw new ImportError('invalid', r.problems);
  const photos = await Promise.all(r.value.photos.map(async ({ data, thumb, ...p }, i) => {
    const bytes = base64ToBytes(data);
    if ((await sha256Hex(bytes)) !== p.hash) throw new ImportError('invalid', [{ field: `photos.${i}.data`, code: 'hashMismatch' }]);
    return { ...p, blob: new Blob([bytes], { type: p.type }), thumb: new Blob([base64ToBytes(thumb)], { type: p.type }) };
  }));
  return { backup: r.value, photos };
}

/**
 * Merges a backup into the ledger in one transaction. Never overwrites a local event whose
 * updatedAt is the same or newer, nor a newer draft, nor a kept photo. Outbox rows of this device
 * keep their seq (rows whose seq is already here are skipped). A pristine ledger (nothing written
 * yet) adopts the file's device id and seq: the restore-after-eviction case. Rows of another
 * device are queued again under this device's id with new seqs, skipping ones already queued.
 */
export async function importLedger(db: LedgerDb, file: Blob, timeZone: string = DEFAULT_TIME_ZONE): Promise<ImportCounts> {
  const { backup, photos } = await readBackup(file);
  const counts: ImportCounts = { events: 0, outbox: 0, photos: 0 };
  await db.transaction('rw', [db.events, db.outbox, db.drafts, db.photos, db.meta, db.totals], async () => {
    let seq = await currentSeq(db);
    const pristine = seq === 0 && (await db.outbox.count()) === 0 && (await db.events.count()) === 0;
    const local = await db.events.bulkGet(backup.events.map((e) => e.id));
    const newer = backup.events.filter((e, i) => !local[i] || Date.parse(e.updatedAt) > Date.parse(local[i]!.updatedAt));
    // Each written id goes from its stored row to the last row written for it.
    const before = new Map<string, EventRow | undefined>(backup.events.map((e, i) => [e.id, local[i]]));
    const after = new Map(newer.map((e) => [e.id, e]));
    await writeEvents(db, [...after.values()].map((e) => ({ before: before.get(e.id), after: e })), timeZone);
    counts.events = newer.length;

    let clientId = (await db.meta.get(META.clientId))?.value as string | undefined;
    if (backup.clientId && (clientId === undefined || pristine)) {
      clientId = backup.clientId;
      await db.meta.put({ key: META.clientId, value: clientId });
      seq = Math.max(seq, backup.seq);
    }
    const existing = await db.outbox.toArray();
    const seqs = new Set(existing.map((x) => x.seq));
    const changes = new Set(existing.map(changeKey));
    const rows: OutboxRow[] = [];
    for (const row of backup.outbox) {
      if (row.clientId === clientId) {
        if (seqs.has(row.seq)) continue;
        rows.push(row);
        seq = Math.max(seq, row.seq);
      } else if (!changes.has(changeKey(row))) {
        seq += 1;
        rows.push({ ...row, clientId: clientId ?? row.clientId, seq } as OutboxRow);
      }
      changes.add(changeKey(row));
    }
    await db.outbox.bulkAdd(rows);
    await db.meta.put({ key: META.seq, value: seq });
    counts.outbox = rows.length;

    const drafts = await db.drafts.bulkGet(backup.drafts.map((d) => d.key));
    await db.drafts.bulkPut(backup.drafts.filter((d, i) => !drafts[i] || Date.parse(d.savedAt) > Date.parse(drafts[i]!.savedAt)));

    const kept = await db.photos.bulkGet(photos.map((p) => p.hash));
    const fresh = photos.filter((_, i) => !kept[i]);
    await db.photos.bulkAdd(fresh);
    for (const p of photos) if (p.uploaded === 1) await db.photos.update(p.hash, { uploaded: 1 });
    counts.photos = fresh.length;
  });
  return counts;
}

/** What an outbox row changes, ignoring device and seq: equal keys, same change. */
function changeKey({ clientId: _c, seq: _s, state: _st, rejection: _r, ...m }: OutboxRow): string {
  return JSON.stringify(m);
}
