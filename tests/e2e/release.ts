/**
 * The packaged release for the browser and deployment tests: the archive `npm run package` wrote
 * (`KL_RELEASE` to test another), unpacked into an empty folder and started the way the
 * deployment guide starts it — `node dist-server/server/main.js` from the unpacked folder, with
 * only `node` on the PATH and a HOME of its own, so nothing of the repository (its node_modules,
 * its npm) can help.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';
import { ROOT } from './harness';

/** Folders cleanEnv made for the test file that imports this module, removed when it ends. */
const madeForEnv: string[] = [];
afterAll(() => {
  for (const d of madeForEnv.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The archive under test. */
export function releaseArchive(): string {
  if (process.env.KL_RELEASE) return resolve(process.env.KL_RELEASE);
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const file = join(ROOT, 'dist-release', `kepu-ledger-${version}-${process.platform}-${process.arch}-node${process.versions.node.split('.')[0]}.tar.gz`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run package\` first (npm test does)`);
  return file;
}

/** Unpacks the archive into `into` (a fresh temp folder by default); answers the release's folder. */
export function unpackRelease(into = mkdtempSync(join(tmpdir(), 'kl-release-'))): string {
  execFileSync('tar', ['-xzf', releaseArchive(), '-C', into]);
  const [top, ...rest] = readdirSync(into);
  if (!top || rest.length) throw new Error(`the archive should hold one folder, found ${readdirSync(into).join(', ')}`);
  return join(into, top);
}

/** A folder holding nothing but a `node` link: the PATH of a machine with only Node.js. */
export function nodeOnlyPath(): string {
  const bin = mkdtempSync(join(tmpdir(), 'kl-node-only-'));
  madeForEnv.push(bin);
  symlinkSync(process.execPath, join(bin, 'node'));
  return bin;
}

/** The environment of a clean machine: only node on the PATH, an empty HOME, no npm or NODE_* settings. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'kl-home-'));
  madeForEnv.push(home);
  return { PATH: nodeOnlyPath(), HOME: home, LANG: 'C.UTF-8', ...extra };
}

/** A running release server and everything it printed. */
export interface ReleaseServer {
  readonly child: ChildProcess;
  readonly url: string;
  readonly setupCode: string | null;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node [nodeArgs] dist-server/server/main.js` in `top` with `env`, and resolves once
 * `readyPath` answers 200 (and, on a fresh ledger, the setup code has been printed). Also starts
 * the previous release (`readyPath` /api/health: it had no /api/ready).
 */
export function startRelease(top: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = [], readyPath = '/api/ready'): Promise<ReleaseServer> {
  const port = Number(env.PORT);
  const url = `http://127.0.0.1:${port}`;
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [...nodeArgs, 'dist-server/server/main.js'], { cwd: top, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (c) => fail(new Error(`the release exited (${c}) before it was ready:\n${out}`)));
    const server: Omit<ReleaseServer, 'setupCode'> = {
      child,
      url,
      output: () => out,
      stop: () =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
        }),
    };
    const deadline = Date.now() + 30_000;
    const poll = async () => {
      try {
        const res = await fetch(`${url}${readyPath}`);
        const health = (await (await fetch(`${url}/api/health`)).json()) as { setupNeeded: boolean };
        const code = /One-time setup code: ([A-Z0-9-]+)/.exec(out)?.[1] ?? null;
        if (res.ok && (!health.setupNeeded || code)) {
          child.removeAllListeners('exit');
          ok({ ...server, setupCode: code });
          return;
        }
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) fail(new Error(`the release did not become ready:\n${out}`));
      else setTimeout(() => void poll(), 100);
    };
    void poll();
  });
}

/** Runs one of the release's commands (`node dist-server/server/<script>.js args`) to its end. */
export function runReleaseCommand(
  top: string,
  env: NodeJS.ProcessEnv,
  script: string,
  args: string[] = [],
  nodeArgs: string[] = [],
): { status: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [...nodeArgs, `dist-server/server/${script}.js`, ...args], {
      cwd: top,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    const err = e as { status: number | null; stdout: Buffer; stderr: Buffer };
    return { status: err.status ?? -1, stdout: err.stdout.toString(), stderr: err.stderr.toString() };
  }
}

/** A JSON call as an operator's script makes it; answers status and body. */
export async function call<T = unknown>(
  base: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

export const PASSWORD = 'kepu-ledger-2026';
export const PINGSHAN = '441323001000';

/** An event's fields as a phone pushes them (the PWA's form fills the same). */
export function eventFields(title: string, photos: string[] = []): Record<string, unknown> {
  return {
    title,
    notes: '',
    startAt: '2026-03-05T09:30:00+08:00',
    endAt: '2026-03-05T11:30:00+08:00',
    format: 'caravan',
    venue: 'school',
    campaign: null,
    themes: [],
    townshipCode: PINGSHAN,
    villageCode: null,
    venueName: '平山中心小学',
    point: null,
    attendance: 150,
    onlineAttendance: null,
    audience: [],
    materials: [],
    volunteers: [],
    volunteerCount: null,
    partners: [],
    distanceKm: null,
    photos,
  };
}

/** Sets the association up with the printed code; the admin adds a staff member and a volunteer. Answers their tokens. */
export async function setUpAssociation(base: string, setupCode: string): Promise<{ admin: string; staff: string; volunteer: string }> {
  const setup = await call<{ token: string }>(base, 'POST', '/api/setup', null, {
    code: setupCode,
    orgName: '惠东县科协',
    adminName: '管理员',
    username: 'admin',
    password: PASSWORD,
  });
  if (setup.status !== 201) throw new Error(`setup: ${setup.status} ${JSON.stringify(setup.body)}`);
  for (const [role, name, username] of [
    ['staff', '王干事', 'wang'],
    ['volunteer', '张志愿', 'zhang'],
  ]) {
    const r = await call(base, 'POST', '/api/users', setup.body.token, { role, name, username, password: PASSWORD });
    if (r.status !== 201) throw new Error(`create ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const login = async (username: string) => (await call<{ token: string }>(base, 'POST', '/api/login', null, { username, password: PASSWORD })).body.token;
  return { admin: setup.body.token, staff: await login('wang'), volunteer: await login('zhang') };
}
