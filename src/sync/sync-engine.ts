/**
 * One sync run: upload the photos the outbox will name, push the outbox in pages (sending again
 * the photos of edits the server refused for lack of them, and those edits), then pull until
 * the server has nothing more. Every step is idempotent — a blob PUT is content-addressed, a
 * re-pushed seq is skipped by the server, a re-pulled row merges to the same result — so a run cut
 * anywhere (tab closed, network gone, server restarted) is finished by the next run.
 *
 * A restored server: every push and pull carries the epoch this device synced with; the server
 * answers EpochChangedError when its ledger is another copy (restored from a backup). Then, before
 * anything else, the device sends back every row it holds (recover) — the server takes what the
 * backup lacks — and pulls again from rev 0. The recovery is recorded first (beginRecovery), so a
 * run cut in the middle of it resumes it, and re-sending rows is harmless.
 */
import type { LocalStore, QuarantinedMutation, RecoveryKey } from './local-store';
import { groupByRecord, toWireMutation } from './outbox';
import { MAX_BODY_BYTES, MAX_PULL_LIMIT, MAX_PUSH_MUTATIONS, MAX_RECOVER_ROWS, PROTOCOL_VERSION, type OutboxMutation, type PushResponse } from './protocol';
import { ApiError } from './api-error';
import { EpochChangedError, type Transport } from './transport';

/** What one run did, for the log and the badge. */
export interface RunReport {
  readonly blobsUploaded: number;
  readonly pushed: number;
  readonly quarantined: number;
  readonly pulled: number;
  /** Rows the server took back from this device after a restore (0 in a normal run). */
  readonly recovered: number;
}

/** Restores of the server one run follows before it gives up (each one restarts the run). */
const MAX_EPOCH_CHANGES = 3;

/** Scope changes (promotions, demotions) one run follows before it gives up. */
const MAX_SCOPE_CHANGES = 3;

/** Rows per recovery request: well inside the body limit (~1 KB a row). */
const RECOVER_PAGE_ROWS = Math.min(500, MAX_RECOVER_ROWS);

/** Tuning of a run; defaults are the protocol's limits. */
export interface SyncEngineOptions {
  pushPageSize?: number;
  pullLimit?: number;
}

/** Push pages read from the outbox at once (one page is answered while the next is sent). */
const PUSH_PAGES_PER_READ = 4;

/** Room a push page's mutations may take: the body limit, less the envelope's share. */
const PUSH_PAGE_BYTES = MAX_BODY_BYTES - 64 * 1024;

const utf8 = new TextEncoder();

