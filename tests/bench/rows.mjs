/**
 * The catalogue of the table: every row `npm run bench` prints, in order, with its target.
 * A figure that could not be measured is still printed, with the reason, so nothing silently
 * disappears; tests/e2e/bench-quick.e2e.ts checks every name below is printed.
 */
export const ROWS = [
  { id: 'save-p95', group: 'save-path', figure: 'one save, p95, whole save path (event + outbox)', target: '≤ 2× raw put, ≤ 30 ms' },
  { id: 'save-p50', group: 'save-path', figure: 'one save, p50, whole save path (event + outbox)', target: '' },
  { id: 'save-raw-ops', group: 'save-path', figure: "one save, p95, raw IndexedDB making the save path's 6 requests in 1 transaction", target: '' },
  { id: 'first-sync-vs-pouch', group: 'first-sync', figure: 'first sync of N events into a fresh phone vs PouchDB pull', target: '≤ 0.33×' },
  { id: 'first-sync-vs-raw', group: 'first-sync', figure: 'first sync of N events into a fresh phone vs raw IndexedDB write', target: '≤ 2.5×' },
  { id: 'first-push', group: 'push', figure: 'first push of N events from a phone vs PouchDB push', target: '≤ 0.33×' },
  { id: 'node-push', group: 'push', figure: 'push N events from Node vs PouchDB (Node) push', target: '' },
  { id: 'node-pull', group: 'push', figure: 'pull N events into Node vs PouchDB (Node) pull', target: '' },
  { id: 'wire-bytes', group: 'wire-bytes', figure: 'bytes on the wire, push + pull of N vs PouchDB', target: '≤ 0.5×' },
  { id: 'wire-vs-raw', group: 'wire-bytes', figure: 'bytes on the wire, push + pull of N vs raw gzipped JSON ×2', target: '' },
  { id: 'rt-pull', group: 'round-trips', figure: 'requests to pull N into a fresh phone', target: '≤ 20' },
  { id: 'rt-noop', group: 'round-trips', figure: 'requests for a sync with nothing to do', target: '1' },
  { id: 'rt-push100', group: 'round-trips', figure: 'requests to push 100 edits', target: '≤ 2' },
  { id: 'rt-catchup', group: 'round-trips', figure: 'requests for another phone to catch up on 100 edits', target: '1' },
  { id: 'latency', group: 'latency-proxy', figure: 'first sync of N with +100 ms round trip vs PouchDB', target: '≤ 0.2×' },
  { id: 'bundle', group: 'bundle-size', figure: 'gzipped JS+CSS before first paint of /events/new', target: '≤ 150 KB (aim 120)' },
  { id: 'slow-first', group: 'slow-phone', figure: '/events/new interactive, CPU ×4 + slow 4G, first visit', target: '≤ 4 s' },
  { id: 'slow-repeat', group: 'slow-phone', figure: '/events/new interactive, CPU ×4 + slow 4G, repeat visit (service worker)', target: '≤ 1.5 s' },
  { id: 'ingest-sqlite-batch', group: 'server-ingest', figure: 'server ingest, 100-event pushes ×4 in flight, SQLite (events/s)', target: '≥ 2× peer' },
  { id: 'ingest-sqlite-single', group: 'server-ingest', figure: 'server ingest, single-event pushes, SQLite (requests/s)', target: '≥ 2.5× peer' },
  { id: 'ingest-pg-batch', group: 'server-ingest', figure: 'server ingest, 100-event pushes ×4 in flight, PostgreSQL (events/s)', target: '≥ 1.5× peer' },
  { id: 'ingest-pg-single', group: 'server-ingest', figure: 'server ingest, single-event pushes, PostgreSQL (requests/s)', target: '≥ 1.5× peer' },
  { id: 'scale-sqlite-push', group: 'server-scale', figure: 'p95 of a 100-event push at 1,000,000 events vs at 10,000, SQLite', target: '≤ 1.5×' },
  { id: 'scale-sqlite-pull', group: 'server-scale', figure: 'p95 of a 500-row pull at 1,000,000 events vs at 10,000, SQLite', target: '≤ 1.5×' },
  { id: 'scale-pg-push', group: 'server-scale', figure: 'p95 of a 100-event push at 1,000,000 events vs at 10,000, PostgreSQL', target: '≤ 1.5×' },
  { id: 'scale-pg-pull', group: 'server-scale', figure: 'p95 of a 500-row pull at 1,000,000 events vs at 10,000, PostgreSQL', target: '≤ 1.5×' },
  { id: 'year-totals', group: 'year-totals', figure: 'year totals by township and by format over M events vs full read-and-group', target: '≤ 0.1×' },
];

export const GROUPS = [...new Set(ROWS.map((r) => r.group))];

/** The figure's printed name: N and M replaced by the sizes of this run. */
export function figureName(r, sizes) {
  return r.figure.replace(/\bN\b/g, sizes.N.toLocaleString('en-US')).replace(/\bM\b/g, sizes.M.toLocaleString('en-US'));
}

/** Sizes of a quick (CI) run and of a full run. */
export const QUICK_SIZES = { N: 300, M: 3000 };
export const FULL_SIZES = { N: 10000, M: 100000 };
