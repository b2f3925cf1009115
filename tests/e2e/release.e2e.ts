/**
 * The release archive on a "clean machine": unpacked into an empty folder, started with only
 * `node` on the PATH (no npm, no compiler, no node_modules above it), it serves the app and the
 * API; the operator's commands of the deployment guide work from it (`node --env-file=… backup.js`,
 * `restore.js`, the log formatter over the JSON log); the systemd unit passes systemd's checks.
 * Writes the release's figures to test-artifacts/release/figures.json (archive size, install to
 * serving, idle RSS, packages).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, freePort } from './harness';
import { gradientPng } from './png';
import { call, cleanEnv, eventFields, releaseArchive, runReleaseCommand, setUpAssociation, startRelease, unpackRelease, type ReleaseServer } from './release';

const figures: Record<string, unknown> = {};
const cleanup: (() => Promise<void> | void)[] = [];
let server: ReleaseServer | null = null;
let top = '';
let dataDir = '';
let env: NodeJS.ProcessEnv = {};
let tokens: { admin: string; staff: string; volunteer: string };
let photoHash = '';
const clientId = '0a6f1b2c-3d4e-4f50-8a9b-0c1d2e3f4a5b';

function du(path: string): number {
  return Number(execFileSync('du', ['-sb', path]).toString().split('\t')[0]);
}

afterAll(async () => {
  await server?.stop();
  for (const c of cleanup.reverse()) await c();
  const dir = join(ROOT, 'test-artifacts', 'release');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
  console.log('release figures', figures);
});

describe('the release archive on a machine with only Node.js', () => {
  it('unpacks into an empty folder and serves the app and the API, with only node on the PATH', async () => {
    const archive = releaseArchive();
    const sum = readFileSync(`${archive}.sha256`, 'utf8').split(' ')[0];
    expect(createHash('sha256').update(readFileSync(archive)).digest('hex')).toBe(sum);
    const into = mkdtempSync(join(tmpdir(), 'kl-release-'));
    cleanup.push(() => rmSync(into, { recursive: true, force: true }));
    // Nothing above the folder that Node's module resolution could fall back on.
    for (let d = into; d !== dirname(d); d = dirname(d)) expect(existsSync(join(d, 'node_modules')), `${d}/node_modules`).toBe(false);
    dataDir = join(into, 'data');
    const port = await freePort();
    env = cleanEnv({ PORT: String(port), DATA_DIR: dataDir });
    expect(readdirSync(env.PATH!)).toEqual(['node']);

    const t0 = performance.now();
    top = unpackRelease(into);
    server = await startRelease(top, env, [`--env-file=${join(top, 'deploy', 'kepu-ledger.env')}`]);
    figures.installToServingMs = Math.round(performance.now() - t0);

    expect(readdirSync(top).sort()).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'RELEASE.json',
      'deploy',
      'dist',
      'dist-server',
      'node_modules',
      'package-lock.json',
      'package.json',
    ]);
    expect(readdirSync(join(top, 'deploy')).sort()).toEqual([
      'Caddyfile',
      'Dockerfile',
      'compose.yaml',
      'kepu-ledger.env',
      'kepu-ledger.service',
      'nginx.conf',
    ]);
    const release = JSON.parse(readFileSync(join(top, 'RELEASE.json'), 'utf8')) as {
      version: string;
      runtimePackages: number;
      platform: { os: string; arch: string };
    };
    expect([release.version, release.platform.os, release.platform.arch]).toEqual([
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
      process.platform,
      process.arch,
    ]);
    // Runtime packages only: no bench, test or build tool, no front-end library (the PWA is built).
    const lock = JSON.parse(readFileSync(join(top, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const installed = Object.keys(lock.packages).filter((k) => k.startsWith('node_modules/') && existsSync(join(top, k)));
    expect(installed.length).toBe(release.runtimePackages);
    const names = new Set(installed.map((k) => k.slice(k.lastIndexOf('node_modules/') + 13)));
    for (const banned of [
      'pouchdb',
      'express-pouchdb',
      'lighthouse',
      'vite',
      'vitest',
      'playwright-core',
      'typescript',
      'vue',
      'vant',
      '@cj-tech-master/excelts',
      'docx',
      'leaflet',
    ]) {
      expect(names.has(banned), banned).toBe(false);
    }
    figures.archiveBytes = statSync(releaseArchive()).size;
    figures.unpackedBytes = du(top);
    figures.nodeModulesBytes = du(join(top, 'node_modules'));
    figures.runtimePackages = installed.length;

    // The app, its service worker and the API, from the release's own folders.
    const index = await fetch(`${server.url}/`);
    expect([index.status, (await index.text()).includes('<div id="app">')]).toEqual([200, true]);
    const sw = await fetch(`${server.url}/sw.js`);
    expect([sw.status, sw.headers.get('cache-control')]).toEqual([200, 'no-cache']);
    const ready = await call<{ status: string; store: string; backups: { everyHours: number; keep: number; last: { ok: boolean } | null } }>(
      server.url,
      'GET',
      '/api/ready',
      null,
    );
    expect([ready.status, ready.body.status, ready.body.store, ready.body.backups.everyHours, ready.body.backups.keep]).toEqual([
      200,
      'ready',
      'sqlite',
      24,
      14,
    ]);
    // The first start made the first scheduled copy.
    expect(readdirSync(join(dataDir, 'backups')).filter((f) => f.startsWith('auto-'))).toHaveLength(1);
    expect(server.setupCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  });

  it('a volunteer pushes an event with a photo and pulls it back; the idle server’s memory is measured', async () => {
    tokens = await setUpAssociation(server!.url, server!.setupCode!);
    const png = gradientPng(640, 480, 7);
    photoHash = createHash('sha256').update(png).digest('hex');
    const up = await fetch(`${server!.url}/api/blobs/${photoHash}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tokens.volunteer}`, 'content-type': 'image/png' },
      body: new Uint8Array(png),
    });
    expect(up.status).toBe(201);
    const id = '0190a6c2-7d1e-7b3a-9f00-000000000001';
    const push = await call<{ results: { status: string }[] }>(server!.url, 'POST', '/api/sync/push', tokens.volunteer, {
      v: 1,
      clientId,
      mutations: [
        { entity: 'event', op: 'put', seq: 1, eventId: id, fields: eventFields('大篷车进平山中心小学', [photoHash]), at: '2026-03-05T12:00:00+08:00' },
      ],
    });
    expect([push.status, push.body.results.map((r) => r.status)]).toEqual([200, ['applied']]);
    const pull = await call<{ rows: { row: { id: string; title: string; photos: string[] } }[] }>(server!.url, 'GET', '/api/sync/pull?cursor=0', tokens.staff);
    expect(pull.body.rows.map((r) => [r.row.id, r.row.title, r.row.photos])).toEqual([[id, '大篷车进平山中心小学', [photoHash]]]);

    await new Promise((r) => setTimeout(r, 2000));
    const status = readFileSync(`/proc/${server!.child.pid}/status`, 'utf8');
    figures.idleRssKiB = Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]);
  });

  it('the operator’s backup and restore commands work from the release, with the environment file', () => {
    const envFile = `--env-file=${join(top, 'deploy', 'kepu-ledger.env')}`;
    const backup = runReleaseCommand(top, env, 'backup', [], [envFile]);
    expect(backup.status).toBe(0);
    const made = JSON.parse(backup.stdout) as { file: string; events: number; blobs: number; integrity: string };
    expect([dirname(made.file), made.events, made.blobs, made.integrity]).toEqual([join(dataDir, 'backups'), 1, 1, 'ok']);
    // Restore refuses while the server runs.
    const early = runReleaseCommand(top, env, 'restore', [made.file], [envFile]);
    expect([early.status, early.stderr]).toEqual([2, `a server answers on 127.0.0.1:${env.PORT}: stop it first (SIGTERM), then restore.\n`]);
    figures.backupFile = made.file.slice(dataDir.length + 1);
  });

  it('after a restore the ledger has a new epoch, and phones that synced before are told so', async () => {
    const before = await call<{ epoch: string }>(server!.url, 'GET', '/api/sync/pull?cursor=0', tokens.volunteer);
    await server!.stop();
    const backups = readdirSync(join(dataDir, 'backups')).filter((f) => f.startsWith('ledger-'));
    expect(backups).toHaveLength(1);
    const restore = runReleaseCommand(top, env, 'restore', [join(dataDir, 'backups', backups[0]!)], [`--env-file=${join(top, 'deploy', 'kepu-ledger.env')}`]);
    expect(restore.status).toBe(0);
    const result = JSON.parse(restore.stdout) as { epoch: string; previousEpoch: string; movedAside: string };
    expect(result.epoch).not.toBe(before.body.epoch);
    expect(existsSync(join(result.movedAside, 'ledger.sqlite'))).toBe(true);
    server = await startRelease(top, env, [`--env-file=${join(top, 'deploy', 'kepu-ledger.env')}`]);
    const stale = await call<{ error: string; epoch: string }>(server.url, 'GET', `/api/sync/pull?cursor=1&epoch=${before.body.epoch}`, tokens.volunteer);
    expect([stale.status, stale.body]).toEqual([
      409,
      {
        error: 'epochChanged',
        message: 'The ledger was restored from a backup: send back what this phone holds (POST /api/sync/recover), then pull from 0.',
        epoch: result.epoch,
      },
    ]);
    const blob = await fetch(`${server.url}/api/blobs/${photoHash}`, { headers: { authorization: `Bearer ${tokens.staff}` } });
    expect(
      createHash('sha256')
        .update(Buffer.from(await blob.arrayBuffer()))
        .digest('hex'),
    ).toBe(photoHash);
  });

  it('logs JSON lines, which the release’s formatter turns into lines for people', () => {
    const json = server!
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    const starting = JSON.parse(json.find((l) => l.includes('"msg":"starting"'))!) as Record<string, unknown>;
    expect([typeof starting.time, starting.version, starting.store, starting.backups]).toEqual([
      'string',
      JSON.parse(readFileSync(join(top, 'package.json'), 'utf8')).version,
      'sqlite',
      { everyHours: 24, keep: 14 },
    ]);
    const pretty = execFileSync(process.execPath, ['dist-server/server/log-format.js'], { cwd: top, env, input: `${json.join('\n')}\n` })
      .toString()
      .split('\n');
    expect(pretty.find((l) => / INFO {2}starting · /.test(l))).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}starting · version=\S+ store=sqlite dataDir=\S+ region=huidong townships=16 staticDir=\S+ backups=\{"everyHours":24,"keep":14\}$/,
    );
  });

  it('runs as an unprivileged user with the unit’s umask, and everything it writes is private to that user', async () => {
    // As the systemd unit runs it: another user (here nobody), UMask=0077, its own data folder.
    const into = mkdtempSync(join(tmpdir(), 'kl-release-user-'));
    cleanup.push(() => rmSync(into, { recursive: true, force: true }));
    execFileSync('chmod', ['755', into]);
    const own = unpackRelease(into);
    const data = join(into, 'data');
    mkdirSync(data, { mode: 0o700 });
    execFileSync('chown', ['nobody:nogroup', data]);
    const port = await freePort();
    const userEnv = cleanEnv({ PORT: String(port), DATA_DIR: data });
    execFileSync('chmod', ['755', userEnv.HOME!, userEnv.PATH!]);
    const child = spawn(
      '/usr/bin/setpriv',
      ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '/bin/sh', '-c', 'umask 077 && exec node dist-server/server/main.js'],
      { cwd: own, env: userEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    cleanup.push(() => void child.kill('SIGTERM'));
    for (
      let i = 0;
      i < 200 &&
      !(await fetch(`http://127.0.0.1:${port}/api/ready`).then(
        (r) => r.ok,
        () => false,
      ));
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
    expect(
      await fetch(`http://127.0.0.1:${port}/api/ready`).then(
        (r) => r.status,
        () => out,
      ),
    ).toBe(200);
    const modes = execFileSync('find', [data, '-printf', '%u %m %P\n']).toString().trim().split('\n').sort();
    expect(modes.map((l) => l.replace(/\d{8}T\d{6}Z/, '<time>'))).toEqual(
      [
        'nobody 600 backups/auto-<time>.sqlite',
        'nobody 600 ledger.sqlite',
        'nobody 600 ledger.sqlite-shm',
        'nobody 600 ledger.sqlite-wal',
        'nobody 600 secret.key',
        'nobody 700 ',
        'nobody 700 backups',
      ].sort(),
    );
    await new Promise((done) => {
      child.once('exit', done);
      child.kill('SIGTERM');
    });
  });

  it('the systemd unit passes systemd-analyze verify and its sandbox rates OK (exposure ≤ 2)', () => {
    const unit = join(top, 'deploy', 'kepu-ledger.service');
    const verify = execFileSync('sh', ['-c', 'systemd-analyze verify "$1" 2>&1', 'sh', unit]).toString();
    expect(verify).toBe('');
    const security = execFileSync('systemd-analyze', ['security', '--offline=yes', unit]).toString();
    const exposure = Number(/Overall exposure level for kepu-ledger\.service: ([\d.]+)/.exec(security)![1]);
    expect(exposure).toBeLessThanOrEqual(2);
    figures.systemdExposure = exposure;
  });
});
