/**
 * The bench page: the app's real data modules (LedgerDb, the event repository, the sync engine
 * and its IndexedDB store, the HTTP transport), raw IndexedDB with the same stores and indexes,
 * and PouchDB's browser bundle, driven from tests/bench/*.mjs through `window.__bench`.
 * Every function times only the measured step and returns milliseconds (or an object of figures).
 */
import { LedgerDb, LEDGER_DB_VERSIONS } from '../../../src/app/db/ledger-db';
import { createEventRepository } from '../../../src/app/db/event-repository';
import { getOrCreateClientId } from '../../../src/app/db/meta';
import { DEFAULT_TAXONOMY } from '../../../src/domain/taxonomy';
import { countEventsBy } from '../../../src/domain/counts';
import Dexie from 'dexie';
import { runSync } from '../../../src/sync/sync-engine';
import { createHttpTransport } from '../../../src/sync/http-transport';

type Json = Record<string, unknown>;

// Modules that land later or may be renamed: found by glob so the page builds without them.
const optional = import.meta.glob([
  '../../../src/app/db/dexie-local-store.ts',
  '../../../src/app/db/year-totals.ts',
  '../../../src/app/db/totals*.ts',
  '../../../src/app/reports/*.ts',
]);

const cache = new Map<string, unknown>();
/** Loads a fixture file once (not timed). */
async function fixture<T>(name: string): Promise<T> {
  if (!cache.has(name)) cache.set(name, await (await fetch(`/fixtures/${name}`)).json());
  return cache.get(name) as T;
}

// ------------------------------------------------------------ raw IndexedDB (the physical limit)

interface StoreSpec {
  name: string;
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  indexes: { name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean }[];
}

/** Parses Dexie's schema syntax into IndexedDB store definitions (the latest version of each store). */
function rawSchema(): StoreSpec[] {
  const merged: Record<string, string | null> = {};
  for (const v of Object.keys(LEDGER_DB_VERSIONS)
    .map(Number)
    .sort((a, b) => a - b)) {
    Object.assign(merged, LEDGER_DB_VERSIONS[v]);
  }
  const keyPathOf = (s: string): string | string[] => (s.startsWith('[') ? s.slice(1, -1).split('+') : s);
  return Object.entries(merged)
    .filter(([, spec]) => spec !== null)
    .map(([name, spec]) => {
      const parts = (spec as string)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const pk = parts[0] ?? '';
      const autoIncrement = pk.startsWith('++');
      const pkName = pk.replace(/^\+\+|^&/, '');
      return {
        name,
        keyPath: pkName ? keyPathOf(pkName) : null,
        autoIncrement,
        indexes: parts.slice(1).map((p) => {
          const unique = p.startsWith('&');
          const multiEntry = p.startsWith('*');
          const clean = p.replace(/^[&*]/, '');
          return { name: clean, keyPath: keyPathOf(clean), unique, multiEntry };
        }),
      };
    });
}

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}
function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}
async function rawOpen(name: string): Promise<IDBDatabase> {
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => {
    for (const s of rawSchema()) {
      const store = open.result.createObjectStore(s.name, { keyPath: s.keyPath, autoIncrement: s.autoIncrement });
      for (const i of s.indexes) store.createIndex(i.name, i.keyPath, { unique: i.unique, multiEntry: i.multiEntry });
    }
  };
  return req(open);
}
async function drop(name: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const r = indexedDB.deleteDatabase(name);
    r.onsuccess = () => resolve();
    r.onerror = () => resolve();
    r.onblocked = () => resolve();
  });
}

/** One readwrite transaction putting every row into `events` (same store, same indexes as LedgerDb). */
async function rawBulk(dbName: string, rowsName: string): Promise<number> {
  const rows = await fixture<Json[]>(rowsName);
  await drop(dbName);
  const db = await rawOpen(dbName);
  const t0 = performance.now();
  const tx = db.transaction('events', 'readwrite');
  const store = tx.objectStore('events');
  for (const r of rows) store.put(r);
  await done(tx);
  const ms = performance.now() - t0;
  db.close();
  await drop(dbName);
  return ms;
}

