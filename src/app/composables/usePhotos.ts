/** Photos on this phone for the screens: read one by hash, or keep a new one (resized, by content hash). */
import { ledgerDb } from '../db/database';
import { addPhoto, getPhoto } from '../db/photo-repository';
import type { PhotoRow } from '../db/ledger-db';

/** The photo named `hash` if this phone holds it. */
export function localPhoto(hash: string): Promise<PhotoRow | undefined> {
  return getPhoto(ledgerDb(), hash);
}

/** Resizes, hashes and keeps a photo; answers the kept row (the existing one when it is already here). */
export function keepPhoto(file: Blob): Promise<PhotoRow> {
  return addPhoto(ledgerDb(), file, Date.now());
}
