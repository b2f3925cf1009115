// @vitest-environment node
/**
 * Convergence under faults over the REAL server (see sim/simulation.ts). Runs SEEDS seeds
 * (default 500) in one process; SEED=n replays one seed (SIM_TRACE=1 prints every step and
 * request), SIM_STORE=postgres runs them over PostgreSQL, and a failure prints its seed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealServer, type RealServer } from './sim/real-server';
import { simulate } from './sim/simulation';

const ONE = process.env.SEED !== undefined ? Number(process.env.SEED) : null;
const COUNT = Number(process.env.SEEDS ?? 500);
const FIRST = Number(process.env.SEED_FROM ?? 1);
const SEEDS_PER_SERVER = Number(process.env.SEEDS_PER_SERVER ?? 1);
/** SIM_STORE=postgres runs the server over PostgreSQL (TEST_DATABASE_URL), with its rev barrier. */
const STORE = process.env.SIM_STORE === 'postgres' ? 'postgres' : 'sqlite';

describe('convergence under faults', () => {
  let server: RealServer | null = null;
  beforeAll(() => {
    server = null;
  });
  afterAll(async () => {
    await server?.close();
  });

  it(`every phone and the server hold identical ledgers, no event lost or duplicated (${ONE !== null ? `seed ${ONE}` : `${COUNT} seeds`})`, async () => {
    const seeds = ONE !== null ? [ONE] : Array.from({ length: COUNT }, (_, i) => FIRST + i);
    const totals = { events: 0, mutations: 0, requests: 0, droppedRequests: 0, droppedResponses: 0, duplicated: 0, delayed: 0, restarts: 0, rejected: 0 };
    const failures: string[] = [];
    for (const [i, seed] of seeds.entries()) {
      // A fresh server file every few seeds keeps each ledger small; seeds never share users.
      if (i % SEEDS_PER_SERVER === 0) {
        await server?.close();
        server = await startRealServer({ kind: STORE });
      }
      const out = await simulate(seed, server!, process.env.SIM_TRACE ? { trace: (line) => console.log(line) } : {});
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += out.stats[k];
      if (out.problems.length) {
        failures.push(
          `seed ${seed} failed (replay: SEED=${seed} npx vitest run -c tests/vitest.config.ts tests/sync/convergence.test.ts):\n  ${out.problems.slice(0, 8).join('\n  ')}`,
        );
        if (failures.length >= 3) break;
      }
    }
    console.log(`convergence: ${seeds.length} seeds`, totals);
    expect(failures).toEqual([]);
  }, 600_000);
});