/** One transaction per record, `count` records: each put's time to commit. */
async function rawSingles(dbName: string, rowsName: string, count: number): Promise<number[]> {
  const rows = (await fixture<Json[]>(rowsName)).slice(0, count);
  await drop(dbName);
  const db = await rawOpen(dbName);
  const times: number[] = [];
  for (const r of rows) {
    const t0 = performance.now();
    const tx = db.transaction('events', 'readwrite');
    tx.objectStore('events').put(r);
    await done(tx);
    times.push(performance.now() - t0);
  }
  db.close();
  await drop(dbName);
  return times;
}

/**
 * The save path's own IndexedDB work done raw, for the decomposition: one readwrite transaction
 * over events, outbox, meta and totals making the requests the repository makes, in its two
 * phases — read the event (absent) and the seq together; then add the event, add the outbox row,
 * put the seq and put the year-totals log row together.
 */
async function rawSaveOps(dbName: string, rowsName: string, count: number): Promise<number[]> {
  const rows = (await fixture<Json[]>(rowsName)).slice(0, count);
  await drop(dbName);
  const db = await rawOpen(dbName);
  const times: number[] = [];
  for (const r of rows) {
    const t0 = performance.now();
    const tx = db.transaction(['events', 'outbox', 'meta', 'totals'], 'readwrite');
    const events = tx.objectStore('events');
    const meta = tx.objectStore('meta');
    const [, seqRow] = await Promise.all([req(events.get(String(r.id))), req(meta.get('seq'))]);
    const seq = ((seqRow as { value: number } | undefined)?.value ?? 0) + 1;
    const log = { year: r.year, axis: 'log', key: `seq-${String(seq).padStart(12, '0')}`, changes: [{ year: r.year, axis: 'township', key: r.townshipCode }] };
    await Promise.all([
      req(events.add(r)),
      req(
        tx
          .objectStore('outbox')
          .add({ entity: 'event', op: 'put', seq, eventId: r.id, fields: r, at: r.updatedAt, clientId: 'c', state: 'pending', rejection: null }),
      ),
      req(meta.put({ key: 'seq', value: seq })),
      req(tx.objectStore('totals').put(log)),
    ]);
    await done(tx);
    times.push(performance.now() - t0);
  }
  db.close();
  await drop(dbName);
  return times;
}

// ------------------------------------------------------------ the app's save path

const IDENTITY = { userId: 'u-0001', orgId: 'huidong-kx', role: 'volunteer' as const };

async function openRepo(dbName: string) {
  const refs = await fixture<{ townshipCodes: string[]; villageTownship: [string, string][] }>('refs.json');
  const db = new LedgerDb(dbName);
  await db.open();
  const random16 = () => crypto.getRandomValues(new Uint8Array(16));
  const clientId = await getOrCreateClientId(db, random16);
  const ctx = { taxonomy: DEFAULT_TAXONOMY, townshipCodes: new Set(refs.townshipCodes), villageTownship: new Map(refs.villageTownship) };
  const repo = createEventRepository(db, {
    now: () => Date.now(),
    random16,
    identity: () => IDENTITY,
    clientId: async () => clientId,
    timeZone: 'Asia/Shanghai',
    references: () => ctx,
  });
  return { db, repo };
}

/** `count` saves through the repository (validate, event + outbox + seq in one transaction): each one's time. */
async function savePath(dbName: string, contentsName: string, count: number): Promise<number[]> {
  const contents = (await fixture<Json[]>(contentsName)).slice(0, count);
  await drop(dbName);
  const { db, repo } = await openRepo(dbName);
  const times: number[] = [];
  for (const c of contents) {
    const id = repo.newEventId();
    const t0 = performance.now();
    await repo.createEvent(id, c as never, 'submitted');
    times.push(performance.now() - t0);
  }
  const outbox = await db.outbox.count();
  db.close();
  await drop(dbName);
  if (outbox !== contents.length) throw new Error(`outbox holds ${outbox}, expected ${contents.length}`);
  return times;
}

// ------------------------------------------------------------ our sync engine

