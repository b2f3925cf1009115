/**
 * One port for the PWA and the API: static files with the right caching, the SPA fallback,
 * compression; and the online SQLite backup taken while the server writes.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backupSqlite } from '../../src/server/backup';
import { readConfig } from '../../src/server/config';
import { SqliteStore } from '../../src/server/store/sqlite';
import { eventFields, newId, push, putEvent, seedAccounts, sqliteHandle, testApp, type StoreHandle } from './helpers';

describe('serving the built PWA', () => {
  let dir: string;
  let h: StoreHandle;
  let app: FastifyInstance;
  const bigJs = `console.log(${JSON.stringify('科普'.repeat(5000))});`;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kl-static-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>科普台账</title><div id="app"></div>');
    writeFileSync(path.join(dir, 'sw.js'), 'self.addEventListener("install", () => {});');
    writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), bigJs);
    h = await sqliteHandle();
    app = await testApp(h.store, { staticDir: dir });
  });
  afterAll(async () => {
    await app.close();
    await h.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the app shell is served at / and must be revalidated', async () => {
    const res = await app.inject('/');
    expect([res.statusCode, res.headers['content-type'], res.headers['cache-control']]).toEqual([200, 'text/html; charset=utf-8', 'no-cache']);
    expect(res.body).toContain('科普台账');
  });

  test('client-side routes fall back to index.html', async () => {
    const res = await app.inject('/events/0190a000-0000-7000-8000-000000000000/edit');
    expect([res.statusCode, res.headers['cache-control']]).toEqual([200, 'no-cache']);
    expect(res.body).toContain('<div id="app">');
  });

  test('sw.js is served with Cache-Control: no-cache; hashed assets are immutable', async () => {
    expect((await app.inject('/sw.js')).headers['cache-control']).toBe('no-cache');
    expect((await app.inject('/assets/index-abc123.js')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  test('a missing asset and an unknown API route are JSON 404s, not the app shell', async () => {
    const asset = await app.inject('/assets/gone-999.js');
    expect([asset.statusCode, asset.json().error]).toEqual([404, 'notFound']);
    const api = await app.inject('/api/nothing/here');
    expect([api.statusCode, api.json()]).toEqual([404, { error: 'notFound', message: 'No route GET /api/nothing/here.' }]);
    expect((await app.inject({ method: 'POST', url: '/events' })).statusCode).toBe(404);
  });

  test('API answers are never cached', async () => {
    expect((await app.inject('/api/health')).headers['cache-control']).toBe('no-store');
    expect((await app.inject('/api/sync/pull?cursor=0')).headers['cache-control']).toBe('no-store');
  });

  test('responses are gzip-compressed for clients that accept it', async () => {
    const res = await app.inject({ url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(res.rawPayload).toString()).toBe(bigJs);
  });
});

describe('a navigation names its route’s files (route-preloads.json from the build)', () => {
  let dir: string;
  let h: StoreHandle;
  let app: FastifyInstance;
  const page = '<!doctype html><html><head><title>科普台账</title></head><body><div id="app"></div></body></html>';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kl-preload-'));
    writeFileSync(path.join(dir, 'index.html'), page);
    writeFileSync(
      path.join(dir, 'route-preloads.json'),
      JSON.stringify([
        {
          path: '/',
          scripts: ['assets/HomeView-a1.js'],
          styles: ['assets/HomeView-b2.css'],
          fetches: ['regions/huidong/region.json', 'regions/x"><script>.json'],
        },
        { path: '/events/new', scripts: ['assets/EventEditView-c3.js'], styles: [] },
        { path: '/events/:id', scripts: ['assets/EventDetailView-d4.js', 'assets/x"><script>alert(1)</script>.js'], styles: [] },
        { path: '/empty', scripts: [], styles: [] },
        { nonsense: true },
      ]),
    );
    h = await sqliteHandle();
    app = await testApp(h.store, { staticDir: dir });
  });
  afterAll(async () => {
    await app.close();
    await h.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const links = (html: string) =>
    [...html.matchAll(/<link rel="(modulepreload|preload)"(?: as="(\w+)")?[^>]*href="([^"]+)"/g)].map((m) => `${m[1]}${m[2] ? ` ${m[2]}` : ''} ${m[3]}`);

  test('each route gets its view’s scripts (modulepreload, low priority) and styles (preload, not render-blocking) in the head', async () => {
    const home = await app.inject('/');
    expect([home.statusCode, home.headers['content-type'], home.headers['cache-control']]).toEqual([200, 'text/html; charset=utf-8', 'no-cache']);
    expect(links(home.body)).toEqual([
      'modulepreload /assets/HomeView-a1.js',
      'preload style /assets/HomeView-b2.css',
      'preload fetch /regions/huidong/region.json',
    ]);
    // The data in fetch() mode (crossorigin), or the browser fetches it twice; an unsafe name is dropped.
    expect(home.body).toMatch(
      /<link rel="modulepreload" fetchpriority="low" crossorigin href="\/assets\/HomeView-a1.js"><link rel="preload" as="style" crossorigin href="\/assets\/HomeView-b2.css"><link rel="preload" as="fetch" crossorigin href="\/regions\/huidong\/region.json"><\/head>/,
    );
    expect(home.body).not.toContain('<script>');
    // A static segment wins over a parameter only where the router says so: /events/new is its own route.
    expect(links((await app.inject('/events/new')).body)).toEqual(['modulepreload /assets/EventEditView-c3.js']);
    expect(links((await app.inject('/events/0190a000-0000-7000-8000-000000000000?x=1')).body)).toEqual(['modulepreload /assets/EventDetailView-d4.js']);
  });

  test('unsafe file names in the list are dropped; unknown paths and routes without files get index.html as built', async () => {
    const detail = (await app.inject('/events/abc')).body;
    expect(detail).not.toContain('<script>alert');
    expect((await app.inject('/nowhere/at/all')).body).toBe(page);
    expect((await app.inject('/empty')).body).toBe(page);
    expect((await app.inject({ method: 'HEAD', url: '/events/new' })).statusCode).toBe(200);
  });

  test('a build without route-preloads.json serves index.html as is', async () => {
    const bare = mkdtempSync(path.join(tmpdir(), 'kl-bare-'));
    writeFileSync(path.join(bare, 'index.html'), page);
    const plain = await testApp(h.store, { staticDir: bare });
    try {
      expect((await plain.inject('/events/new')).body).toBe(page);
      expect((await plain.inject('/')).body).toBe(page);
    } finally {
      await plain.close();
      rmSync(bare, { recursive: true, force: true });
    }
  });
});

describe('configuration', () => {
  test('defaults: port 8080 on 127.0.0.1, ./data, the huidong region, info logs, no DATABASE_URL', () => {
    const c = readConfig({});
    expect([c.port, c.host, c.dataDir, c.databaseUrl, c.logLevel, c.region, c.trustProxy]).toEqual([
      8080,
      '127.0.0.1',
      path.resolve('./data'),
      null,
      'info',
      'huidong',
      false,
    ]);
    expect(c.staticDir.endsWith(`${path.sep}dist`)).toBe(true);
  });

  test('environment variables override the defaults and bad values are refused', () => {
    const c = readConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      DATA_DIR: '/srv/kl',
      DATABASE_URL: 'postgres://x@y/z',
      LOG_LEVEL: 'WARN',
      STATIC_DIR: '/srv/www',
      REGION: 'boluo',
      TRUST_PROXY: '10.0.0.1',
      CSP_TILE_SOURCES: 'https://tiles.example.cn',
      CSP_CONNECT_SOURCES: 'https://sync.example.cn',
      SECRET_KEY: ' s'.padEnd(40, 'k'),
      SESSION_IDLE_DAYS: '14',
      SESSION_MAX_DAYS: '60',
    });
    expect(c).toEqual({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/srv/kl',
      databaseUrl: 'postgres://x@y/z',
      logLevel: 'warn',
      staticDir: '/srv/www',
      region: 'boluo',
      trustProxy: '10.0.0.1',
      cspTileSources: ['https://tiles.example.cn'],
      cspConnectSources: ['https://sync.example.cn'],
      secretKey: 's'.padEnd(39, 'k'),
      sessionIdleDays: 14,
      sessionMaxDays: 60,
      blobBudget: { orgBytes: 10_240 * 1024 * 1024, userDailyBytes: 64 * 1024 * 1024 },
      blobGraceDays: 7,
      logFormat: 'json',
      backupEveryHours: 24,
      backupKeep: 14,
      feedbackLimits: { perAddressMinute: 10, perAddressDay: 100, perCodeDay: 300, lookupsPerAddress: 30, duplicateMinutes: 10 },
    });
    expect(() => readConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => readConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  test('public feedback limits come from FEEDBACK_* variables; bad values are refused', () => {
    const c = readConfig({
      FEEDBACK_PER_ADDRESS_MINUTE: '20',
      FEEDBACK_PER_ADDRESS_DAY: '500',
      FEEDBACK_PER_CODE_DAY: '1000',
      FEEDBACK_LOOKUPS_PER_ADDRESS: '60',
    });
    expect(c.feedbackLimits).toEqual({ perAddressMinute: 20, perAddressDay: 500, perCodeDay: 1000, lookupsPerAddress: 60, duplicateMinutes: 10 });
    expect(() => readConfig({ FEEDBACK_PER_ADDRESS_MINUTE: '0' })).toThrow('FEEDBACK_PER_ADDRESS_MINUTE must be a number of at least 1, got "0"');
    expect(() => readConfig({ FEEDBACK_PER_CODE_DAY: 'many' })).toThrow(/FEEDBACK_PER_CODE_DAY/);
  });

  test('log format and the backup schedule come from LOG_FORMAT, BACKUP_EVERY_HOURS (0: off) and BACKUP_KEEP; bad values are refused', () => {
    const c = readConfig({ LOG_FORMAT: 'Pretty', BACKUP_EVERY_HOURS: '6', BACKUP_KEEP: '28' });
    expect([c.logFormat, c.backupEveryHours, c.backupKeep]).toEqual(['pretty', 6, 28]);
    expect(readConfig({ BACKUP_EVERY_HOURS: '0' }).backupEveryHours).toBe(0);
    expect(() => readConfig({ LOG_FORMAT: 'xml' })).toThrow('LOG_FORMAT must be json or pretty, got "xml"');
    expect(() => readConfig({ BACKUP_EVERY_HOURS: '-1' })).toThrow('BACKUP_EVERY_HOURS must be a number of at least 0, got "-1"');
    expect(() => readConfig({ BACKUP_KEEP: '0' })).toThrow('BACKUP_KEEP must be a number of at least 1, got "0"');
    expect(() => readConfig({ BACKUP_KEEP: '2.5' })).toThrow('BACKUP_KEEP must be a whole number of at least 1, got "2.5"');
  });

  test('photo budgets and the grace period of unnamed photos come from BLOB_* variables; bad values are refused', () => {
    const c = readConfig({ BLOB_ORG_QUOTA_MB: '2048', BLOB_USER_DAILY_MB: '0.5', BLOB_GRACE_DAYS: '14' });
    expect([c.blobBudget, c.blobGraceDays]).toEqual([{ orgBytes: 2048 * 1024 * 1024, userDailyBytes: 512 * 1024 }, 14]);
    expect(() => readConfig({ BLOB_ORG_QUOTA_MB: '0' })).toThrow('BLOB_ORG_QUOTA_MB must be a number above 0, got "0"');
    expect(() => readConfig({ BLOB_USER_DAILY_MB: 'lots' })).toThrow('BLOB_USER_DAILY_MB must be a number above 0, got "lots"');
    expect(() => readConfig({ BLOB_GRACE_DAYS: '0.5' })).toThrow('BLOB_GRACE_DAYS must be a number of at least 1, got "0.5"');
  });
});

describe('online SQLite backup', () => {
  test('a backup taken while pushes keep arriving is consistent and restores to a working server', async () => {
    const h = await sqliteHandle();
    const app = await testApp(h.store);
    const acc = await seedAccounts(app);
    const client = newId();
    let seq = 0;
    const pushSome = async (n: number) => {
      for (let i = 0; i < n; i++) await push(app, acc.volA, client, [putEvent(++seq, newId(), eventFields())]);
    };
    await pushSome(20);
    const store = h.store as SqliteStore;
    const file = store.db.name;
    const out = path.join(path.dirname(file), 'backups', 'copy.sqlite');
    const [result] = await Promise.all([backupSqlite(file, out), pushSome(20)]);
    expect(result.integrity).toBe('ok');
    expect(result.events).toBeGreaterThanOrEqual(20);
    expect(result.events).toBeLessThanOrEqual(40);
    await expect(backupSqlite(file, out)).rejects.toThrow(/refusing to overwrite/);

    const raw = new Database(out, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('delete');
    raw.close();
    expect(existsSync(`${out}-wal`)).toBe(false);

    // Restore: a server over the copy has every event of the snapshot, revs without gaps.
    const restored = new SqliteStore({ file: out });
    await restored.migrate();
    const app2 = await testApp(restored);
    const login = await app2.inject({ method: 'POST', url: '/api/login', payload: { username: acc.staff.username, password: acc.staff.password } });
    expect(login.statusCode).toBe(200);
    const pulled = await app2.inject({ url: '/api/sync/pull?cursor=0&limit=100', headers: { authorization: `Bearer ${login.json().token}` } });
    const revs = pulled.json<{ rows: { row: { rev: number } }[] }>().rows.map((r) => r.row.rev);
    expect(revs).toEqual(Array.from({ length: result.events }, (_, i) => i + 1));
    await app2.close();
    await restored.close();
    await app.close();
    await h.cleanup();
  });
});
