/**
 * One sync run: upload the photos the outbox will name, push the outbox in pages, then pull until
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
import type { LocalStore, RecoveryKey } from './local-store';
import { toWireMutation } from './outbox';
import {
  MAX_BODY_BYTES,
  MAX_PULL_LIMIT,
  MAX_PUSH_MUTATIONS,
  MAX_RECOVER_ROWS,
  PROTOCOL_VERSION,
  type OutboxMutation,
  type PushResponse,
} from './protocol';
import { EpochChangedError, TransportError, type Transport } from './transport';

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
  const settled = p.then(() => undefined, () => undefined);
  return { value: () => p, settled };
}

/** A push made no progress: the server answered but settled none of the mutations sent. */
export class PushStalledError extends Error {
  override readonly name = 'PushStalledError';
}

/**
 * Runs one sync over `store` and `transport`. Throws TransportError (offline, unauthorized,
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

/** Uploads every photo marked not uploaded; one the server refuses for good is left for later. */
async function uploadBlobs(store: LocalStore, transport: Transport): Promise<number> {
  let uploaded = 0;
  for (const hash of await store.pendingBlobHashes()) {
    const stored = await store.readBlob(hash);
    if (!stored) continue;
    try {
      await transport.putBlob(hash, stored.blob, stored.type);
    } catch (e) {
      // A photo the server refuses for good (type, size) must not stop the ledger's text from
      // syncing; the mutation naming it will be answered on its own.
      if (e instanceof TransportError && e.kind === 'rejected') continue;
      throw e;
    }
    await store.markBlobUploaded(hash);
    uploaded++;
  }
  return uploaded;
}

/**
 * Sends every row this device holds back to a restored server (epoch `epoch`), then adopts the
 * epoch with the pull cursor at 0. Photos go first: the rows may name them.
 */
async function recover(store: LocalStore, transport: Transport, clientId: string, epoch: string): Promise<{ blobs: number; rows: number }> {
  const blobs = await uploadBlobs(store, transport);
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
  return { blobs, rows };
}

async function runOnce(store: LocalStore, transport: Transport, opts: SyncEngineOptions): Promise<RunReport> {
  const pageSize = Math.min(opts.pushPageSize ?? MAX_PUSH_MUTATIONS, MAX_PUSH_MUTATIONS);
  const pullLimit = Math.min(opts.pullLimit ?? MAX_PULL_LIMIT, MAX_PULL_LIMIT);
  const clientId = await store.clientId();

  // 0. A recovery under way (begun by an EpochChangedError, maybe in an earlier run) comes first.
  let blobsUploaded = 0;
  let recovered = 0;
  const begun = await store.ledgerEpoch();
  if (begun.recovering !== null) {
    const r = await recover(store, transport, clientId, begun.recovering);
    blobsUploaded += r.blobs;
    recovered = r.rows;
  }
  let { epoch } = await store.ledgerEpoch();

  // 1. Photos first: the server may refuse a mutation naming a blob it does not hold.
  blobsUploaded += await uploadBlobs(store, transport);

  // 2. Push the outbox, oldest first, in pages. Pages are read a few at a time; the answer to one
  // page is written to the outbox while the next page is already on its way (the server has
  // committed a page before it answers, and only one push is ever in flight, so seqs still reach
  // it in rising order).
  let pushed = 0;
  let quarantined = 0;
  let previousFirstSeq = 0;
  for (;;) {
    const batch = await store.pendingMutations(pageSize * PUSH_PAGES_PER_READ);
    if (batch.length === 0) break;
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
          if (!(e instanceof TransportError && e.kind === 'rejected')) throw e;
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
        applying = applying.then(() => store.applyPushResults(res.results)).catch((e: unknown) => {
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
  let from = await store.pullCursor();
  let res = await transport.pull(from, pullLimit, epoch);
  if (epoch === null) {
    // A fresh device (cursor 0; the server refuses a cursor without an epoch): from now on its
    // rows belong to the server's epoch.
    await store.adoptEpoch(res.epoch);
    epoch = res.epoch;
  }
  for (;;) {
    const next = res.more && (res.cursor > from || res.rows.length > 0) ? prefetch(transport.pull(res.cursor, pullLimit, epoch)) : null;
    try {
      await store.applyPulled(res.rows, res.cursor, from);
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
      res = await transport.pull(from, pullLimit, epoch);
    }
  }
  return { blobsUploaded, pushed, quarantined, pulled, recovered };
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
    if (!(e instanceof TransportError && e.kind === 'rejected')) throw e;
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
  e: TransportError,
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

/**
 * Gets a photo for display: the local copy, else fetched from the server and cached (photos made
 * on other devices arrive only when someone looks at them). Null when offline and not cached.
 */
export async function loadBlob(store: LocalStore, transport: Transport, hash: string): Promise<Blob | null> {
  const local = await store.readBlob(hash);
  if (local) return local.blob;
  try {
    const blob = await transport.getBlob(hash);
    await store.storeFetchedBlob(hash, { blob, type: blob.type || 'image/jpeg' });
    return blob;
  } catch (e) {
    if (e instanceof TransportError && (e.kind === 'offline' || e.kind === 'rejected')) return null;
    throw e;
  }
}
