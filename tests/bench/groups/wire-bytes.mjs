/**
 * Bytes on the wire for push + pull of N events, as the front proxy counts them (request and
 * status lines, headers and bodies, both ways), from the first-push and first-sync runs; against
 * PouchDB's push + pull of the same events, and against the raw size of the data (gzipped JSON of
 * the N events, once for the push and once for the pull).
 */
import { row } from '../lib.mjs';

export async function run(ctx) {
  const s = ctx.shared;
  const rawGz = ctx.rawGzipBytes;
  if (!s.pouchPull || !s.pouchPush) {
    return [
      row({ id: 'wire-bytes', value: null, unit: 'KB', note: 'not measured: needs the first-sync and push groups' }),
      row({ id: 'wire-vs-raw', value: null, unit: 'KB', note: 'not measured: needs the first-sync and push groups' }),
    ];
  }
  const kb = (x) => x / 1024;
  const pouch = kb(s.pouchPull.bytes.median + s.pouchPush.bytes.median);
  const note = `PouchDB: pull ${Math.round(kb(s.pouchPull.bytes.median))} KB in ${s.pouchPull.requests.median} requests, push ${Math.round(kb(s.pouchPush.bytes.median))} KB in ${s.pouchPush.requests.median} requests`;
  if (!s.oursPull || !s.oursPush) {
    const reason = `not measured: ${ctx.ours.reason ?? 'first sync or push failed'}`;
    return [
      row({ id: 'wire-bytes', value: null, unit: 'KB', baseline: { name: 'PouchDB push + pull', value: pouch }, note: `${reason}; ${note}` }),
      row({ id: 'wire-vs-raw', value: null, unit: 'KB', baseline: { name: 'gzipped JSON ×2', value: kb(2 * rawGz) }, note: reason }),
    ];
  }
  const ours = kb(s.oursPull.bytes.median + s.oursPush.bytes.median);
  return [
    row({
      id: 'wire-bytes',
      value: ours,
      unit: 'KB',
      baseline: { name: 'PouchDB push + pull', value: pouch, unit: 'KB' },
      pass: ours / pouch <= 0.5,
      note: `ours: pull ${Math.round(kb(s.oursPull.bytes.median))} KB in ${s.oursPull.requests.median} requests, push ${Math.round(kb(s.oursPush.bytes.median))} KB in ${s.oursPush.requests.median} requests; ${note}`,
    }),
    row({ id: 'wire-vs-raw', value: ours, unit: 'KB', baseline: { name: 'gzipped JSON ×2', value: kb(2 * rawGz), unit: 'KB' } }),
  ];
}
