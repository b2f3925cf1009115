import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createAppRouter } from './router';
import { i18n } from './i18n';
import { startSync } from './stores/sync';
import './styles.css';

const app = createApp(App);
app.use(createPinia());
app.use(createAppRouter());
app.use(i18n);
app.mount('#app');
// Sync runs at start, on online/visible, after every save (outbox hook) and on a timer.
void startSync();
