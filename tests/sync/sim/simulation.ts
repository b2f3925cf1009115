/**
 * Convergence under faults: several phones (in-memory LocalStores, the real engine and HTTP
 * transport) make random creates, edits and deletes while a faulty network drops, duplicates and
 * reorders their requests to the REAL server, which is also restarted on its SQLite file. At the
 * end the network heals, every phone settles its quarantined mutations the way a user would
 * (discard), syncs twice, and every phone must hold exactly its scope of the server's ledger
 * (issue 13 §5): staff the whole ledger, a volunteer their own events and those listing them,
 * with the server's count of the org's year totals. Roles are mixed: staff and the phones of
 * volunteers edit events' volunteer lists (listing and unlisting volunteers), and in some seeds
 * the admin promotes the second volunteer to staff mid-run (and in some demotes them again).
 */
import { createHash } from 'node:crypto';
import { createUuidV7 } from '../../../src/domain/ids';
import { emptyEventContent, EVENT_MUTABLE_FIELDS, type EventPatch, type LedgerEvent } from '../../../src/domain/event';
import { toZonedIso } from '../../../src/domain/year';
import { inScope, scopeOf } from '../../../src/domain/scope';
import { totalsOf, type TotalsRow } from '../../../src/domain/totals';
import { createHttpTransport } from '../../../src/sync/http-transport';
import { MemoryLocalStore } from '../../../src/sync/memory-local-store';
import { runSync } from '../../../src/sync/sync-engine';
import { FaultyNetwork, seededRandom, type FaultStats } from './fault-fetch';
import type { RealServer, SimAccount } from './real-server';

/** Ways a run can fail its checks; empty when every phone and the server agree. */
export interface SimOutcome {
  problems: string[];
  stats: FaultStats & { events: number; mutations: number; restarts: number; rejected: number; runs: number };
}

interface Phone {
  name: string;
  account: SimAccount;
  store: MemoryLocalStore;
  sync(): Promise<unknown>;
}

const TOWNSHIPS = ['441323001000', '441323002000', '441323102000'];
const TITLES = ['科普大篷车进校园', '防灾减灾宣传', '急救技能培训', '科普日广场活动', '青少年科技讲座'];
const VENUES = ['平山中学', '吉隆中心小学', '稔山镇文化广场', '大岭社区', '多祝镇敬老院'];

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