type LocalStoreFactory = (db: LedgerDb) => Parameters<typeof runSync>[0];
async function localStoreFactory(): Promise<LocalStoreFactory> {
  const load = optional['../../../src/app/db/dexie-local-store.ts'];
  if (!load) throw new Error('src/app/db/dexie-local-store.ts is not there yet');
  const mod = (await load()) as { DexieLocalStore?: new (db: LedgerDb, deps: { random16(): Uint8Array; timeZone: string }) => Parameters<typeof runSync>[0] };
  const Store = mod.DexieLocalStore;
  if (!Store) throw new Error(`no DexieLocalStore in dexie-local-store.ts: ${Object.keys(mod).join(', ')}`);
  const random16 = () => crypto.getRandomValues(new Uint8Array(16));
  return (db) => new Store(db, { random16, timeZone: 'Asia/Shanghai' });
}

let token: string | null = null;
function transport() {
  return createHttpTransport({ baseUrl: () => '', token: () => token });
}

/** A fresh phone: an empty LedgerDb, then one sync run that pulls everything. */
async function firstSync(dbName: string): Promise<Json> {
  await drop(dbName);
  const make = await localStoreFactory();
  const db = new LedgerDb(dbName);
  await db.open();
  const store = make(db);
  const t0 = performance.now();
  const report = await runSync(store, transport());
  const ms = performance.now() - t0;
  const events = await db.events.count();
  db.close();
  await drop(dbName);
  return { ms, pulled: report.pulled, events };
}

/** A phone that logged `count` events offline through the repository (the push's setup, not timed). */
async function firstPushSetup(dbName: string, rowsName: string, count: number): Promise<number> {
  await drop(dbName);
  const rows = (await fixture<Json[]>(rowsName)).slice(0, count);
  const { db, repo } = await openRepo(dbName);
  const contentKeys = [
    'title',
    'notes',
    'startAt',
    'endAt',
    'format',
    'venue',
    'campaign',
    'themes',
    'townshipCode',
    'villageCode',
    'venueName',
    'point',
    'attendance',
    'onlineAttendance',
    'audience',
    'materials',
    'volunteers',
    'volunteerCount',
    'partners',
    'distanceKm',
    'photos',
  ];
  const items = rows.map((r) => ({
    id: repo.newEventId(),
    content: Object.fromEntries(contentKeys.map((k) => [k, r[k]])) as never,
    status: 'submitted' as const,
  }));
  for (let i = 0; i < items.length; i += 1000) await repo.createEvents(items.slice(i, i + 1000));
  const pending = await db.outbox.count();
  db.close();
  return pending;
}

/** One sync run that pushes the outbox firstPushSetup left (timed), then the database is dropped. */
async function firstPushRun(dbName: string): Promise<Json> {
  const make = await localStoreFactory();
  const db = new LedgerDb(dbName);
  await db.open();
  const store = make(db);
  // The run pushes, then pulls (the server hands the phone its own events back, with their revs):
  // the push's time is until the last push is answered.
  const inner = transport();
  let lastPush = 0;
  const timed = {
    push: async (r: Parameters<typeof inner.push>[0]) => {
      const a = await inner.push(r);
      lastPush = performance.now();
      return a;
    },
    pull: (c: number, l: number) => inner.pull(c, l),
    putBlob: (h: string, b: Blob, t: string) => inner.putBlob(h, b, t),
    getBlob: (h: string) => inner.getBlob(h),
  };
  const t0 = performance.now();
  const report = await runSync(store, timed);
  const ms = performance.now() - t0;
  const left = await db.outbox.count();
  db.close();
  await drop(dbName);
  return { ms: lastPush - t0, runMs: ms, pushed: report.pushed, pulled: report.pulled, left };
}

/** One sync run on a phone that keeps its database between calls (round trips). */
async function phoneSync(dbName: string): Promise<Json> {
  const make = await localStoreFactory();
  const db = new LedgerDb(dbName);
  await db.open();
  const t0 = performance.now();
  const report = await runSync(make(db), transport());
  const ms = performance.now() - t0;
  const events = await db.events.count();
  const pending = await db.outbox.count();
  db.close();
  return { ms, pushed: report.pushed, pulled: report.pulled, events, pending };
}

