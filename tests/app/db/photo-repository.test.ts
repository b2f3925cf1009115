import './node-blob';
import { describe, expect, it } from 'vitest';
import { addPhoto, getPhoto, markPhotoUploaded, photosToUpload } from '../../../src/app/db/photo-repository';
import { sha256Hex, type PhotoResizer } from '../../../src/app/photos/resize';
import { freshDb } from './helpers';

/** Stands in for the canvas resizer: "resizes" to fixed bytes derived from the input. */
const fakeResizer: PhotoResizer = async (file) => {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return {
    blob: new Blob([bytes.slice(0, 8)], { type: 'image/jpeg' }),
    thumb: new Blob([bytes.slice(0, 2)], { type: 'image/jpeg' }),
    width: 1600,
    height: 1200,
  };
};
const photoBytes = (seed: number) => new Blob([new Uint8Array(32).map((_, i) => (i * seed) % 256)], { type: 'image/png' });

describe('addPhoto', () => {
  it('names the photo by the SHA-256 of its resized bytes and keeps it not yet uploaded', async () => {
    const db = freshDb();
    const row = await addPhoto(db, photoBytes(3), Date.parse('2023-09-16T02:00:00Z'), fakeResizer);
    const resized = (await fakeResizer(photoBytes(3))).blob;
    expect(row.hash).toBe(await sha256Hex(await resized.arrayBuffer()));
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row).toMatchObject({ width: 1600, height: 1200, type: 'image/jpeg', uploaded: 0, createdAt: '2023-09-16T02:00:00.000Z' });
    const stored = await getPhoto(db, row.hash);
    expect(new Uint8Array(await stored!.blob.arrayBuffer())).toEqual(new Uint8Array(await resized.arrayBuffer()));
    expect(stored!.thumb.size).toBe(2);
  });

  it('keeps one row when the same photo is added twice', async () => {
    const db = freshDb();
    const a = await addPhoto(db, photoBytes(3), 1_000, fakeResizer);
    const b = await addPhoto(db, photoBytes(3), 2_000, fakeResizer);
    expect(b.hash).toBe(a.hash);
    expect(b.createdAt).toBe(a.createdAt);
    expect(await db.photos.count()).toBe(1);
  });

  it('hashes the known test vector "abc" correctly', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('lists photos to upload until they are marked uploaded', async () => {
    const db = freshDb();
    const a = await addPhoto(db, photoBytes(3), 0, fakeResizer);
    const b = await addPhoto(db, photoBytes(5), 0, fakeResizer);
    expect((await photosToUpload(db)).map((p) => p.hash).sort()).toEqual([a.hash, b.hash].sort());
    await markPhotoUploaded(db, a.hash);
    expect((await photosToUpload(db)).map((p) => p.hash)).toEqual([b.hash]);
  });
});
