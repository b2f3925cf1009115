/**
 * The release as an OCI image (deploy/Dockerfile, deploy/compose.yaml), built and run with Podman.
 *
 * This machine reaches no container registry, so the base image is a stand-in made here: this
 * machine's Node.js (the same 20.x as the official `node:20-bookworm-slim`, on Debian 12's glibc)
 * with the few tools the Dockerfile's RUN line uses and a `node` user of uid 1000, as in the
 * official image. The Dockerfile is built exactly as shipped, with `--build-arg NODE_IMAGE=` the
 * stand-in. Podman runs with vfs storage, runc and cgroupfs, and ulimits the sandbox allows, set
 * through CONTAINERS_CONF / CONTAINERS_STORAGE_CONF files, so `podman` and `podman-compose` need
 * no flags (a normal machine needs none of these settings).
 *
 * Checked: the image serves the app and the API as the `node` user; the ledger lives in the
 * volume and survives a new container; `docker stop` (SIGTERM) shuts down cleanly; backup and
 * restore run inside; DATABASE_URL uses PostgreSQL; compose.yaml brings the same service up and down.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './harness';
import { call, eventFields, setUpAssociation, unpackRelease } from './release';

const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const BASE = 'localhost/kl-node-standin:20';
const IMAGE = 'localhost/kepu-ledger:test';

let work = '';
let top = '';
let env: NodeJS.ProcessEnv = {};
const containers: string[] = [];
const cleanup: (() => Promise<void> | void)[] = [];

function podman(args: string[], opts: { input?: string; timeout?: number } = {}): string {
  const r = spawnSync('podman', args, { env, encoding: 'utf8', input: opts.input, timeout: opts.timeout ?? 300_000 });
  if (r.status !== 0) throw new Error(`podman ${args.join(' ')} → ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}

/** A root filesystem holding this machine's node, sh, mkdir and chown with their libraries, and a `node` user. */
function standInRootfs(dir: string): void {
  const binaries = { [process.execPath]: '/usr/local/bin/node', '/bin/sh': '/bin/sh', '/bin/mkdir': '/bin/mkdir', '/bin/chown': '/bin/chown' };
  for (const [from, to] of Object.entries(binaries)) {
    const libs = execFileSync('ldd', [from]).toString().match(/\/\S+/g) ?? [];
    for (const f of [from, ...libs]) {
      const dest = join(dir, f === from ? to : f);
      mkdirSync(dirname(dest), { recursive: true });
      cpSync(execFileSync('readlink', ['-f', f]).toString().trim(), dest);
    }
  }
  mkdirSync(join(dir, 'etc'), { recursive: true });
  writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n');
  writeFileSync(join(dir, 'etc/group'), 'root:x:0:\nnode:x:1000:\n');
  mkdirSync(join(dir, 'tmp'), { recursive: true, mode: 0o1777 });
  mkdirSync(join(dir, 'home/node'), { recursive: true });
}