/** Edits `count` events on a phone through the repository (one outbox mutation each). */
async function phoneEdit(dbName: string, count: number): Promise<number> {
  const { db, repo } = await openRepo(dbName);
  const ids = (await db.events.limit(count).primaryKeys()) as string[];
  for (const id of ids) {
    const e = await db.events.get(id);
    await repo.updateEvent(id, { attendance: (e?.attendance ?? 0) + 1 });
  }
  const pending = await db.outbox.count();
  db.close();
  return pending;
}

async function phoneDrop(dbName: string): Promise<void> {
  await drop(dbName);
}

// ------------------------------------------------------------ PouchDB (the peer)

type PouchLike = {
  bulkDocs(docs: Json[]): Promise<unknown>;
  replicate: { from(url: string, o?: Json): Promise<Json>; to(url: string, o?: Json): Promise<Json> };
  destroy(): Promise<unknown>;
  info(): Promise<Json>;
};
type PouchCtor = new (name: string, opts?: Json) => PouchLike;

/** PouchDB rejects with plain objects; make them readable Errors. */
async function pouchTry<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const o = (e ?? {}) as Record<string, unknown>;
    throw new Error(`PouchDB ${what}: ${[o.name, o.status, o.message, o.reason].filter(Boolean).join(' ') || String(e)}`);
  }
}

async function pouch(): Promise<PouchCtor> {
  const w = window as unknown as { PouchDB?: PouchCtor };
  if (!w.PouchDB) {
    await new Promise<void>((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/vendor/pouchdb.min.js';
      s.onload = () => resolve();
      s.onerror = () => reject(new Error('pouchdb.min.js did not load'));
      document.head.append(s);
    });
  }
  return w.PouchDB!;
}

/** A fresh PouchDB (IndexedDB adapter) replicating everything from the remote database. */
async function pouchPull(dbName: string, remote: string): Promise<Json> {
  const PouchDB = await pouch();
  const db = new PouchDB(dbName);
  await db.destroy();
  const fresh = new PouchDB(dbName);
  const t0 = performance.now();
  const r = await pouchTry('pull', () => fresh.replicate.from(`${location.origin}${remote}`));
  const ms = performance.now() - t0;
  const info = await fresh.info();
  await fresh.destroy();
  return { ms, docs: Number(r.docs_written), stored: Number(info.doc_count) };
}

/** A PouchDB holding `count` docs (the push's setup, not timed). */
async function pouchPushSetup(dbName: string, docsName: string, count: number): Promise<number> {
  const PouchDB = await pouch();
  const docs = (await fixture<Json[]>(docsName)).slice(0, count);
  await new PouchDB(dbName).destroy();
  const db = new PouchDB(dbName);
  for (let i = 0; i < docs.length; i += 1000) await db.bulkDocs(docs.slice(i, i + 1000));
  return Number((await db.info()).doc_count);
}

/** Replicates what pouchPushSetup stored to the remote database (timed), then destroys the local one. */
async function pouchPushRun(dbName: string, remote: string): Promise<Json> {
  const PouchDB = await pouch();
  const db = new PouchDB(dbName);
  const t0 = performance.now();
  const r = await pouchTry('push', () => db.replicate.to(`${location.origin}${remote}`));
  const ms = performance.now() - t0;
  await db.destroy();
  return { ms, docs: Number(r.docs_written) };
}

/** PouchDB steps for the round-trip counts: 'pull' (replicate.from), 'sync' (both ways), 'edit' (count docs), 'drop'. */
async function pouchStep(dbName: string, step: string, remote: string, count = 0): Promise<Json> {
  const PouchDB = await pouch();
  const db = new PouchDB(dbName) as PouchLike & { sync(url: string): Promise<Json>; allDocs(o: Json): Promise<{ rows: { doc: Json }[] }> };
  const url = `${location.origin}${remote}`;
  if (step === 'drop') {
    await db.destroy();
    return {};
  }
  if (step === 'pull') {
    const r = await db.replicate.from(url);
    return { docs: Number(r.docs_written) };
  }
  if (step === 'sync') {
    await db.sync(url);
    return {};
  }
  if (step === 'edit') {
    const { rows } = await db.allDocs({ include_docs: true, limit: count });
    await db.bulkDocs(rows.map((r) => ({ ...r.doc, attendance: Number(r.doc.attendance) + 1 })));
    return { edited: rows.length };
  }
  throw new Error(`unknown step ${step}`);
}

