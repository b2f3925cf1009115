#!/usr/bin/env node
/**
 * `npm run bench:deps`: installs tests/bench's own packages — the peer (PouchDB, express-pouchdb
 * on LevelDB), Lighthouse and the XLSX libraries the report bench compares — with
 * `npm ci` in tests/bench, from tests/bench/package-lock.json. The root `npm ci` installs none of
 * them: they are ~600 packages with a native LevelDB that only the benchmarks and
 * tests/e2e/lighthouse.e2e.ts use. Skips the install when tests/bench/node_modules already holds
 * exactly what the lock file lists, so `npm run bench` and `npm run test:e2e` can call it every time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const lock = JSON.parse(readFileSync(join(BENCH, 'package-lock.json'), 'utf8'));
const hiddenPath = join(BENCH, 'node_modules/.package-lock.json');

/** Whether node_modules holds every package of the lock file at its locked version. */
function upToDate() {
  if (!existsSync(hiddenPath)) return false;
  const installed = JSON.parse(readFileSync(hiddenPath, 'utf8')).packages ?? {};
  return Object.entries(lock.packages).every(([key, p]) => key === '' || p.optional || installed[key]?.version === p.version);
}

if (upToDate()) {
  process.stdout.write('bench:deps: tests/bench/node_modules is up to date\n');
} else {
  process.stdout.write('bench:deps: npm ci in tests/bench …\n');
  // Fresh npm settings: the parent `npm run` (e.g. `npm test`) must not pass its own down.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: BENCH, env, stdio: 'inherit' });
}