/** Waits until the container's /api/ready answers on `port`. */
async function waitReady(port: number, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/ready`)).ok) return;
    } catch {
      // Not up yet.
    }
    if (Date.now() > deadline) throw new Error(`${name} did not become ready:\n${podman(['logs', name])}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(() => {
  try {
    execFileSync('sh', ['-c', 'command -v podman && command -v podman-compose && command -v runc']);
  } catch {
    throw new Error('podman, podman-compose or runc is missing: apt-get install -y podman podman-compose runc (.ci/run does)');
  }
  work = mkdtempSync(join(tmpdir(), 'kl-oci-'));
  cleanup.push(() => rmSync(work, { recursive: true, force: true }));
  writeFileSync(join(work, 'storage.conf'), `[storage]\ndriver = "vfs"\ngraphroot = "${work}/storage"\nrunroot = "${work}/run"\n`);
  const nofile = execFileSync('sh', ['-c', 'ulimit -Hn']).toString().trim();
  writeFileSync(
    join(work, 'containers.conf'),
    `[containers]\ndefault_ulimits = ["nofile=${nofile}:${nofile}", "nproc=4096:4096"]\n\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n`,
  );
  env = { ...process.env, CONTAINERS_CONF: join(work, 'containers.conf'), CONTAINERS_STORAGE_CONF: join(work, 'storage.conf') };
  cleanup.push(() => {
    for (const c of containers) spawnSync('podman', ['rm', '-f', '-t', '0', c], { env });
    spawnSync('podman', ['volume', 'prune', '-f'], { env });
    // vfs layers are plain folders; remove them through podman so its own locks go too.
    spawnSync('podman', ['system', 'reset', '-f'], { env });
  });

  const rootfs = join(work, 'rootfs');
  standInRootfs(rootfs);
  execFileSync('tar', ['-C', rootfs, '-cf', join(work, 'rootfs.tar'), '.']);
  podman(['import', '--change', 'ENV PATH=/usr/local/bin:/usr/bin:/bin', join(work, 'rootfs.tar'), BASE]);
  top = unpackRelease();
  cleanup.push(() => rmSync(join(top, '..'), { recursive: true, force: true }));
  podman(['build', '--format', 'docker', '-f', join(top, 'deploy/Dockerfile'), '--build-arg', `NODE_IMAGE=${BASE}`, '-t', IMAGE, top], { timeout: 600_000 });
}, 900_000);

afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

describe('the release as an OCI image', () => {
  let port = 0;
  let tokens: { admin: string; staff: string; volunteer: string };

  it('serves the app and the API as the node user, the ledger in the volume', async () => {
    port = await freePort();
    containers.push('kl-app-1');
    podman(['run', '-d', '--name', 'kl-app-1', '-p', `127.0.0.1:${port}:8080`, '-v', 'kl-ledger:/var/lib/kepu-ledger', IMAGE]);
    await waitReady(port, 'kl-app-1');
    expect(podman(['exec', 'kl-app-1', 'node', '-e', 'console.log(process.getuid(), process.cwd())'])).toBe('1000 /opt/kepu-ledger');
    const index = await fetch(`http://127.0.0.1:${port}/`);
    expect([index.status, (await index.text()).includes('<div id="app">')]).toEqual([200, true]);
    const code = /One-time setup code: ([A-Z0-9-]+)/.exec(podman(['logs', 'kl-app-1']))![1]!;
    tokens = await setUpAssociation(`http://127.0.0.1:${port}`, code);
    const push = await call<{ results: { status: string }[] }>(`http://127.0.0.1:${port}`, 'POST', '/api/sync/push', tokens.volunteer, {
      v: 1,
      clientId: '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d',
      mutations: [
        {
          entity: 'event',
          op: 'put',
          seq: 1,
          eventId: '0190a6c2-7d1e-7b3a-9f00-0000000000c1',
          fields: eventFields('容器里的活动'),
          at: '2026-03-05T12:00:00+08:00',
        },
      ],
    });
    expect(push.body.results.map((r) => r.status)).toEqual(['applied']);
    const backup = JSON.parse(podman(['exec', 'kl-app-1', 'node', 'dist-server/server/backup.js'])) as { file: string; events: number; integrity: string };
    expect([backup.file.startsWith('/var/lib/kepu-ledger/backups/ledger-'), backup.events, backup.integrity]).toEqual([true, 1, 'ok']);
  });

  it('stops cleanly on SIGTERM; a restore runs in a container over the volume; a new container has the ledger', async () => {
    podman(['stop', '-t', '45', 'kl-app-1']);
    expect(podman(['inspect', '-f', '{{.State.ExitCode}}', 'kl-app-1'])).toBe('0');
    expect(podman(['logs', 'kl-app-1'])).toContain('"msg":"stopped"');
    // The guide's restore inside a container (compose run): over the same volume, the service stopped.
    const backups = podman([
      'run',
      '--rm',
      '-v',
      'kl-ledger:/var/lib/kepu-ledger',
      IMAGE,
      'node',
      '-e',
      "console.log(require('fs').readdirSync('/var/lib/kepu-ledger/backups').filter((f) => f.startsWith('ledger-')).join())",
    ]);
    const restored = JSON.parse(
      podman([
        'run',
        '--rm',
        '-v',
        'kl-ledger:/var/lib/kepu-ledger',
        IMAGE,
        'node',
        'dist-server/server/restore.js',
        `/var/lib/kepu-ledger/backups/${backups}`,
      ]),
    ) as { ledger: string; epoch: string; previousEpoch: string };
    expect(restored.ledger).toBe('/var/lib/kepu-ledger/ledger.sqlite');
    expect(restored.epoch).not.toBe(restored.previousEpoch);
    containers.push('kl-app-2');
    podman(['run', '-d', '--name', 'kl-app-2', '-p', `127.0.0.1:${port}:8080`, '-v', 'kl-ledger:/var/lib/kepu-ledger', IMAGE]);
    await waitReady(port, 'kl-app-2');
    const pull = await call<{ rows: { row: { title: string } }[] }>(`http://127.0.0.1:${port}`, 'GET', '/api/sync/pull?cursor=0', tokens.staff);
    expect(pull.body.rows.map((r) => r.row.title)).toEqual(['容器里的活动']);
    podman(['rm', '-f', '-t', '45', 'kl-app-2']);
  });

  it('uses PostgreSQL when DATABASE_URL is set', async () => {
    const name = `kl_oci_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    cleanup.push(async () => {
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    });
    const pgPort = await freePort();
    containers.push('kl-app-pg');
    // The host's PostgreSQL listens on its loopback: share the host's network for this run.
    podman([
      'run',
      '-d',
      '--name',
      'kl-app-pg',
      '--network',
      'host',
      '-e',
      `PORT=${pgPort}`,
      '-e',
      'HOST=127.0.0.1',
      '-e',
      `DATABASE_URL=${new URL(`/${name}`, TEST_PG_URL).href}`,
      IMAGE,
    ]);
    await waitReady(pgPort, 'kl-app-pg');
    const ready = await call<{ store: string; backups: unknown }>(`http://127.0.0.1:${pgPort}`, 'GET', '/api/ready', null);
    expect(ready.body).toEqual({ status: 'ready', store: 'postgres', backups: null });
    podman(['rm', '-f', '-t', '45', 'kl-app-pg']);
  });

  it('compose.yaml builds and runs the same service, and takes it down', async () => {
    const composePort = await freePort();
    const composeEnv = { ...env, KEPU_PORT: String(composePort), NODE_IMAGE: BASE };
    const compose = (args: string[]) => {
      const r = spawnSync('podman-compose', ['-f', join(top, 'deploy/compose.yaml'), ...args], { env: composeEnv, encoding: 'utf8', timeout: 600_000 });
      if (r.status !== 0) throw new Error(`podman-compose ${args.join(' ')} → ${r.status}\n${r.stdout}\n${r.stderr}`);
      return r.stdout;
    };
    cleanup.push(() => void spawnSync('podman-compose', ['-f', join(top, 'deploy/compose.yaml'), 'down', '-v'], { env: composeEnv }));
    compose(['build']);
    compose(['up', '-d']);
    const name = podman(['ps', '--filter', 'label=com.docker.compose.service=kepu-ledger', '--format', '{{.Names}}']);
    expect(name).toMatch(/kepu-ledger/);
    await waitReady(composePort, name);
    const ready = await call<{ store: string; backups: { everyHours: number; keep: number } }>(`http://127.0.0.1:${composePort}`, 'GET', '/api/ready', null);
    expect([ready.body.store, ready.body.backups.everyHours, ready.body.backups.keep]).toEqual(['sqlite', 24, 14]);
    expect(JSON.parse(podman(['inspect', '-f', '{{json .Config.Env}}', name])) as string[]).toContain('TRUST_PROXY=loopback,uniquelocal');
    compose(['down']);
    expect(podman(['ps', '-a', '--filter', 'label=com.docker.compose.service=kepu-ledger', '--format', '{{.Names}}'])).toBe('');
  });
});