// ------------------------------------------------------------ year totals

/**
 * A phone holding `m` events (the N fixture rows repeated under new ids), written the way a phone
 * gets them from the server: DexieLocalStore.applyPulled in pages of 2,000 (so any totals the
 * store maintains are maintained). Not timed. Returns the count per year.
 */
async function yearTotalsSetup(dbName: string, m: number): Promise<Json> {
  await drop(dbName);
  const make = await localStoreFactory();
  const base = await fixture<Json[]>('rows.json');
  const db = new LedgerDb(dbName);
  await db.open();
  const store = make(db);
  let cursor = 0;
  for (let i = 0; i < m; i += 2000) {
    const page = [];
    for (let j = i; j < Math.min(m, i + 2000); j++) {
      const { year: _y, ym: _ym, ...e } = base[j % base.length] as Json;
      const id = String(e.id).slice(0, 24) + j.toString(16).padStart(12, '0');
      page.push({ entity: 'event' as const, row: { ...e, id, rev: j + 1 } as never });
    }
    await store.applyPulled(page, j0(i, page.length), cursor);
    cursor = j0(i, page.length);
  }
  const years: Record<string, number> = {};
  await db.events.each((e) => {
    years[e.year] = (years[e.year] ?? 0) + 1;
  });
  db.close();
  return years;
}
const j0 = (i: number, n: number) => i + n;

/** The baseline: read the year's events through the [year+ym] index, then group by township and by format. */
async function yearTotalsRead(dbName: string, year: number): Promise<Json> {
  const db = new LedgerDb(dbName);
  await db.open();
  const t0 = performance.now();
  const events = await db.events.where('[year+ym]').between([year, Dexie.minKey], [year, Dexie.maxKey]).toArray();
  const byTownship = countEventsBy(events, 'township', { year });
  const byFormat = countEventsBy(events, 'format', { year });
  const ms = performance.now() - t0;
  db.close();
  return {
    ms,
    events: events.length,
    total: byTownship.total.events,
    townships: byTownship.groups.size,
    formats: byFormat.groups.size,
    check: [...byTownship.groups]
      .map(([k, t]) => `${k}:${t.events}:${t.attendance}`)
      .sort()
      .join(','),
  };
}

/** Ours: the maintained totals, if the app has them (a module under src/app/db or src/app/reports). */
async function yearTotalsOurs(dbName: string, year: number): Promise<Json | null> {
  for (const [path, load] of Object.entries(optional)) {
    if (!/totals/i.test(path)) continue;
    const mod = (await load()) as Record<string, unknown>;
    const fn = Object.entries(mod).find(([k, v]) => typeof v === 'function' && /^(read|get|load)\w*Totals$/i.test(k));
    if (!fn) continue;
    const db = new LedgerDb(dbName);
    await db.open();
    const t0 = performance.now();
    const r = await (fn[1] as (db: LedgerDb, year: number) => Promise<unknown>)(db, year);
    const ms = performance.now() - t0;
    db.close();
    return { ms, module: path, fn: fn[0], result: JSON.stringify(r).slice(0, 2000) };
  }
  return null;
}

// ------------------------------------------------------------ the hook

const bench = {
  ready: true,
  setToken(t: string | null) {
    token = t;
  },
  rawBulk,
  rawSingles,
  rawSaveOps,
  savePath,
  firstSync,
  firstPushSetup,
  firstPushRun,
  pouchPull,
  pouchPushSetup,
  pouchPushRun,
  phoneSync,
  phoneEdit,
  phoneDrop,
  pouchStep,
  yearTotalsSetup,
  yearTotalsRead,
  yearTotalsOurs,
  optionalModules: Object.keys(optional),
  async hasSyncStore() {
    return !!optional['../../../src/app/db/dexie-local-store.ts'];
  },
};
(window as unknown as { __bench: typeof bench }).__bench = bench;
document.title = 'bench ready';
