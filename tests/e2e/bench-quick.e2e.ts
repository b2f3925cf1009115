/**
 * The bench scripts (tests/bench, `npm run bench`) run here in quick mode — small N, one run — so
 * they cannot rot: the run must finish, exit 0 and print every row of the table. The figures of a
 * quick run mean nothing and are not asserted (issue 6: figures are reported, not tested).
 * Needs the built app (dist/, dist-server/) and Chromium, like the other e2e tests.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROWS, QUICK_SIZES, figureName } from '../bench/rows.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function runQuickBench(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['tests/bench/run.mjs', '--quick'], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run bench in quick mode', () => {
  it('finishes with exit code 0, prints every figure of the table and writes it as JSON', async () => {
    const r = await runQuickBench();
    if (r.code !== 0) console.error(r.stderr.slice(-6000));
    expect(r.code).toBe(0);
    const missing = ROWS.map((row) => figureName(row, QUICK_SIZES)).filter((name) => !r.stdout.includes(`| ${name} `));
    expect(missing).toEqual([]);
    expect(r.stdout).toMatch(/machine: .+, \d+ cores, [\d.]+ GiB RAM, .+, Node v\d+\.\d+\.\d+, Chromium \d+/);
    const json = JSON.parse(readFileSync(`${ROOT}/test-artifacts/bench/latest-quick.json`, 'utf8')) as { rows: { id: string; note: string }[] };
    expect(json.rows.map((x) => x.id)).toEqual(ROWS.map((x) => x.id));
    const errors = json.rows.filter((x) => x.note.startsWith('ERROR'));
    expect(errors).toEqual([]);
  }, 300_000);
});
