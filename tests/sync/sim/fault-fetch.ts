/**
 * A fetch that misbehaves the way a county's mobile network does, driven by a seeded random
 * source so a failing seed replays exactly: it drops requests (never reach the server), drops
 * responses (the server acted, the phone never hears), duplicates requests, and holds some back
 * to deliver them later, after newer ones (reordering: the server sees a stale push or pull).
 */

/** A seeded uniform random source in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How often each fault happens (each a probability per request). */
export interface FaultRates {
  dropRequest: number;
  dropResponse: number;
  duplicate: number;
  delay: number;
}

/** Counts of what the faulty network did, for the test's summary. */
export interface FaultStats {
  requests: number;
  droppedRequests: number;
  droppedResponses: number;
  duplicated: number;
  delayed: number;
  deliveredLate: number;
}

/** A held-back request, to be delivered to the server later. */
type Held = () => Promise<unknown>;

/** The shared network: one queue of held-back requests across all phones, and the stats. */
export class FaultyNetwork {
  readonly stats: FaultStats = { requests: 0, droppedRequests: 0, droppedResponses: 0, duplicated: 0, delayed: 0, deliveredLate: 0 };
  private held: Held[] = [];
  enabled = true;

  constructor(
    private readonly random: () => number,
    private readonly rates: FaultRates,
    private readonly trace: (line: string) => void = () => undefined,
  ) {}

  /** Wraps the server's fetch; `onInFlight` runs while a request is at the server (a save mid-sync). */
  fetchFor(serverFetch: typeof fetch, onInFlight: () => Promise<void>): typeof fetch {
    return async (input, init) => {
      this.stats.requests++;
      if (!this.enabled) return serverFetch(input, init);
      const r = this.random();
      const what = `${init?.method ?? 'GET'} ${String(input)}`;
      this.trace(
        `  net ${what} ${r < this.rates.dropRequest ? 'DROP-REQ' : r < this.rates.dropRequest + this.rates.delay ? 'DELAY' : r < this.rates.dropRequest + this.rates.delay + this.rates.dropResponse ? 'DROP-RES' : r < this.rates.dropRequest + this.rates.delay + this.rates.dropResponse + this.rates.duplicate ? 'DUP' : 'ok'}`,
      );
      const { dropRequest, dropResponse, duplicate, delay } = this.rates;
      if (r < dropRequest) {
        this.stats.droppedRequests++;
        throw new TypeError('Failed to fetch (request dropped)');
      }
      if (r < dropRequest + delay) {
        this.stats.delayed++;
        this.held.push(() => serverFetch(input, init));
        throw new TypeError('Failed to fetch (timed out; the request is still on its way)');
      }
      const res = await serverFetch(input, init);
      if (this.random() < 0.15) await onInFlight();
      if (r < dropRequest + delay + dropResponse) {
        this.stats.droppedResponses++;
        throw new TypeError('Failed to fetch (response lost)');
      }
      if (r < dropRequest + delay + dropResponse + duplicate) {
        this.stats.duplicated++;
        // The same request arrives twice; the phone hears the second answer.
        return serverFetch(input, init);
      }
      return res;
    };
  }

  /** Delivers some held-back requests (late), in random order; answers go nowhere. */
  async deliverLate(all = false): Promise<void> {
    const keep: Held[] = [];
    const go: Held[] = [];
    for (const h of this.held) (all || this.random() < 0.5 ? go : keep).push(h);
    this.held = keep;
    for (let i = go.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [go[i], go[j]] = [go[j]!, go[i]!];
    }
    for (const h of go) {
      this.stats.deliveredLate++;
      await h().catch(() => undefined);
    }
  }
}
