#!/usr/bin/env node
/**
 * `npm run package` (after `npm run build`): the release archive an operator unpacks on a Linux
 * server that has Node.js and nothing else — no npm, no compiler, no internet.
 *
 *   dist-release/kepu-ledger-<version>-<os>-<arch>-node<major>.tar.gz  (+ .sha256)
 *
 * Inside, one folder `kepu-ledger-<version>/` laid out like the repository, so every path and
 * command of the docs holds in both: `dist/` (the built PWA), `dist-server/` (the compiled server,
 * with its SQL migrations beside the store), `node_modules/` (the server's runtime packages only),
 * `package.json` (start/backup/restore/logs scripts), `deploy/` (systemd unit, environment file,
 * Caddy, nginx, Dockerfile, compose.yaml), README.md (the deployment guide), LICENSE, CHANGELOG.md
 * and RELEASE.json (what was built, from which commit, for which platform).
 *
 * The runtime packages are what the compiled server imports, read from its files (so the list
 * cannot drift from the code), at the versions the root lock file pins, installed with
 * `npm install --omit=dev --ignore-scripts` in a staging folder: no dev or bench package can enter.
 * better-sqlite3's native module is platform-specific: the one `npm ci` built for this machine is
 * copied in (or, failing that, rebuilt in the staging folder), so the archive is for this OS, CPU,
 * Node major version (its ABI) and glibc or newer — all named in RELEASE.json and the file name.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = path.join(ROOT, 'dist-release');
/** Packages that must never be in the release, whatever the lock file says (bench and test tools). */
const FORBIDDEN = ['pouchdb', 'express-pouchdb', 'pouchdb-adapter-memory', 'lighthouse', 'exceljs', 'vite', 'vitest', 'playwright-core', 'typescript', 'vue-tsc', 'happy-dom'];

const log = (msg) => process.stdout.write(`${msg}\n`);
const fail = (msg) => {
  process.stderr.write(`package: ${msg}\n`);
  process.exit(1);
};

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** The npm packages the compiled server imports (bare specifiers, `node:` excluded). */
export function serverImports(distServer) {
  const names = new Set();
  // A specifier has no space, comma or parenthesis: so `p.set('from', String(x))` (the string
  // 'from' followed by a quote) is no import.
  const spec = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)['"]([^'"\s,()]+)['"]/g;
  for (const file of walk(distServer).filter((f) => f.endsWith('.js'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(spec)) {
      const s = m[1];
      if (s.startsWith('.') || s.startsWith('/') || s.startsWith('node:')) continue;
      names.add(s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]);
    }
  }
  return [...names].sort();
}

