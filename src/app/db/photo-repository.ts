/**
 * Photos (佐证材料) on the phone, named by the SHA-256 of their resized bytes: adding the same
 * photo twice keeps one row, and the server stores it under the same name.
 */
import { resizePhoto, sha256Hex, type PhotoResizer } from '../photos/resize';
import type { LedgerDb, PhotoRow } from './ledger-db';

/** Resizes, hashes and stores a photo; returns the existing row when that photo is already kept. */
export async function addPhoto(db: LedgerDb, file: Blob, now: number, resize: PhotoResizer = resizePhoto): Promise<PhotoRow> {
  const r = await resize(file);
  const hash = await sha256Hex(await r.blob.arrayBuffer());
  const row: PhotoRow = {
    hash,
    blob: r.blob,
    thumb: r.thumb,
    width: r.width,
    height: r.height,
    type: r.blob.type || 'image/jpeg',
    uploaded: 0,
    createdAt: new Date(now).toISOString(),
  };
  return db.transaction('rw', db.photos, async () => {
    const existing = await db.photos.get(hash);
    if (existing) return existing;
    await db.photos.add(row);
    return row;
  });
}

/** The photo named `hash`, or undefined. */
export function getPhoto(db: LedgerDb, hash: string): Promise<PhotoRow | undefined> {
  return db.photos.get(hash);
}

/** Photos the server does not hold yet (for the sync engine). */
export function photosToUpload(db: LedgerDb): Promise<PhotoRow[]> {
  return db.photos.where('uploaded').equals(0).toArray();
}

/** Records that the server now holds the photo named `hash`. */
export async function markPhotoUploaded(db: LedgerDb, hash: string): Promise<void> {
  await db.photos.update(hash, { uploaded: 1 });
}
