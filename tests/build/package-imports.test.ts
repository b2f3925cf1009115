/**
 * The packager lists the npm packages the compiled server imports (src/deploy/package.mjs
 * serverImports): import statements, dynamic imports and requires — never a string 'from' in code
 * (the 满意度 query builder's `p.set('from', String(f.monthFrom))` was read as an import of
 * ", String(f.monthFrom));…" and stopped `npm run package`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
// @ts-expect-error -- a plain .mjs script without types
import { serverImports } from '../../src/deploy/package.mjs';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('serverImports', () => {
  test('finds packages, skips relative and node: imports and strings that read like import', () => {
    dir = mkdtempSync(join(tmpdir(), 'kl-pkg-'));
    writeFileSync(
      join(dir, 'a.js'),
      [
        "import Fastify from 'fastify';",
        "import { x } from './x.js';",
        "import { readFileSync } from 'node:fs';",
        "const pg = await import('pg');",
        "const b = require('@fastify/static/lib');",
        'const p = new URLSearchParams();',
        "p.set('from', String(f.monthFrom));",
        "if (f.monthTo !== undefined) p.set('to', String(f.monthTo));",
      ].join('\n'),
    );
    expect(serverImports(dir)).toEqual(['@fastify/static', 'fastify', 'pg']);
  });
});