/** The newest GLIBC_x.y symbol version a native module asks for. */
function glibcNeeded(file) {
  const text = readFileSync(file).toString('latin1');
  let best = null;
  for (const m of text.matchAll(/GLIBC_(\d+)\.(\d+)/g)) {
    const v = [Number(m[1]), Number(m[2])];
    if (!best || v[0] > best[0] || (v[0] === best[0] && v[1] > best[1])) best = v;
  }
  return best ? best.join('.') : null;
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function main() {
  const rootPkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  for (const need of ['dist/index.html', 'dist/sw.js', 'dist-server/server/main.js']) {
    if (!existsSync(path.join(ROOT, need))) fail(`${need} is missing: run \`npm run build\` first (npm run package does)`);
  }
  const nodeMajor = process.versions.node.split('.')[0];
  const platform = `${process.platform}-${process.arch}`;
  const name = `kepu-ledger-${rootPkg.version}`;
  const archiveName = `${name}-${platform}-node${nodeMajor}.tar.gz`;
  const stage = path.join(OUT, 'stage');
  const top = path.join(stage, name);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(top, { recursive: true });

  // The built app and server; the migrations go next to the compiled store (store/migrations.ts looks there first).
  cpSync(path.join(ROOT, 'dist'), path.join(top, 'dist'), { recursive: true });
  cpSync(path.join(ROOT, 'dist-server'), path.join(top, 'dist-server'), { recursive: true });
  cpSync(path.join(ROOT, 'src/server/store/migrations'), path.join(top, 'dist-server/server/store/migrations'), { recursive: true });

  // Runtime packages: exactly what the server imports, at the root's pinned versions.
  const imports = serverImports(path.join(top, 'dist-server'));
  const missing = imports.filter((n) => !rootPkg.dependencies?.[n]);
  if (missing.length) fail(`the server imports ${missing.join(', ')}, which package.json does not list under dependencies`);
  const pkg = {
    name: rootPkg.name,
    version: rootPkg.version,
    description: rootPkg.description,
    license: rootPkg.license,
    private: true,
    type: 'module',
    engines: rootPkg.engines,
    scripts: {
      start: 'node dist-server/server/main.js',
      backup: 'node dist-server/server/backup.js',
      restore: 'node dist-server/server/restore.js',
      logs: 'node dist-server/server/log-format.js',
    },
    dependencies: Object.fromEntries(imports.map((n) => [n, rootPkg.dependencies[n]])),
  };
  writeFileSync(path.join(top, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  cpSync(path.join(ROOT, 'package-lock.json'), path.join(top, 'package-lock.json'));
  log(`installing ${imports.length} runtime packages (${imports.join(', ')}) from the lock file…`);
  // Fresh npm settings: the parent `npm run` must not pass its own (e.g. a dev-only omit) down.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  execFileSync('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: top, env, stdio: 'inherit' });

  // better-sqlite3's native module: the one built for this machine by the repository's install.
  const bsq = path.join(top, 'node_modules/better-sqlite3');
  const staged = JSON.parse(readFileSync(path.join(bsq, 'package.json'), 'utf8')).version;
  const built = path.join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
  const builtVersion = existsSync(built) ? JSON.parse(readFileSync(path.join(ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8')).version : null;
  if (builtVersion === staged) {
    mkdirSync(path.join(bsq, 'build/Release'), { recursive: true });
    cpSync(built, path.join(bsq, 'build/Release/better_sqlite3.node'));
  } else {
    log(`building better-sqlite3 ${staged} for this machine (the repository has ${builtVersion ?? 'none'})…`);
    execFileSync('npm', ['rebuild', 'better-sqlite3', '--foreground-scripts'], { cwd: top, env, stdio: 'inherit' });
    for (const extra of ['obj', 'obj.target', 'sqlite3.a', 'test_extension.node', 'deps', '.deps', 'Makefile']) rmSync(path.join(bsq, 'build/Release', extra), { recursive: true, force: true });
  }
  // The C sources are for building, which the target machine does not do.
  for (const src of ['deps', 'src']) rmSync(path.join(bsq, src), { recursive: true, force: true });
  const nativeFile = path.join(bsq, 'build/Release/better_sqlite3.node');
  execFileSync(process.execPath, ['-e', "const D=require('better-sqlite3');new D(':memory:').prepare('select 1').get()"], { cwd: top, stdio: 'inherit' });

  const lock = JSON.parse(readFileSync(path.join(top, 'package-lock.json'), 'utf8'));
  const installed = Object.keys(lock.packages).filter((k) => k.startsWith('node_modules/'));
  const present = installed.filter((k) => existsSync(path.join(top, k)));
  const forbidden = present.filter((k) => FORBIDDEN.includes(k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length)));
  if (forbidden.length) fail(`dev or bench packages in the release: ${forbidden.join(', ')}`);
  if (present.some((k) => lock.packages[k].dev)) fail('a dev package was installed');

  // The operator's files.
  cpSync(path.join(ROOT, 'src/deploy/README.md'), path.join(top, 'README.md'));
  for (const f of ['LICENSE', 'CHANGELOG.md']) cpSync(path.join(ROOT, f), path.join(top, f));
  mkdirSync(path.join(top, 'deploy'));
  for (const f of ['kepu-ledger.service', 'kepu-ledger.env', 'Caddyfile', 'nginx.conf', 'Dockerfile', 'compose.yaml']) cpSync(path.join(ROOT, 'src/deploy', f), path.join(top, 'deploy', f));

  let commit = 'unknown';
  let commitTime = Math.floor(Date.now() / 1000);
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT }).toString().trim();
    commitTime = Number(execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: ROOT }).toString().trim());
    if (execFileSync('git', ['status', '--porcelain', '--', 'src', 'public', 'index.html', 'package.json', 'package-lock.json'], { cwd: ROOT }).toString().trim()) commit += '-dirty';
  } catch {
    // Not a git checkout (e.g. an unpacked source archive): the commit stays unknown.
  }
  const release = {
    name: rootPkg.name,
    version: rootPkg.version,
    commit,
    builtAt: new Date().toISOString(),
    platform: { os: process.platform, arch: process.arch, node: `${nodeMajor}.x (ABI ${process.versions.modules}), ${rootPkg.engines.node}`, libc: 'glibc', glibcAtLeast: glibcNeeded(nativeFile) },
    builtWith: { node: process.versions.node },
    runtimePackages: present.length,
    directDependencies: pkg.dependencies,
    entry: 'node dist-server/server/main.js',
  };
  writeFileSync(path.join(top, 'RELEASE.json'), `${JSON.stringify(release, null, 2)}\n`);

  // A reproducible archive: sorted names, no owners, the commit's time on every file.
  const archive = path.join(OUT, archiveName);
  rmSync(archive, { force: true });
  execFileSync('sh', ['-c', 'tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$1" -C "$2" -cf - "$3" | gzip -9n > "$4"', 'sh', String(commitTime), stage, name, archive]);
  writeFileSync(`${archive}.sha256`, `${sha256(archive)}  ${archiveName}\n`);
  rmSync(stage, { recursive: true, force: true });
  const mb = (statSync(archive).size / 1024 / 1024).toFixed(1);
  log(`${path.relative(ROOT, archive)}: ${mb} MiB, ${present.length} runtime packages, for ${platform} Node ${nodeMajor} glibc ≥ ${release.platform.glibcAtLeast}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