/** Cuts mutations into push pages of at most `pageSize` and at most PUSH_PAGE_BYTES of JSON each. */
function pagesOf(batch: readonly OutboxMutation[], pageSize: number): OutboxMutation[][] {
  const pages: OutboxMutation[][] = [];
  let page: OutboxMutation[] = [];
  let bytes = 0;
  for (const m of batch) {
    const size = utf8.encode(JSON.stringify(toWireMutation(m))).byteLength + 1;
    if (page.length > 0 && (page.length >= pageSize || bytes + size > PUSH_PAGE_BYTES)) {
      pages.push(page);
      page = [];
      bytes = 0;
    }
    page.push(m);
    bytes += size;
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

/** A request started early: its outcome is kept (never an unhandled rejection) until asked for. */
interface Prefetch<T> {
  value(): Promise<T>;
  /** Resolves once the request has finished, however it ended. */
  readonly settled: Promise<void>;
}

function prefetch<T>(p: Promise<T>): Prefetch<T> {
  const settled = p.then(
    () => undefined,
    () => undefined,
  );
  return { value: () => p, settled };
}

/** A push made no progress: the server answered but settled none of the mutations sent. */
export class PushStalledError extends Error {
  override readonly name = 'PushStalledError';
}

/**
 * Runs one sync over `store` and `transport`. Throws ApiError (offline, unauthorized,
 * server) or PushStalledError; what was done before the failure stays done.
 */
export async function runSync(store: LocalStore, transport: Transport, opts: SyncEngineOptions = {}): Promise<RunReport> {
  for (let changes = 0; ; changes++) {
    try {
      return await runOnce(store, transport, opts);
    } catch (e) {
      if (!(e instanceof EpochChangedError) || changes >= MAX_EPOCH_CHANGES) throw e;
      // Recorded before anything is sent, so an interrupted recovery resumes in the next run.
      await store.beginRecovery(e.epoch);
    }
  }
}

/**
 * Sends every row this device holds back to a restored server (epoch `epoch`), then adopts the
 * epoch with the pull cursor at 0. Photos go first: the rows may name them.
 */
async function recover(store: LocalStore, transport: Transport, photos: PhotoSender, clientId: string, epoch: string): Promise<number> {
  for (const hash of await store.pendingBlobHashes()) await photos.send(hash);
  let rows = 0;
  let after: RecoveryKey | null = null;
  for (;;) {
    const page = await store.recoveryRows(after, RECOVER_PAGE_ROWS);
    if (page.length === 0) break;
    const res = await transport.recover({ v: PROTOCOL_VERSION, clientId, epoch, rows: page });
    rows += res.results.filter((r) => r.status === 'restored').length;
    const last = page[page.length - 1]!;
    after = { entity: last.entity, id: last.row.id };
  }
  await store.finishRecovery(epoch);
  return rows;
}

async function runOnce(store: LocalStore, transport: Transport, opts: SyncEngineOptions): Promise<RunReport> {
  const pageSize = Math.min(opts.pushPageSize ?? MAX_PUSH_MUTATIONS, MAX_PUSH_MUTATIONS);
  const pullLimit = Math.min(opts.pullLimit ?? MAX_PULL_LIMIT, MAX_PULL_LIMIT);
  const clientId = await store.clientId();

  const photos = new PhotoSender(store, transport);

  // 0. A recovery under way (begun by an EpochChangedError, maybe in an earlier run) comes first.
  const begun = await store.ledgerEpoch();
  const recovered = begun.recovering === null ? 0 : await recover(store, transport, photos, clientId, begun.recovering);
  let { epoch } = await store.ledgerEpoch();

  // 1. Photos first: the server refuses a mutation naming a photo it does not hold.
  for (const hash of await store.pendingBlobHashes()) await photos.send(hash);

  // 2. Push the outbox, oldest first, in pages. Pages are read a few at a time; the answer to one
  // page is written to the outbox while the next page is already on its way (the server has
  // committed a page before it answers, and only one push is ever in flight, so seqs still reach
  // it in rising order).
  let pushed = 0;
  let quarantined = 0;
  let previousFirstSeq = 0;
  let photosResent = false;
  for (;;) {
    const batch = await store.pendingMutations(pageSize * PUSH_PAGES_PER_READ);
    if (batch.length === 0) {
      // Edits refused for a photo the server lacks go again once it has the photo (once a run).
      if (!photosResent && (await resendForMissingPhotos(store, photos)) > 0) {
        photosResent = true;
        continue;
      }
      break;
    }
    // The oldest pending seq must move on after every batch, or the server is not settling them.
    if (batch[0]!.seq === previousFirstSeq) throw new PushStalledError(`push from seq ${previousFirstSeq} settled nothing`);
    previousFirstSeq = batch[0]!.seq;
    let applying: Promise<unknown> = Promise.resolve();
    let applyError: unknown = null;
    try {
      for (const page of pagesOf(batch, pageSize)) {
        let res: PushResponse;
        try {
          res = await transport.push({ v: PROTOCOL_VERSION, clientId, epoch, mutations: page.map(toWireMutation) });
        } catch (e) {
          if (!(e instanceof ApiError && e.kind === 'rejected')) throw e;
          // A page refused as a whole: settle what came before, then split this one (below).
          await applying;
          const settled = await settleRefusedPage(store, transport, clientId, epoch, page, e);
          pushed += settled.pushed;
          quarantined += settled.quarantined;
          continue;
        }
        const rejected = res.results.filter((r) => r.status === 'rejected').length;
        pushed += res.results.length - rejected;
        quarantined += rejected;
        applying = applying
          .then(() => store.applyPushResults(res.results))
          .catch((e: unknown) => {
            applyError ??= e;
          });
      }
    } finally {
      await applying;
    }
    if (applyError !== null) throw applyError;
  }

  // 3. Pull until the server has nothing more. The next page is requested while this one is
  // written; it is used only when the cursor it was asked from is still the stored one (no rewind
  // meanwhile), so the cursor only ever moves past rows that are committed.
  let pulled = 0;
  let scope = await store.pullScope();
  let from = await store.pullCursor();
  // The org totals this device holds: the server sends them again only when they changed.
  let totalsKey = await store.orgTotalsKey();
  let res = await transport.pull(from, pullLimit, epoch, scope, totalsKey);
  if (epoch === null) {
    // A fresh device (cursor 0; the server refuses a cursor without an epoch): from now on its
    // rows belong to the server's epoch.
    await store.adoptEpoch(res.epoch);
    epoch = res.epoch;
  }
  let rescoped = 0;
  for (;;) {
    if (res.scope !== undefined && res.scope !== scope) {
      // The person's scope is not the one this device's rows and cursor belong to: a first pull, a
      // promotion (staff hold everything: pull it all from 0) or a demotion (drop what is outside,
      // keeping unsynced rows, and pull from 0). An answer asked from 0 with no scope yet is
      // already the new scope's first page.
      if (++rescoped > MAX_SCOPE_CHANGES) throw new Error('the pull scope keeps changing');
      const fresh = scope === null && from === 0;
      await store.changeScope(res.scope);
      scope = res.scope;
      totalsKey = null;
      if (!fresh) {
        from = 0;
        res = await transport.pull(0, pullLimit, epoch, scope, totalsKey);
        continue;
      }
    }
    const moved = res.cursor > from || res.rows.length > 0 || (res.dropped?.length ?? 0) > 0;
    const next = res.more && moved ? prefetch(transport.pull(res.cursor, pullLimit, epoch, scope, totalsKey)) : null;
    try {
      await store.applyPulled(res.rows, res.cursor, from, { dropped: res.dropped, totals: res.totals, totalsKey: res.totalsKey });
    } catch (e) {
      if (next) await next.settled;
      throw e;
    }
    pulled += res.rows.length;
    if (!next) break; // done, or a server saying "more" without moving on
    const stored = await store.pullCursor();
    if (stored === res.cursor) {
      from = res.cursor;
      res = await next.value();
    } else {
      await next.settled;
      from = stored;
      res = await transport.pull(from, pullLimit, epoch, scope, totalsKey);
    }
  }
  return { blobsUploaded: photos.uploaded, pushed, quarantined, pulled, recovered };
}

/**
 * Rejection reasons of an edit that waits for its photos to reach the server: the server's
 * `photoMissing` (never received, or swept while the phone was away), and the budget refusals this
 * engine puts in its place when the photo could not be sent again. Each run sends the photos again
 * and, once they are there, re-queues the edit.
 */
export const PHOTO_WAIT_REASONS: readonly string[] = ['photoMissing', 'orgStorageFull', 'dailyUploadLimit'];

/** The reason an edit keeps when the photo it adds is on neither the server nor this phone. */
export const PHOTO_LOST_REASON = 'photoLost';

/** The reason an edit keeps when the server refuses its photo for good (type, size, content). */
export const PHOTO_REFUSED_REASON = 'photoRefused';

/** Uploads photos, at most once each per run, and remembers what the server refused. */
class PhotoSender {
  uploaded = 0;
  private readonly sent = new Set<string>();
  private readonly refused = new Map<string, string>();

  constructor(
    private readonly store: LocalStore,
    private readonly transport: Transport,
  ) {}

  /**
   * Sends the photo; null once the server holds it, else why not: the budget the server named,
   * PHOTO_REFUSED_REASON (type, size, content), or PHOTO_LOST_REASON when this phone lacks it. A refusal never
   * stops the ledger's text from syncing: the edit naming the photo is answered on its own.
   */
  async send(hash: string): Promise<string | null> {
    if (this.sent.has(hash)) return null;
    const known = this.refused.get(hash);
    if (known !== undefined) return known;
    const stored = await this.store.readBlob(hash);
    if (!stored) return PHOTO_LOST_REASON;
    try {
      await this.transport.putBlob(hash, stored.blob, stored.type);
    } catch (e) {
      if (!(e instanceof ApiError && e.kind === 'rejected')) throw e;
      // A budget passes (the edit waits and is tried again); any other refusal is for good.
      const code = e.code !== null && PHOTO_WAIT_REASONS.includes(e.code) ? e.code : PHOTO_REFUSED_REASON;
      this.refused.set(hash, code);
      return code;
    }
    await this.store.markBlobUploaded(hash);
    this.sent.add(hash);
    this.uploaded++;
    return null;
  }
}

/** The photos a photo-refused edit names that the server said it lacks (all it adds, if unsaid). */
function missingPhotosOf(q: QuarantinedMutation): string[] {
  if (q.entity === 'target' || q.op !== 'put') return [];
  const photos = q.fields.photos ?? [];
  const said = (q.rejection.problems ?? []).flatMap((p) => {
    const m = /^photos\.(\d+)$/.exec(p.field);
    const h = m && p.code === 'photoMissing' ? photos[Number(m[1])] : undefined;
    return h ? [h] : [];
  });
  return said.length ? said : [...photos];
}

/**
 * Settles the quarantined edits that wait for photos: per record, from its first such edit on,
 * sends the photos again; when all reach the server, re-queues that edit and the record's later
 * quarantined edits in seq order (a refused create fails the edits after it too), else records
 * why they still wait (a budget: retried next run) or that the photo is lost (left to the user).
 * Answers how many edits were re-queued.
 */
async function resendForMissingPhotos(store: LocalStore, photos: PhotoSender): Promise<number> {
  let requeued = 0;
  for (const group of groupByRecord(await store.quarantined()).values()) {
    const first = group.findIndex((q) => PHOTO_WAIT_REASONS.includes(q.rejection.reason));
    if (first < 0) continue;
    const waiting = group.slice(first);
    const refused = waiting.filter((q) => PHOTO_WAIT_REASONS.includes(q.rejection.reason));
    let verdict: string | null = null;
    for (const hash of new Set(refused.flatMap(missingPhotosOf))) {
      verdict = await photos.send(hash);
      if (verdict !== null) break;
    }
    if (verdict !== null) {
      for (const q of refused) if (q.rejection.reason !== verdict) await store.setRejectionReason(q.seq, verdict);
      continue;
    }
    for (const q of waiting) await store.retryQuarantined(q.seq);
    requeued += waiting.length;
  }
  return requeued;
}

/**
 * Pushes one page. A page the server refuses as a whole (4xx: one malformed mutation fails the
 * body's schema) is split in halves until the culprit stands alone; it is then quarantined with
 * the server's message, so one bad record never blocks the queue.
 */
async function pushPage(
  store: LocalStore,
  transport: Transport,
  clientId: string,
  epoch: string | null,
  page: readonly OutboxMutation[],
): Promise<{ pushed: number; quarantined: number }> {
  try {
    const res = await transport.push({ v: PROTOCOL_VERSION, clientId, epoch, mutations: page.map(toWireMutation) });
    await store.applyPushResults(res.results);
    const rejected = res.results.filter((r) => r.status === 'rejected').length;
    return { pushed: res.results.length - rejected, quarantined: rejected };
  } catch (e) {
    if (!(e instanceof ApiError && e.kind === 'rejected')) throw e;
    return settleRefusedPage(store, transport, clientId, epoch, page, e);
  }
}

/** Settles a page the server refused as a whole: halves pushed on their own, a lone culprit quarantined. */
async function settleRefusedPage(
  store: LocalStore,
  transport: Transport,
  clientId: string,
  epoch: string | null,
  page: readonly OutboxMutation[],
  e: ApiError,
): Promise<{ pushed: number; quarantined: number }> {
  if (page.length === 1) {
    await store.applyPushResults([{ seq: page[0]!.seq, status: 'rejected', reason: e.message }]);
    return { pushed: 0, quarantined: 1 };
  }
  const half = Math.ceil(page.length / 2);
  const a = await pushPage(store, transport, clientId, epoch, page.slice(0, half));
  const b = await pushPage(store, transport, clientId, epoch, page.slice(half));
  return { pushed: a.pushed + b.pushed, quarantined: a.quarantined + b.quarantined };
}

/** What became of a request for a photo to show (see loadBlob). */
export type PhotoLoad =
  | { readonly status: 'loaded'; readonly blob: Blob }
  /** No network: try again when it is back. */
  | { readonly status: 'offline' }
  /** The server wants a (new) sign-in: try again when the session changes. */
  | { readonly status: 'unauthorized' }
  /** The server does not hold it for this org (not uploaded yet by the phone that took it). */
  | { readonly status: 'notFound' }
  /** Anything else (server error, a refusal): the user may retry. */
  | { readonly status: 'failed'; readonly message: string };

/**
 * Gets a photo for display: the local copy, else fetched from the server and cached (photos made
 * on other devices arrive only when someone looks at them). Never throws for a network or server
 * failure: the answer says what happened, so the screen can say it too.
 */
export async function loadBlob(store: LocalStore, transport: Transport, hash: string): Promise<PhotoLoad> {
  const local = await store.readBlob(hash);
  if (local) return { status: 'loaded', blob: local.blob };
  let blob: Blob;
  try {
    blob = await transport.getBlob(hash);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    if (e.kind === 'offline' || e.kind === 'unauthorized') return { status: e.kind };
    if (e.status === 404) return { status: 'notFound' };
    return { status: 'failed', message: e.message };
  }
  await store.storeFetchedBlob(hash, { blob, type: blob.type || 'image/jpeg' });
  return { status: 'loaded', blob };
}