/** Runs one seed against `server` (fresh, with its admin) and returns what went wrong. */
export async function simulate(seed: number, server: RealServer, opts: { steps?: number; trace?: (line: string) => void } = {}): Promise<SimOutcome> {
  const trace = opts.trace ?? (() => undefined);
  const rnd = seededRandom(seed);
  const net = new FaultyNetwork(seededRandom(seed ^ 0x9e3779b9), { dropRequest: 0.1, dropResponse: 0.1, duplicate: 0.1, delay: 0.1 }, trace);
  const steps = opts.steps ?? 20;
  let clock = Date.parse('2023-03-01T09:00:00+08:00');
  const at = () => toZonedIso((clock += 60_000), 'Asia/Shanghai');
  const random16 = () => Uint8Array.from({ length: 16 }, () => Math.floor(rnd() * 256));

  const [v1, v2, staff] = [
    await server.makeUser('volunteer', `v1-${seed}`),
    await server.makeUser('volunteer', `v2-${seed}`),
    await server.makeUser('staff', `staff-${seed}`),
  ];
  const accounts = [v1!, v1!, v2!, staff!];
  const volunteers = [v1!, v2!];
  // Role changes of v2 during the run: promoted at one step, and in some seeds demoted at a later one.
  const promoteAt = rnd() < 0.6 ? Math.floor(rnd() * steps) : -1;
  const demoteAt = promoteAt >= 0 && rnd() < 0.5 ? promoteAt + 1 + Math.floor(rnd() * (steps - promoteAt)) : -1;
  const names = ['v1-phone', 'v1-tablet', 'v2-phone', 'staff-desk'];
  let restarts = 0;
  let runs = 0;
  let rejected = 0;
  let mutations = 0;
  const created = new Set<string>();
  const photos = new Set<string>();
  /** Per event, which phones changed it (an event one phone alone touched must match it exactly). */
  const editors = new Map<string, Set<string>>();

  // Small pages, so paging and a run cut between pages happen often.
  const pushPageSize = 1 + Math.floor(rnd() * 5);
  const pullLimit = 2 + Math.floor(rnd() * 12);
  const phones: Phone[] = [];
  for (let i = 0; i < accounts.length; i++) {
    const account = accounts[i]!;
    const store = new MemoryLocalStore(createUuidV7(clock, random16()).replace(/^(.{14})7/, '$14'));
    const phone: Phone = {
      name: names[i]!,
      account,
      store,
      sync: async () => undefined,
    };
    const transport = createHttpTransport({
      baseUrl: () => '',
      token: () => account.token,
      fetch: net.fetchFor(server.fetch, async () => localEdit(phone)),
    });
    phone.sync = () => runSync(store, transport, { pushPageSize, pullLimit });
    phones.push(phone);
  }

  function touch(phone: Phone, id: string): void {
    const last = [...phone.store.outbox.values()].at(-1);
    trace(
      `${phone.name} edit ${id.slice(-4)} ${JSON.stringify(last && { ...last, clientId: undefined, fields: last.op === 'put' && last.entity === 'event' ? (Object.keys(last.fields).length > 3 ? 'ALL' : last.fields) : undefined })}`,
    );
    const set = editors.get(id) ?? new Set<string>();
    set.add(phone.name);
    editors.set(id, set);
    mutations++;
  }

  function newEvent(phone: Phone): LedgerEvent {
    const start = clock - Math.floor(rnd() * 30) * 86_400_000;
    const startAt = toZonedIso(start, 'Asia/Shanghai');
    const now = at();
    return {
      ...emptyEventContent(startAt, toZonedIso(start + 7_200_000, 'Asia/Shanghai')),
      title: pick(rnd, TITLES),
      format: pick(rnd, ['caravan', 'lecture', 'first-aid', 'square-campaign']),
      venue: pick(rnd, ['school', 'community', 'village']),
      townshipCode: pick(rnd, TOWNSHIPS),
      venueName: pick(rnd, VENUES),
      attendance: 10 + Math.floor(rnd() * 500),
      volunteers: randomListing(),
      status: 'submitted',
      reviewNote: null,
      reviewedBy: null,
      reviewedAt: null,
      id: createUuidV7(clock, random16()),
      orgId: '',
      createdBy: phone.account.userId,
      createdAt: now,
      updatedBy: phone.account.userId,
      updatedAt: now,
      deleted: false,
      rev: 0,
    };
  }

  /** A volunteer list naming each volunteer by id or not (what puts an event in their phone's scope). */
  function randomListing(): LedgerEvent['volunteers'] {
    return volunteers.filter(() => rnd() < 0.4).map((v) => ({ name: v === v1 ? '志愿者甲' : '志愿者乙', userId: v.userId, hours: 2 }));
  }

  function randomPatch(phone: Phone): EventPatch {
    // Staff often change who is listed; a volunteer now and then on their own event.
    if (rnd() < (phone.account.role === 'staff' ? 0.4 : 0.1)) return { volunteers: randomListing() };
    const r = rnd();
    if (r < 0.3) return { title: `${pick(rnd, TITLES)}·${Math.floor(rnd() * 100)}` };
    if (r < 0.55) return { attendance: Math.floor(rnd() * 2000) };
    if (r < 0.7) return { venueName: pick(rnd, VENUES), notes: `第${Math.floor(rnd() * 9)}次补充` };
    if (r < 0.8) return { townshipCode: pick(rnd, TOWNSHIPS) };
    // Staff review; a volunteer trying it is refused (staff-only) and quarantined.
    if (phone.account.role === 'staff' || rnd() < 0.3) return { status: pick(rnd, ['reviewed', 'returned']) };
    return { status: pick(rnd, ['draft', 'submitted']) };
  }

  async function localEdit(phone: Phone): Promise<void> {
    const { store } = phone;
    const live = [...store.events.values()].filter((e) => !e.deleted);
    const r = rnd();
    if (r < 0.3 || live.length === 0) {
      const e = newEvent(phone);
      if (rnd() < 0.3) {
        // A photo as evidence: JPEG magic and random bytes, named by its SHA-256.
        const bytes = Uint8Array.from([0xff, 0xd8, 0xff, ...random16()]);
        const hash = createHash('sha256').update(bytes).digest('hex');
        store.addPhoto(hash, { blob: new Blob([bytes], { type: 'image/jpeg' }), type: 'image/jpeg' });
        e.photos = [hash];
        photos.add(hash);
      }
      store.createEvent(e);
      created.add(e.id);
      touch(phone, e.id);
      return;
    }
    // Volunteers mostly touch their own events; now and then another's (the server refuses).
    const own = live.filter((e) => phone.account.role === 'staff' || e.createdBy === phone.account.userId || rnd() < 0.25);
    const target = own.length ? pick(rnd, own) : pick(rnd, live);
    if (r < 0.85) {
      const before = store.seq;
      store.updateEvent(target.id, randomPatch(phone), at(), phone.account.userId);
      if (store.seq !== before) touch(phone, target.id);
    } else if (r < 0.95) {
      store.setEventDeleted(target.id, true, at(), phone.account.userId);
      touch(phone, target.id);
    } else {
      const dead = [...store.events.values()].filter((e) => e.deleted);
      if (dead.length) {
        const d = pick(rnd, dead);
        store.setEventDeleted(d.id, false, at(), phone.account.userId);
        touch(phone, d.id);
      }
    }
  }

  async function syncQuietly(phone: Phone): Promise<void> {
    runs++;
    try {
      const rep = await phone.sync();
      trace(`${phone.name} sync ok ${JSON.stringify(rep)}`);
    } catch (e) {
      trace(`${phone.name} sync failed ${(e as Error).message}`);
      // Weather: the next run finishes the job.
    }
  }

  for (let step = 0; step < steps; step++) {
    if (step === promoteAt || step === demoteAt) {
      const role = step === promoteAt ? 'staff' : 'volunteer';
      // v2's phone syncs first, so it holds a cursor of the old scope when the role changes.
      await syncQuietly(phones[2]!);
      trace(`v2 becomes ${role}`);
      await server.setRole(v2!, role);
    }
    const phone = pick(rnd, phones);
    const r = rnd();
    if (r < 0.5) await localEdit(phone);
    else if (r < 0.88) await syncQuietly(phone);
    else if (r < 0.95) {
      trace('deliver late');
      await net.deliverLate();
    } else {
      trace('restart');
      await server.restart();
      restarts++;
    }
  }
  // The server restarts between the faulty runs and the healing ones, as between any two runs.
  await server.restart();
  restarts++;

  // Heal: late requests arrive, the network behaves, users settle what the server refused.
  await net.deliverLate(true);
  net.enabled = false;
  for (const p of phones) await p.sync();
  // What each phone meant, for events it alone touched and the server refused nothing of.
  const intent = new Map<string, LedgerEvent>();
  for (const p of phones) {
    for (const q of await p.store.quarantined()) {
      rejected++;
      if (q.entity === 'event') editors.get(q.eventId)?.add('(refused)');
    }
  }
  for (const p of phones) {
    for (const e of p.store.events.values()) {
      const who = editors.get(e.id);
      if (who?.size === 1 && who.has(p.name)) intent.set(e.id, e);
    }
  }
  for (const p of phones) {
    for (const q of await p.store.quarantined()) await p.store.discardQuarantined(q.seq);
  }
  // One more round: every phone hears what the others pushed and what the discards restored.
  for (const p of phones) await p.sync();

  // Check.
  const problems: string[] = [];
  const server_ = await server.allEvents();
  const byId = new Map(server_.map((e) => [e.id, e]));
  if (byId.size !== server_.length) problems.push(`server returned ${server_.length} rows for ${byId.size} ids`);
  for (const id of created) if (!byId.has(id)) problems.push(`event ${id} created on a phone is missing on the server`);
  // Seeds may share a server (and its association): count only this seed's users' events.
  const ours = new Set([v1!.userId, v2!.userId, staff!.userId]);
  const oursOnServer = server_.filter((e) => ours.has(e.createdBy)).length;
  if (oursOnServer !== created.size) problems.push(`server holds ${oursOnServer} events of this run, phones created ${created.size}`);
  const orgTotals = sortedTotals(totalsOf(server_.filter((e) => !e.deleted)));
  for (const p of phones) {
    // Exactly its scope: staff the whole ledger, a volunteer own + listed (domain/scope.ts).
    const scope = scopeOf({ id: p.account.userId, role: p.account.role });
    const scoped = new Map([...byId].filter(([, e]) => inScope(scope, e)));
    const expected = JSON.stringify([...scoped.values()].sort((a, b) => a.id.localeCompare(b.id)));
    const mine = JSON.stringify([...p.store.events.values()].sort((a, b) => a.id.localeCompare(b.id)));
    if (mine !== expected) problems.push(`${p.name} (${scope}) differs from its scope of the server: ${firstDifference(p.store.events, scoped)}`);
    if (p.store.scope !== scope) problems.push(`${p.name} holds scope ${p.store.scope}, its user's is ${scope}`);
    if ((await p.store.pendingCount()) !== 0) problems.push(`${p.name} still has pending mutations`);
    // A volunteer's coverage card counts the whole org: the server's totals, as of its last pull.
    if (scope !== 'all') {
      const held = JSON.stringify(sortedTotals(p.store.totals ?? []));
      if (held !== JSON.stringify(orgTotals))
        problems.push(`${p.name} holds org totals ${held.slice(0, 200)}, the server's ledger counts ${JSON.stringify(orgTotals).slice(0, 200)}`);
    } else if (p.store.totals !== null) problems.push(`${p.name} (staff) keeps org totals`);
  }
  for (const hash of photos) {
    const res = await server.fetch(`/api/blobs/${hash}`, { headers: { authorization: `Bearer ${v1!.token}` } });
    if (res.status !== 200) problems.push(`photo ${hash} named by an event is not on the server (${res.status})`);
  }
  for (const [id, e] of intent) {
    const s = byId.get(id);
    for (const f of EVENT_MUTABLE_FIELDS) {
      if (f === 'reviewedBy' || f === 'reviewedAt') continue;
      if (JSON.stringify(s?.[f]) !== JSON.stringify(e[f]))
        problems.push(`edit lost: ${id}.${f} is ${JSON.stringify(s?.[f])}, its only editor wrote ${JSON.stringify(e[f])}`);
    }
    if (s?.deleted !== e.deleted) problems.push(`delete lost: ${id}.deleted is ${s?.deleted}, its only editor wrote ${e.deleted}`);
  }
  return { problems, stats: { ...net.stats, events: created.size, mutations, restarts, rejected, runs } };
}

function sortedTotals(rows: readonly TotalsRow[]): TotalsRow[] {
  const key = (r: TotalsRow) => `${r.year}\u0000${r.axis}\u0000${r.key}`;
  return [...rows].sort((a, b) => key(a).localeCompare(key(b)));
}

function firstDifference(local: ReadonlyMap<string, LedgerEvent>, server: ReadonlyMap<string, LedgerEvent>): string {
  for (const [id, s] of server) {
    const l = local.get(id);
    if (!l) return `missing ${id}`;
    for (const k of Object.keys(s) as (keyof LedgerEvent)[]) {
      if (JSON.stringify(s[k]) !== JSON.stringify(l[k])) return `${id}.${k}: phone ${JSON.stringify(l[k])} vs server ${JSON.stringify(s[k])}`;
    }
  }
  for (const id of local.keys()) if (!server.has(id)) return `extra ${id}`;
  return 'key order or types';
}
