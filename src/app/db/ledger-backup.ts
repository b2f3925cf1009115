/**
 * Export and import of the whole local ledger (导出全部数据): the backstop when a browser evicts
 * storage (as iOS Safari does after 7 days unused) or a volunteer changes phones.
 *
 * The file is a zip (format version 2; ledger-backup-format.ts), streamed both ways so a cheap
 * phone with hundreds of photos never holds the backup in memory at once, as one JSON string
 * with base64 photos did (it could run out of memory):
 *   kepu-ledger.json            the manifest: format, version, when, device id, seq
 *   events.jsonl, outbox.jsonl, drafts.jsonl, photos.jsonl   the ledger, one record a line
 *   photos/<hash>.jpg, thumbs/<hash>.jpg                      each photo and thumbnail as a file
 * Writing reads one photo at a time out of IndexedDB, and every few MB of written zip becomes a
 * Blob (which the browser keeps outside the page's memory, on disk if need be); reading takes the
 * file as a stream, one photo at a time. What is held at once is one photo plus one part of the
 * zip (BackupStats.peakHeldBytes measures it). The ledger's records themselves are small and are
 * held whole, as the one transaction that writes them needs. Photos are stored deflated at level
 * 0 (JPEGs do not shrink): a deflate stream marks its own end, which a plain stored entry after a
 * streamed header would not (photo bytes may contain a zip signature).
 *
 * fflate (8 KB gzipped for what this uses) writes and reads the zip; the JSON files of version 1
 * (photos as base64) are still read.
 */
import { Unzip, UnzipInflate, Zip, ZipDeflate } from 'fflate';
import type { LedgerEvent } from '../../domain/event';
import { DEFAULT_TIME_ZONE } from '../../domain/year';
import { sha256Hex } from '../photos/resize';
import { ImportError } from './errors';
import { writeEvents } from './event-writes';
import type { EventRow, LedgerDb, OutboxRow, PhotoRow } from './ledger-db';
import {
  BACKUP_FORMAT,
  BACKUP_JSON_VERSION,
  BACKUP_ZIP_VERSION,
  base64ToBytes,
  parseBackup,
  type BackupFile,
  type BackupPhotoMeta,
} from './ledger-backup-format';
import { META, currentSeq } from './meta';

/** Counts of rows an import wrote. */
export interface ImportCounts {
  events: number;
  outbox: number;
  photos: number;
}

/** What a streamed export or import held in memory at most at once (bytes of zip and photo data). */
export interface BackupStats {
  peakHeldBytes: number;
}

/** The manifest's name inside the zip, and the lists beside it. */
const MANIFEST = 'kepu-ledger.json';
const LISTS = ['events', 'outbox', 'drafts', 'photos'] as const;
type ListName = (typeof LISTS)[number];
/** Written zip bytes gathered before they become a Blob part. */
const PART_BYTES = 4 * 1024 * 1024;
/** JSON lines gathered before they are deflated. */
const LINES_BYTES = 256 * 1024;

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };
const photoFile = (dir: 'photos' | 'thumbs', p: Pick<PhotoRow, 'hash' | 'type'>) => `${dir}/${p.hash}.${EXT[p.type] ?? 'bin'}`;

/**
 * The whole local ledger (events, outbox, drafts, photos, device id, seq) as a zip. `partBytes`
 * (tests) sets how much written zip is gathered before it becomes a Blob part.
 */
