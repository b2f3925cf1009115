/**
 * Upgrades, on SQLite and PostgreSQL: the previous release's server (0.1.0, commit d73a247, schema
 * 003: built from git in a temp folder) writes a ledger — accounts, events, a review, a photo, an
 * invite — and the packaged new release, started over the same data, migrates it forward: the
 * volunteer's sign-in still works, the events pull and push, the photo opens, the old invite is
 * refused with `inviteOutdated` (migration 005), a phone signs in and syncs every event; on SQLite
 * the ledger as it was is kept in backups/pre-upgrade-*-schema-003.sqlite.
 * Then a release whose migrations folder gains a good migration and a broken one (numbered after
 * its newest) refuses to start and leaves the database exactly as it was; the real release starts over it again.
 * (Phones get the new PWA through the reload prompt: tests/e2e/reload-prompt.e2e.ts.)
 */
import Database from 'better-sqlite3';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, freePort, readStore } from './harness';
import { Phones, signIn } from './phones';
import { gradientPng } from './png';
import { PASSWORD, call, cleanEnv, eventFields, startRelease, unpackRelease, type ReleaseServer } from './release';

/** The previous release: the last commit of round one (0.1.0), schema 003. */
const PREVIOUS = 'd73a247';
const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const clientId = '7c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5';

let oldServer = '';
let top = '';
const phones = new Phones();
const cleanup: (() => Promise<void> | void)[] = [];

beforeAll(() => {
  // The previous release's server, compiled from git over this checkout's packages.
  oldServer = mkdtempSync(join(tmpdir(), 'kl-previous-'));
  cleanup.push(() => rmSync(oldServer, { recursive: true, force: true }));
  try {
    execFileSync('sh', ['-c', 'git -C "$1" archive "$2" src public package.json | tar -x -C "$3"', 'sh', ROOT, PREVIOUS, oldServer]);
  } catch (e) {
    throw new Error(`commit ${PREVIOUS} (the previous release) is not in this clone; fetch the full history`, { cause: e });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(oldServer, 'node_modules'));
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'src/server/tsconfig.json'], { cwd: oldServer });
  top = unpackRelease();
  cleanup.push(() => rmSync(join(top, '..'), { recursive: true, force: true }));
});

afterAll(async () => {
  await phones.closeAll();
  for (const c of cleanup.reverse()) await c();
});

/** What the previous release wrote, for checking it after the upgrade. */
interface OldLedger {
  volunteerToken: string;
  events: string[];
  photo: string;
  inviteCode: string;
}

async function writeWithPreviousRelease(env: NodeJS.ProcessEnv): Promise<OldLedger> {
  const old = await startRelease(oldServer, env, [], '/api/health');
  try {
    const base = old.url;
    const setup = await call<{ token: string }>(base, 'POST', '/api/setup', null, {
      code: old.setupCode,
      orgName: '惠东县科协',
      adminName: '管理员',
      username: 'admin',
      password: PASSWORD,
    });
    expect(setup.status).toBe(201);
    for (const [role, name, username] of [
      ['staff', '王干事', 'wang'],
      ['volunteer', '张志愿', 'zhang'],
    ]) {
      expect((await call(base, 'POST', '/api/users', setup.body.token, { role, name, username, password: PASSWORD })).status).toBe(201);
    }
    const login = async (username: string) => (await call<{ token: string }>(base, 'POST', '/api/login', null, { username, password: PASSWORD })).body.token;
    const [staff, volunteer] = [await login('wang'), await login('zhang')];
    const png = gradientPng(320, 240, 11);
    const photo = createHash('sha256').update(png).digest('hex');
    const up = await fetch(`${base}/api/blobs/${photo}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${volunteer}`, 'content-type': 'image/png' },
      body: new Uint8Array(png),
    });
    expect(up.status).toBe(201);
    const events = ['0190a6c2-7d1e-7b3a-9f00-0000000000a1', '0190a6c2-7d1e-7b3a-9f00-0000000000a2'];
    const push = await call<{ results: { status: string }[] }>(base, 'POST', '/api/sync/push', volunteer, {
      v: 1,
      clientId,
      mutations: [
        { entity: 'event', op: 'put', seq: 1, eventId: events[0], fields: eventFields('大篷车进平山中心小学', [photo]), at: '2026-03-05T12:00:00+08:00' },
        { entity: 'event', op: 'put', seq: 2, eventId: events[1], fields: eventFields('科普讲座进社区'), at: '2026-03-05T12:01:00+08:00' },
      ],
    });
    expect(push.body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const review = await call<{ results: { status: string }[] }>(base, 'POST', '/api/sync/push', staff, {
      v: 1,
      clientId: '8d2e3f4a-5b6c-4d7e-8f90-a1b2c3d4e5f6',
      mutations: [{ entity: 'event', op: 'put', seq: 1, eventId: events[0], fields: { status: 'reviewed' }, at: '2026-03-05T13:00:00+08:00' }],
    });
    expect(review.body.results.map((r) => r.status)).toEqual(['applied']);
    const invite = await call<{ code: string }>(base, 'POST', '/api/invites', staff, {
      role: 'volunteer',
      expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      maxUses: 5,
    });
    expect(invite.status).toBe(201);
    return { volunteerToken: volunteer, events, photo, inviteCode: invite.body.code };
  } finally {
    await old.stop();
  }
}

