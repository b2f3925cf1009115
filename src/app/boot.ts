/**
 * Starts the app: Vue, Pinia, the router and the words, mounted on #app (replacing the boot frame of
 * index.html). Loaded by main.ts once that frame has painted.
 */
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createAppRouter } from './router';
import { i18n } from './i18n';
import { afterFirstPaint } from './after-first-paint';

const router = createAppRouter();
const app = createApp(App);
app.use(createPinia());
app.use(router);
app.use(i18n);
app.mount('#app');
// Sync runs at start, on online/visible, after every save (outbox hook) and on a timer. Its code
// (engine, transport, loop) and the org taxonomy sync (fetch at start and after sign-in, send
// staff edits) load once the first screen has painted. Then the year totals' change log (one row
// per save since the last fold) is folded into the rows, so reading them stays a few dozen rows.
void afterFirstPaint(router).then(async () => {
  const [sync, taxonomy] = await Promise.all([import('./stores/sync'), import('./stores/taxonomy-sync')]);
  await sync.startSync();
  taxonomy.startTaxonomySync();
  const [database, totals] = await Promise.all([import('./db/database'), import('./db/year-totals')]);
  await totals.compactTotals(database.ledgerDb()).catch((e: unknown) => console.warn('year totals: fold of the change log failed', e));
});
