/**
 * Photo resizing on the phone: the evidence photo is cut to ≤ 1600 px JPEG and a ≤ 320 px
 * thumbnail before it is stored, so a day of photos fits a cheap phone and a slow upload.
 * browser-image-compression is loaded only when a photo is added (not on first paint).
 */

/** Longest side of a stored photo, in pixels. */
export const PHOTO_MAX_PX = 1600;
/** Longest side of a thumbnail, in pixels. */
export const THUMB_MAX_PX = 320;

/** A resized photo: the JPEG to keep and upload, its thumbnail and its size in pixels. */
export interface ResizedPhoto {
  blob: Blob;
  thumb: Blob;
  width: number;
  height: number;
}

/** Turns a picked or taken image into a ResizedPhoto; injectable so tests need no canvas. */
export type PhotoResizer = (file: Blob) => Promise<ResizedPhoto>;

/** The real resizer: browser-image-compression on the main thread (its worker would load a CDN script). */
export const resizePhoto: PhotoResizer = async (file) => {
  const { default: imageCompression } = await import('browser-image-compression');
  const asFile = file instanceof File ? file : new File([file], 'photo', { type: file.type || 'image/jpeg' });
  const common = { fileType: 'image/jpeg', useWebWorker: false } as const;
  const blob = await imageCompression(asFile, { ...common, maxWidthOrHeight: PHOTO_MAX_PX, initialQuality: 0.82, maxSizeMB: 1.5 });
  const thumb = await imageCompression(blob, { ...common, maxWidthOrHeight: THUMB_MAX_PX, initialQuality: 0.7 });
  const { width, height } = await imageSizeOf(blob);
  return { blob, thumb, width, height };
};

/** The pixel size of an encoded image. */
export async function imageSizeOf(blob: Blob): Promise<{ width: number; height: number }> {
  if (typeof createImageBitmap === 'function') {
    const bitmap = await createImageBitmap(blob);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  }
  const url = URL.createObjectURL(blob);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return { width: img.naturalWidth, height: img.naturalHeight };
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Lower-case hex SHA-256 of some bytes: a photo's name on the phone and the server. */
export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