/** Every table's rows and the schema, as one comparable value. */
async function snapshot(kind: 'sqlite' | 'postgres', target: string): Promise<unknown> {
  if (kind === 'sqlite') {
    const db = new Database(target, { readonly: true });
    try {
      const schema = db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as {
        type: string;
        name: string;
      }[];
      const rows = Object.fromEntries(schema.filter((s) => s.type === 'table').map((t) => [t.name, db.prepare(`SELECT * FROM "${t.name}" ORDER BY 1`).all()]));
      return { schema, rows };
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: target });
  await c.connect();
  try {
    const tables = (await c.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).rows.map(
      (r: { table_name: string }) => r.table_name,
    );
    const columns = (await c.query("SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2"))
      .rows;
    const rows: Record<string, unknown> = {};
    for (const t of tables) rows[t] = (await c.query(`SELECT * FROM "${t}" ORDER BY 1`)).rows;
    return { tables, columns, rows };
  } finally {
    await c.end();
  }
}

describe.each(['sqlite', 'postgres'] as const)('upgrading from the previous release on %s', (kind) => {
  let env: NodeJS.ProcessEnv = {};
  let dataDir = '';
  let dbUrl = '';
  let old: OldLedger;
  let release: ReleaseServer | null = null;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), `kl-upgrade-${kind}-`));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const extra: Record<string, string> = { PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'info' };
    if (kind === 'postgres') {
      const name = `kl_upgrade_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: TEST_PG_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      dbUrl = new URL(`/${name}`, TEST_PG_URL).href;
      extra.DATABASE_URL = dbUrl;
      cleanup.push(async () => {
        const c = new pg.Client({ connectionString: TEST_PG_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      });
    }
    env = cleanEnv(extra);
  });

  afterAll(async () => {
    await release?.stop();
  });

  it('the packaged release opens what the previous release wrote, and phones sync it', async () => {
    old = await writeWithPreviousRelease(env);
    release = await startRelease(top, env);
    const base = release.url;
    if (kind === 'sqlite') {
      expect(release.output()).toContain('migrated the ledger to this release; the copy made before the upgrade is kept in backups/');
      const copies = readdirSync(join(dataDir, 'backups')).filter((f) => f.startsWith('pre-upgrade-'));
      expect(copies.map((f) => f.replace(/\d{8}T\d{6}Z/, '<time>'))).toEqual(['pre-upgrade-<time>-schema-003.sqlite']);
    }
    // The volunteer's sign-in from before the upgrade still works; the events pull with an epoch.
    const pull = await call<{ epoch: string; rows: { row: { id: string; status: string; photos: string[] } }[] }>(
      base,
      'GET',
      '/api/sync/pull?cursor=0',
      old.volunteerToken,
    );
    expect(pull.status).toBe(200);
    expect(pull.body.epoch).toMatch(/^[0-9a-f]{32}$/);
    expect(pull.body.rows.map((r) => [r.row.id, r.row.status, r.row.photos]).sort()).toEqual([
      [old.events[0], 'reviewed', [old.photo]],
      [old.events[1], 'submitted', []],
    ]);
    // An edit of an old event and a new event are applied; the old photo opens.
    const push = await call<{ results: { status: string }[] }>(base, 'POST', '/api/sync/push', old.volunteerToken, {
      v: 1,
      clientId,
      epoch: pull.body.epoch,
      mutations: [
        { entity: 'event', op: 'put', seq: 3, eventId: old.events[1], fields: { attendance: 220 }, at: '2026-03-06T09:00:00+08:00' },
        {
          entity: 'event',
          op: 'put',
          seq: 4,
          eventId: '0190a6c2-7d1e-7b3a-9f00-0000000000a3',
          fields: eventFields('急救技术科普进村'),
          at: '2026-03-06T09:01:00+08:00',
        },
      ],
    });
    expect([push.status, push.body.results.map((r) => r.status)]).toEqual([200, ['applied', 'applied']]);
    const blob = await fetch(`${base}/api/blobs/${old.photo}`, { headers: { authorization: `Bearer ${old.volunteerToken}` } });
    expect(
      createHash('sha256')
        .update(Buffer.from(await blob.arrayBuffer()))
        .digest('hex'),
    ).toBe(old.photo);
    // The previous release's short invite codes are refused with their own reason (migration 005).
    const join_ = await call<{ error: string }>(base, 'POST', '/api/join', null, {
      code: old.inviteCode,
      name: '李志愿',
      phoneOrUsername: '13800000009',
      password: PASSWORD,
    });
    expect([join_.status, join_.body.error]).toEqual([403, 'inviteOutdated']);

    // A phone signs in on the new release and syncs every event.
    const phone = await phones.open(`volunteer-${kind}`);
    await signIn(phone, base, 'zhang', PASSWORD);
    const held = await readStore<{ id: string; title: string; attendance: number | null }>(phone.page, 'events');
    expect(held.map((e) => [e.id, e.title, e.attendance]).sort()).toEqual([
      [old.events[0], '大篷车进平山中心小学', 150],
      [old.events[1], '科普讲座进社区', 220],
      ['0190a6c2-7d1e-7b3a-9f00-0000000000a3', '急救技术科普进村', 150],
    ]);
    await phones.close(phone);
  });

  it('a release with a broken migration refuses to start and leaves the database as it was', async () => {
    await release!.stop();
    release = null;
    const target = kind === 'sqlite' ? join(dataDir, 'ledger.sqlite') : dbUrl;
    const before = await snapshot(kind, target);
    // A copy of the release whose migrations folder gains a good migration and a broken one,
    // numbered after the newest the release has (each engine counts its own).
    const broken = unpackRelease();
    cleanup.push(() => rmSync(join(broken, '..'), { recursive: true, force: true }));
    const migrations = join(broken, 'dist-server/server/store/migrations', kind);
    const newest = Math.max(...readdirSync(migrations).map((f) => Number(/^(\d{3})-/.exec(f)?.[1] ?? 0)));
    const pad = (n: number) => String(n).padStart(3, '0');
    writeFileSync(
      join(migrations, `${pad(newest + 1)}-good.sql`),
      'CREATE TABLE upgrade_probe (id INTEGER PRIMARY KEY);\nALTER TABLE events ADD COLUMN probe TEXT;\n',
    );
    writeFileSync(join(migrations, `${pad(newest + 2)}-broken.sql`), 'CREATE TABLE upgrade_probe_2 (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n');
    const run = spawnSync(process.execPath, ['dist-server/server/main.js'], { cwd: broken, env, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^server failed to start: Error: migrating the database failed and changed nothing${kind === 'sqlite' ? `; the copy made before it is \\S+pre-upgrade-\\d{8}T\\d{6}Z-schema-${pad(newest)}\\.sqlite` : ''}: .*no_such_table`,
      ),
    );
    expect(await snapshot(kind, target)).toEqual(before);

    // The real release starts over it again, as if nothing had happened.
    release = await startRelease(top, env);
    const pull = await call<{ rows: unknown[] }>(release.url, 'GET', '/api/sync/pull?cursor=0', old.volunteerToken);
    expect([pull.status, pull.body.rows.length]).toEqual([200, 3]);
  });
});