export async function exportLedger(db: LedgerDb, now: number = Date.now(), options: { partBytes?: number; stats?: BackupStats } = {}): Promise<Blob> {
  const [events, outbox, drafts, photos, clientRow, seq] = await db.transaction('r', [db.events, db.outbox, db.drafts, db.photos, db.meta], () =>
    Promise.all([db.events.toArray(), db.outbox.toArray(), db.drafts.toArray(), db.photos.toArray(), db.meta.get(META.clientId), currentSeq(db)]),
  );
  const partBytes = options.partBytes ?? PART_BYTES;
  const parts: Blob[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let photoBytes = 0;
  let failure: unknown = null;
  const note = () => {
    if (options.stats) options.stats.peakHeldBytes = Math.max(options.stats.peakHeldBytes, pendingBytes + photoBytes);
  };
  const flush = () => {
    if (pending.length) parts.push(new Blob(pending as BlobPart[]));
    pending = [];
    pendingBytes = 0;
  };
  const zip = new Zip((err, chunk) => {
    if (err) {
      failure = err;
      return;
    }
    pending.push(chunk);
    pendingBytes += chunk.length;
    note();
    if (pendingBytes >= partBytes) flush();
  });
  const file = (name: string, level: 0 | 6) => {
    const f = new ZipDeflate(name, { level });
    zip.add(f);
    return f;
  };
  const text = new TextEncoder();

  const manifest = {
    format: BACKUP_FORMAT,
    version: BACKUP_ZIP_VERSION,
    exportedAt: new Date(now).toISOString(),
    clientId: typeof clientRow?.value === 'string' ? clientRow.value : null,
    seq,
    counts: { events: events.length, outbox: outbox.length, drafts: drafts.length, photos: photos.length },
  };
  file(MANIFEST, 6).push(text.encode(JSON.stringify(manifest, null, 1)), true);
  const lists: Record<ListName, readonly unknown[]> = {
    events: events.map(({ year: _y, ym: _m, ...e }) => e),
    outbox,
    drafts,
    photos: photos.map(({ blob: _b, thumb: _t, ...meta }) => meta),
  };
  for (const name of LISTS) {
    const f = file(`${name}.jsonl`, 6);
    let lines = '';
    for (const row of lists[name]) {
      lines += `${JSON.stringify(row)}\n`;
      if (lines.length >= LINES_BYTES) {
        f.push(text.encode(lines));
        lines = '';
      }
    }
    f.push(text.encode(lines), true);
  }
  for (const p of photos) {
    for (const [dir, blob] of [
      ['photos', p.blob],
      ['thumbs', p.thumb],
    ] as const) {
      const bytes = new Uint8Array(await blob.arrayBuffer());
      photoBytes = bytes.length;
      note();
      file(photoFile(dir, p), 0).push(bytes, true);
      photoBytes = 0;
    }
  }
  zip.end();
  if (failure) throw failure;
  flush();
  return new Blob(parts, { type: 'application/zip' });
}

/** Whether a file starts like a zip (a local file header). */
async function isZip(file: Blob): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/** Reads and checks a backup file (zip, or the JSON of version 1); throws ImportError (nothing written) when it is not a good one. */
export async function readBackup(file: Blob, stats?: BackupStats): Promise<{ backup: BackupFile<BackupPhotoMeta>; photos: PhotoRow[] }> {
  return (await isZip(file)) ? readZipBackup(file, stats) : readJsonBackup(file);
}

async function readJsonBackup(file: Blob): Promise<{ backup: BackupFile<BackupPhotoMeta>; photos: PhotoRow[] }> {
  let json: unknown;
  try {
    json = JSON.parse(await file.text());
  } catch {
    throw new ImportError('notJson');
  }
  const r = parseBackup(json, BACKUP_JSON_VERSION);
  if (!r.ok) throw new ImportError('invalid', r.problems);
  const photos = await Promise.all(
    r.value.photos.map(async ({ data, thumb, ...p }, i) => {
      const bytes = base64ToBytes(data);
      if ((await sha256Hex(bytes)) !== p.hash) throw new ImportError('invalid', [{ field: `photos.${i}.data`, code: 'hashMismatch' }]);
      return { ...p, blob: new Blob([bytes], { type: p.type }), thumb: new Blob([base64ToBytes(thumb)], { type: p.type }) };
    }),
  );
  return { backup: r.value, photos };
}

/** One entry's bytes as one array (the chunks a stream gave for it). */
function joined(chunks: readonly Uint8Array[], length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

async function readZipBackup(file: Blob, stats?: BackupStats): Promise<{ backup: BackupFile<BackupPhotoMeta>; photos: PhotoRow[] }> {
  let manifest: unknown = undefined;
  const rows: Record<ListName, unknown[]> = { events: [], outbox: [], drafts: [], photos: [] };
  /** Photo and thumbnail files by name, as Blobs, the photo's hash checked. */
  const files = new Map<string, { blob: Blob; hash: string }>();
  const tasks: Promise<void>[] = [];
  let held = 0;
  let failure: unknown = null;
  const note = (extra: number) => {
    if (stats) stats.peakHeldBytes = Math.max(stats.peakHeldBytes, held + extra);
  };

  const unzip = new Unzip((f) => {
    const list = LISTS.find((n) => f.name === `${n}.jsonl`);
    if (list || f.name === MANIFEST) {
      // Text is decoded as it comes and kept as records, never as one string of the whole list.
      const decoder = new TextDecoder();
      let rest = '';
      f.ondata = (err, chunk, final) => {
        if (err) return void (failure ??= err);
        rest += decoder.decode(chunk, { stream: !final });
        if (f.name === MANIFEST) {
          if (final) manifest = parseLine(rest, MANIFEST);
          return;
        }
        const lines = rest.split('\n');
        rest = final ? '' : lines.pop()!;
        for (const line of lines) if (line !== '') rows[list!].push(parseLine(line, `${list}.jsonl`));
      };
    } else if (/^(photos|thumbs)\//.test(f.name)) {
      const chunks: Uint8Array[] = [];
      let length = 0;
      f.ondata = (err, chunk, final) => {
        if (err) return void (failure ??= err);
        chunks.push(chunk);
        length += chunk.length;
        held += chunk.length;
        note(0);
        if (!final) return;
        const bytes = joined(chunks, length);
        chunks.length = 0;
        tasks.push(
          sha256Hex(bytes).then((hash) => {
            files.set(f.name, { blob: new Blob([bytes]), hash });
            held -= length;
          }),
        );
      };
    } else {
      return; // Not ours: skipped unread.
    }
    f.start();
  });
  unzip.register(UnzipInflate);

  /** Feeds the zip reader; a file it cannot read (cut short, not a zip after all) is refused. */
  const feed = (chunk: Uint8Array, final: boolean) => {
    try {
      unzip.push(chunk, final);
    } catch (e) {
      throw e instanceof ImportError ? e : new ImportError('notZip');
    }
  };
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (value) {
      note(value.length);
      feed(value, false);
    }
    if (done) {
      feed(new Uint8Array(0), true);
      break;
    }
    // One photo at a time: its hash is taken (and its bytes let go) before more is read.
    await Promise.all(tasks.splice(0));
  }
  await Promise.all(tasks);
  if (failure) throw new ImportError('notZip');
  if (manifest === undefined) throw new ImportError('invalid', [{ field: MANIFEST, code: 'required' }]);

  const r = parseBackup({ ...(manifest as object), ...rows }, BACKUP_ZIP_VERSION);
  if (!r.ok) throw new ImportError('invalid', r.problems);
  const photos = r.value.photos.map((p, i): PhotoRow => {
    const photo = files.get(photoFile('photos', p));
    const thumb = files.get(photoFile('thumbs', p));
    if (!photo) throw new ImportError('invalid', [{ field: `photos.${i}`, code: 'missingPhoto' }]);
    if (photo.hash !== p.hash) throw new ImportError('invalid', [{ field: `photos.${i}.data`, code: 'hashMismatch' }]);
    return { ...p, blob: new Blob([photo.blob], { type: p.type }), thumb: new Blob([thumb?.blob ?? photo.blob], { type: p.type }) };
  });
  return { backup: r.value, photos };
}

/** One JSON line (or the manifest); a line that is not JSON refuses the file. */
function parseLine(line: string, where: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new ImportError('invalid', [{ field: where, code: 'notJson' }]);
  }
}

