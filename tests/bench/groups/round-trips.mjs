/**
 * Round trips (HTTP requests through the front proxy), in Chromium, ours against PouchDB doing
 * the same steps: phone A's first sync of N events; a sync with nothing to do; phone B's first
 * sync (not counted); A edits 100 events and syncs; B syncs to catch up. Request counts are exact,
 * so one pass is measured (the same counts every time). PouchDB works on its own copy of the data
 * ('rt-src') so the other groups keep N unedited documents; "sync" for PouchDB is db.sync (both ways).
 */
import { row } from '../lib.mjs';

export async function run(ctx) {
  const { page, front } = ctx;
  const pouch = {};
  const p = (name, step, count) => page.evaluate(([n, s, c]) => window.__bench.pouchStep(n, s, '/couch/rt-src', c), [name, step, count]);
  await ctx.peer.copy('pull-src', 'rt-src');
  front.take();
  await p('rt-pa', 'pull');
  pouch.pull = front.take().requests;
  await p('rt-pa', 'sync');
  pouch.noop = front.take().requests;
  await p('rt-pb', 'pull');
  front.take();
  await p('rt-pa', 'edit', 100);
  await p('rt-pa', 'sync');
  pouch.push100 = front.take().requests;
  await p('rt-pb', 'sync');
  pouch.catchup = front.take().requests;
  await p('rt-pa', 'drop');
  await p('rt-pb', 'drop');
  await ctx.peer.drop('rt-src');
  ctx.log(`PouchDB requests: ${JSON.stringify(pouch)}`);

  const base = (k) => ({ name: 'PouchDB', value: pouch[k], unit: 'requests' });
  if (!ctx.ours.ok) {
    const note = `not measured: ${ctx.ours.reason}`;
    return ['rt-pull', 'rt-noop', 'rt-push100', 'rt-catchup'].map((id, i) =>
      row({ id, value: null, unit: 'requests', baseline: base(['pull', 'noop', 'push100', 'catchup'][i]), note }),
    );
  }
  const s = (name) => page.evaluate((n) => window.__bench.phoneSync(n), name);
  const ours = {};
  await page.evaluate(() => Promise.all([window.__bench.phoneDrop('rt-a'), window.__bench.phoneDrop('rt-b')]));
  front.take();
  const a1 = await s('rt-a');
  ours.pull = front.take().requests;
  if (a1.events !== ctx.N) throw new Error(`phone A holds ${a1.events} of ${ctx.N}`);
  await s('rt-a');
  ours.noop = front.take().requests;
  await s('rt-b');
  const pending = await page.evaluate((n) => window.__bench.phoneEdit(n, 100), 'rt-a');
  if (pending !== 100) throw new Error(`100 edits left ${pending} outbox rows`);
  front.take();
  const a2 = await s('rt-a');
  ours.push100 = front.take().requests;
  if (a2.pending !== 0 || a2.pushed !== 100) throw new Error(`A pushed ${a2.pushed}, ${a2.pending} left`);
  const b2 = await s('rt-b');
  ours.catchup = front.take().requests;
  if (b2.pulled !== 100) throw new Error(`B pulled ${b2.pulled} rows to catch up, expected 100`);
  await page.evaluate(() => Promise.all([window.__bench.phoneDrop('rt-a'), window.__bench.phoneDrop('rt-b')]));
  ctx.log(`our requests: ${JSON.stringify(ours)}`);
  return [
    row({ id: 'rt-pull', value: ours.pull, unit: 'requests', baseline: base('pull'), pass: ours.pull <= 20 }),
    row({ id: 'rt-noop', value: ours.noop, unit: 'requests', baseline: base('noop'), pass: ours.noop === 1 }),
    row({ id: 'rt-push100', value: ours.push100, unit: 'requests', baseline: base('push100'), pass: ours.push100 <= 2 }),
    row({ id: 'rt-catchup', value: ours.catchup, unit: 'requests', baseline: base('catchup'), pass: ours.catchup === 1 }),
  ];
}
