/**
 * The server at a million events (issue 11): p95 latency of a 100-event push and of a 500-row
 * pull when the ledger holds SMALL events (10,000) and when it holds LARGE (1,000,000), on SQLite
 * and on PostgreSQL.
 *
 * - SMALL events go in through the API (pushes of 500, signed like any row).
 * - Then the ledger grows to LARGE with bulk SQL from the bench process, not through the API
 *   (pushing a million events would take most of an hour): copies of the stored rows with new
 *   ids (random UUIDs) and new revs above the highest, the rev counter moved past them, then
 *   ANALYZE (and VACUUM on PostgreSQL, as autovacuum would have done on a ledger that grew over
 *   years). The copies keep the signature of the row they copy (it does not match: signatures only
 *   matter to a recovery, which this group does not run).
 * - Two servers: one stays at SMALL, the other grows to LARGE; then PUSHES pushes of 100 new
 *   events (each its own client) and PULLS pulls of 500 rows from a random cursor, the two servers
 *   taking turns request by request, so both sizes meet the same load of the shared machine;
 *   p95 and p50 of each. Warm-up requests first.
 * - EXPLAIN of the pull and of the push's read of the named rows at LARGE, so the report shows
 *   the indexes used (printed to the log and kept in latest.json under each row's `extra`).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { row } from '../lib.mjs';
import { makeEvents } from '../fixtures.mjs';
import { PG_URL, push, putMutations, startServer } from '../ours.mjs';

const PULL_SQL_PG =
  "(SELECT 'event' AS entity, rev, data, sig FROM events WHERE org_id = $1 AND rev > $2 AND rev <= $4 ORDER BY rev LIMIT $3) " +
  "UNION ALL (SELECT 'target' AS entity, rev, data, sig FROM targets WHERE org_id = $1 AND rev > $2 AND rev <= $4 ORDER BY rev LIMIT $3) ORDER BY rev LIMIT $3";
const PULL_SQL_SQLITE =
  "SELECT 'event' AS entity, rev, data, sig FROM events WHERE org_id = ? AND rev > ? " +
  "UNION ALL SELECT 'target' AS entity, rev, data, sig FROM targets WHERE org_id = ? AND rev > ? ORDER BY rev LIMIT ?";

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

async function timed(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** Direct access to the server's database from the bench process (seeding, EXPLAIN). */
async function openDb(server) {
  if (server.kind === 'postgres') {
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${server.pgApplication}` });
    await c.connect();
    return {
      async one(sql, params = []) {
        return (await c.query(sql, params)).rows[0];
      },
      async all(sql, params = []) {
        return (await c.query(sql, params)).rows;
      },
      async exec(sql, params = []) {
        await c.query(sql, params);
      },
      close: () => c.end(),
    };
  }
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(join(server.dataDir, 'ledger.sqlite'));
  db.pragma('busy_timeout = 10000');
  return {
    async one(sql, params = []) {
      return db.prepare(sql).get(...params);
    },
    async all(sql, params = []) {
      return db.prepare(sql).all(...params);
    },
    async exec(sql, params = []) {
      if (params.length) db.prepare(sql).run(...params);
      else db.exec(sql);
    },
    close: async () => db.close(),
  };
}

/** Copies the stored events until the ledger holds `target` events; answers the new highest rev. */
async function growTo(db, kind, target, log) {
  const { n, top } = await db.one('SELECT count(*) AS n, max(rev) AS top FROM events');
  const have = Number(n);
  let rev = Number(top);
  let left = target - have;
  const t0 = performance.now();
  while (left > 0) {
    const take = Math.min(left, have);
    if (kind === 'postgres') {
      await db.exec(
        'WITH e AS MATERIALIZED (SELECT gen_random_uuid()::text AS nid, *, row_number() OVER (ORDER BY rev) AS rn FROM events ORDER BY rev LIMIT $2) ' +
          'INSERT INTO events (id, org_id, rev, created_by, deleted, data, sig) ' +
          "SELECT e.nid, e.org_id, $1::bigint + e.rn, e.created_by, e.deleted, jsonb_set(jsonb_set(e.data, '{id}', to_jsonb(e.nid)), '{rev}', to_jsonb($1::bigint + e.rn)), e.sig FROM e",
        [rev, take],
      );
    } else {
      const uuid =
        "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))";
      // MATERIALIZED: each row's new id is drawn once and used for both the column and the JSON.
      await db.exec(
        `WITH e AS MATERIALIZED (SELECT ${uuid} AS nid, *, row_number() OVER (ORDER BY rev) AS rn FROM events ORDER BY rev LIMIT ${take}) ` +
          'INSERT INTO events (id, org_id, rev, created_by, deleted, data, sig) ' +
          `SELECT e.nid, e.org_id, ${rev} + e.rn, e.created_by, e.deleted, json_set(e.data, '$.id', e.nid, '$.rev', ${rev} + e.rn), e.sig FROM e`,
      );
    }
    rev += take;
    left -= take;
    log(`  grew to ${(target - left).toLocaleString('en-US')} events (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  if (kind === 'postgres') {
    await db.exec("SELECT setval('rev_seq', $1)", [rev]);
    await db.exec('VACUUM ANALYZE events');
  } else {
    await db.exec('UPDATE rev_counter SET rev = ? WHERE id = 1', [rev]);
    await db.exec('ANALYZE');
    await db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  }
  return rev;
}

/** The plans of the pull and of the push's read of named rows, as text lines. */
async function explain(db, kind, orgId, cursor, ids) {
  if (kind === 'postgres') {
    const plan = async (sql, params) => (await db.all(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) ${sql}`, params)).map((r) => r['QUERY PLAN']);
    return {
      pull: await plan(PULL_SQL_PG, [orgId, cursor, 501, Number.MAX_SAFE_INTEGER]),
      pushRead: await plan('SELECT id, data FROM events WHERE id = ANY($1::text[]) ORDER BY id', [ids]),
    };
  }
  const plan = async (sql, params) => (await db.all(`EXPLAIN QUERY PLAN ${sql}`, params)).map((r) => r.detail);
  return {
    pull: await plan(PULL_SQL_SQLITE, [orgId, cursor, orgId, cursor, 501]),
    pushRead: await plan(`SELECT id, data FROM events WHERE id IN (${ids.map(() => '?').join(', ')})`, ids),
  };
}

export async function run(ctx) {
  const SMALL = Number(process.env.BENCH_SCALE_SMALL ?? (ctx.quick ? 1_000 : 10_000));
  const LARGE = Number(process.env.BENCH_SCALE_LARGE ?? (ctx.quick ? 5_000 : 1_000_000));
  const PUSHES = ctx.quick ? 5 : 40;
  const PULLS = ctx.quick ? 5 : 60;
  const WARM = ctx.quick ? 1 : 5;
  const seedEvents = makeEvents(ctx.domain, SMALL, 31);
  const pushEvents = makeEvents(ctx.domain, 2 * (PUSHES + WARM) * 100, 32);
  let nextPush = 0;

  /** One timed push of 100 new events to `server`. */
  const onePush = (server) => {
    const evs = pushEvents.slice(nextPush * 100, nextPush * 100 + 100);
    nextPush++;
    return timed(async () => {
      const r = await push(server, randomUUID(), putMutations(ctx.domain, evs));
      if (r.results.some((x) => x.status !== 'applied')) throw new Error('a push was not applied');
    });
  };
  /** One timed pull of 500 rows from a random cursor at or below `topRev` - 500. */
  const onePull = (server, topRev) => {
    const cursor = Math.floor(Math.random() * Math.max(1, topRev - 500));
    return timed(async () => {
      const res = await fetch(`${server.base}/api/sync/pull?cursor=${cursor}&limit=500`, {
        headers: { authorization: `Bearer ${server.token}`, 'accept-encoding': 'gzip' },
      });
      const body = await res.json();
      if (!res.ok || body.rows.length !== 500) throw new Error(`pull: HTTP ${res.status}, ${body.rows?.length} rows`);
    });
  };

  /**
   * p50/p95 of PUSHES pushes and PULLS pulls on each server, taking turns request by request, so
   * both sizes are measured under the same load of the (shared) machine.
   */
  async function measureSideBySide(servers) {
    const out = servers.map(() => ({ pushes: [], pulls: [] }));
    for (let i = 0; i < WARM + PUSHES; i++) {
      for (const [k, s] of servers.entries()) {
        const ms = await onePush(s.server);
        if (i >= WARM) out[k].pushes.push(ms);
      }
    }
    for (let i = 0; i < WARM + PULLS; i++) {
      for (const [k, s] of servers.entries()) {
        const ms = await onePull(s.server, s.topRev);
        if (i >= WARM) out[k].pulls.push(ms);
      }
    }
    return out.map((o) => ({
      pushP95: quantile(o.pushes, 0.95),
      pushP50: quantile(o.pushes, 0.5),
      pullP95: quantile(o.pulls, 0.95),
      pullP50: quantile(o.pulls, 0.5),
    }));
  }

  /** A server of `kind` holding SMALL events pushed through the API, with direct access to its database. */
  async function seeded(kind) {
    const server = await startServer(ctx.serverDir, { kind });
    const db = await openDb(server);
    const t0 = performance.now();
    const clientId = randomUUID();
    const ms = putMutations(ctx.domain, seedEvents);
    for (let i = 0; i < ms.length; i += 500) await push(server, clientId, ms.slice(i, i + 500));
    ctx.log(`server-scale ${kind}: ${SMALL.toLocaleString('en-US')} events pushed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return { server, db, topRev: Number((await db.one('SELECT max(rev) AS top FROM events')).top) };
  }

  async function oneStore(kind) {
    const small = await seeded(kind);
    let large = null;
    try {
      large = await seeded(kind);
      large.topRev = await growTo(large.db, kind, LARGE, ctx.log);
      // The idle keep-alive connections to both servers may have timed out during the growth.
      await fetch(`${small.server.base}/api/health`).catch(() => null);
      await fetch(`${large.server.base}/api/health`).catch(() => null);
      const [s, l] = await measureSideBySide([small, large]);
      for (const [n, x] of [
        [SMALL, s],
        [LARGE, l],
      ]) {
        ctx.log(
          `server-scale ${kind} at ${n.toLocaleString('en-US')}: push p95 ${x.pushP95.toFixed(1)} ms (p50 ${x.pushP50.toFixed(1)}), pull p95 ${x.pullP95.toFixed(1)} ms (p50 ${x.pullP50.toFixed(1)})`,
        );
      }
      const orgId = (await large.db.one('SELECT id FROM orgs')).id;
      const ids = (await large.db.all('SELECT id FROM events ORDER BY rev DESC LIMIT 100')).map((r) => r.id);
      const plans = await explain(large.db, kind, orgId, Math.floor(large.topRev / 2), ids);
      const lines = (xs) => xs.map((x) => (x.length > 160 ? `${x.slice(0, 160)}…` : x)).join('\n    ');
      ctx.log(`server-scale ${kind} EXPLAIN pull at ${LARGE.toLocaleString('en-US')}:\n    ${lines(plans.pull)}`);
      ctx.log(`server-scale ${kind} EXPLAIN push's read of 100 named rows:\n    ${lines(plans.pushRead)}`);
      return { small: s, large: l, plans };
    } catch (e) {
      for (const x of [small, large].filter(Boolean)) {
        ctx.log(
          `server-scale ${kind}: ${e?.cause ? `cause: ${e.cause?.code ?? ''} ${e.cause?.message ?? e.cause}; ` : ''}server exit code ${x.server.proc.child.exitCode}, signal ${x.server.proc.child.signalCode}; its last output:\n${x.server.proc.output().slice(-3000)}`,
        );
      }
      throw e;
    } finally {
      for (const x of [small, large].filter(Boolean)) {
        await x.db.close();
        await x.server.stop();
      }
    }
  }

  const sizes = `${SMALL.toLocaleString('en-US')} → ${LARGE.toLocaleString('en-US')} events`;
  const rows = [];
  for (const kind of ['sqlite', 'postgres']) {
    const name = kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    const ids = { push: `scale-${kind === 'sqlite' ? 'sqlite' : 'pg'}-push`, pull: `scale-${kind === 'sqlite' ? 'sqlite' : 'pg'}-pull` };
    if (kind === 'postgres' && process.env.BENCH_PG_URL === 'off') {
      rows.push(
        row({ id: ids.push, value: null, unit: 'ms', note: 'not measured: BENCH_PG_URL=off' }),
        row({ id: ids.pull, value: null, unit: 'ms', note: 'not measured: BENCH_PG_URL=off' }),
      );
      continue;
    }
    const r = await oneStore(kind);
    const at = (x) => `at ${x.toLocaleString('en-US')}`;
    const push = row({
      id: ids.push,
      value: r.large.pushP95,
      unit: 'ms',
      baseline: { name: `${name} ${at(SMALL)}`, value: r.small.pushP95, unit: 'ms' },
      note: `${sizes}; p50 ${r.small.pushP50.toFixed(1)} → ${r.large.pushP50.toFixed(1)} ms; ${PUSHES} pushes`,
      extra: { explain: r.plans.pushRead },
    });
    const pull = row({
      id: ids.pull,
      value: r.large.pullP95,
      unit: 'ms',
      baseline: { name: `${name} ${at(SMALL)}`, value: r.small.pullP95, unit: 'ms' },
      note: `${sizes}; p50 ${r.small.pullP50.toFixed(1)} → ${r.large.pullP50.toFixed(1)} ms; ${PULLS} pulls from random cursors`,
      extra: { explain: r.plans.pull },
    });
    push.pass = push.ratio <= 1.5;
    pull.pass = pull.ratio <= 1.5;
    rows.push(push, pull);
  }
  return rows;
}
