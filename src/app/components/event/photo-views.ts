/**
 * The photos of an event as the screen shows them: each one loaded from this phone, else fetched
 * from the server (photos made on other phones arrive only when someone looks at them), and when
 * that fails, why — so the screen never shows an empty 照片 section. A photo that could not be
 * fetched is tried again when the network comes back, when the session changes (signed in, or
 * loaded after the first screen), and when the user taps 重试.
 *
 * The sync store (engine, transport) is imported only when a photo is not on the phone, so the
 * logging route, whose photos are all local, does not load it.
 */
import { getCurrentScope, onScopeDispose, ref, watch, type Ref } from 'vue';
import type { PhotoLoad } from '../../../sync/sync-engine';
import type { PhotoRow } from '../../db/ledger-db';
import { localPhoto } from '../../composables/usePhotos';

/** What the screen shows for one photo. */
export type PhotoView =
  | { readonly state: 'loading' }
  | { readonly state: 'shown'; readonly url: string }
  /** Not on the phone and no network (no answer while online counts as failed). */
  | { readonly state: 'offline' }
  /** The server wants a sign-in first. */
  | { readonly state: 'signIn' }
  /** The server does not hold it (yet). */
  | { readonly state: 'notFound' }
  | { readonly state: 'failed' };

/** How a photo not on the phone is fetched, and what tells that it is worth trying again. */
export interface PhotoSource {
  load(hash: string): Promise<PhotoLoad>;
  /** Calls `retry` whenever the session changes; answers a function that stops. */
  onSessionChange(retry: () => void): () => void;
}

/** The app's source: the sync store's loadPhoto, watched session. Loaded on first use. */
async function appPhotoSource(): Promise<PhotoSource> {
  const [{ useSyncStore }, { useSessionStore }] = await Promise.all([import('../../stores/sync'), import('../../stores/session')]);
  const sync = useSyncStore();
  const session = useSessionStore();
  return {
    load: (hash) => sync.loadPhoto(hash),
    onSessionChange: (retry) => watch(() => [session.session?.token ?? null, session.signedIn], retry),
  };
}

function viewOf(r: PhotoLoad): PhotoView {
  switch (r.status) {
    case 'loaded':
      return { state: 'shown', url: URL.createObjectURL(r.blob) };
    case 'offline':
      // No answer while the phone says it is online: the server is down or unreachable, which a
      // tap on 重试 may well get past; offline is weather, and the photo comes with the network.
      return typeof navigator !== 'undefined' && navigator.onLine === false ? { state: 'offline' } : { state: 'failed' };
    case 'unauthorized':
      return { state: 'signIn' };
    case 'notFound':
      return { state: 'notFound' };
    case 'failed':
      return { state: 'failed' };
  }
}

/**
 * Views of the photos `hashes()` names, kept in step with it. `variant` picks the full image or
 * the thumbnail of a photo on the phone (a fetched photo is its own thumbnail). `source` and
 * `local` are for tests; the app's defaults read this phone's photos and fetch through the sync store.
 */
export function usePhotoViews(
  hashes: () => readonly string[],
  variant: 'blob' | 'thumb',
  source: () => Promise<PhotoSource> = appPhotoSource,
  local: (hash: string) => Promise<PhotoRow | undefined> = localPhoto,
): { views: Ref<Record<string, PhotoView>>; retry(hash: string): void } {
  const views = ref<Record<string, PhotoView>>({});
  const inFlight = new Set<string>();
  let disposed = false;
  let remote: Promise<PhotoSource> | null = null;
  let stopSession: (() => void) | null = null;

  const set = (hash: string, view: PhotoView) => {
    views.value = { ...views.value, [hash]: view };
  };

  function remoteSource(): Promise<PhotoSource> {
    remote ??= source().then((s) => {
      if (!disposed) stopSession = s.onSessionChange(retryAll);
      return s;
    });
    return remote;
  }

  async function load(hash: string): Promise<void> {
    if (inFlight.has(hash) || views.value[hash]?.state === 'shown') return;
    inFlight.add(hash);
    if (!views.value[hash]) set(hash, { state: 'loading' });
    let view: PhotoView;
    try {
      const row = await local(hash);
      view = row ? { state: 'shown', url: URL.createObjectURL(variant === 'thumb' ? row.thumb : row.blob) } : viewOf(await (await remoteSource()).load(hash));
    } catch (e) {
      // A local storage fault: say so on the photo (the user may retry) and log it for a developer.
      console.error('photo', hash, e);
      view = { state: 'failed' };
    } finally {
      inFlight.delete(hash);
    }
    if (disposed || !hashes().includes(hash)) {
      if (view.state === 'shown') URL.revokeObjectURL(view.url);
      return;
    }
    set(hash, view);
  }

  /** Tries again every photo that is not shown (network back, session changed). */
  function retryAll(): void {
    for (const h of hashes()) if (views.value[h]?.state !== 'shown') void load(h);
  }

  function retry(hash: string): void {
    set(hash, { state: 'loading' });
    void load(hash);
  }

  watch(
    () => [...hashes()],
    (list) => {
      const gone = Object.keys(views.value).filter((h) => !list.includes(h));
      if (gone.length) {
        const next = { ...views.value };
        for (const h of gone) {
          const v = next[h]!;
          if (v.state === 'shown') URL.revokeObjectURL(v.url);
          delete next[h];
        }
        views.value = next;
      }
      for (const h of list) void load(h);
    },
    { immediate: true },
  );

  const onOnline = () => retryAll();
  if (typeof window !== 'undefined') window.addEventListener('online', onOnline);
  if (getCurrentScope()) {
    onScopeDispose(() => {
      disposed = true;
      if (typeof window !== 'undefined') window.removeEventListener('online', onOnline);
      stopSession?.();
      for (const v of Object.values(views.value)) if (v.state === 'shown') URL.revokeObjectURL(v.url);
    });
  }
  return { views, retry };
}