/**
 * Merges a backup into the ledger in one transaction. Never overwrites a local event whose
 * updatedAt is the same or newer, nor a newer draft, nor a kept photo. Outbox rows of this device
 * keep their seq (rows whose seq is already here are skipped). A pristine ledger (nothing written
 * yet) adopts the file's device id and seq: the restore-after-eviction case. Rows of another
 * device are queued again under this device's id with new seqs, skipping ones already queued.
 */
export async function importLedger(db: LedgerDb, file: Blob, timeZone: string = DEFAULT_TIME_ZONE, stats?: BackupStats): Promise<ImportCounts> {
  const { backup, photos } = await readBackup(file, stats);
  const counts: ImportCounts = { events: 0, outbox: 0, photos: 0 };
  await db.transaction('rw', [db.events, db.outbox, db.drafts, db.photos, db.meta, db.totals], async () => {
    let seq = await currentSeq(db);
    const pristine = seq === 0 && (await db.outbox.count()) === 0 && (await db.events.count()) === 0;
    const local = await db.events.bulkGet(backup.events.map((e) => e.id));
    const newer = backup.events.filter((e, i) => !local[i] || Date.parse(e.updatedAt) > Date.parse(local[i]!.updatedAt));
    // Each written id goes from its stored row to the last row written for it.
    const before = new Map<string, EventRow | undefined>(backup.events.map((e, i) => [e.id, local[i]]));
    const after = new Map<string, LedgerEvent & { sig?: string }>(newer.map((e) => [e.id, e]));
    await writeEvents(
      db,
      [...after.values()].map((e) => ({ before: before.get(e.id), after: e })),
      timeZone,
    );
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
