/**
 * vue-i18n set-up: zh-CN first, English second. Each feature keeps its words in
 * `messages/<feature>.ts` ({ 'zh-CN': …, en: … }); routes loaded on demand (map, reports) merge
 * theirs when they load (so do the settings screen and the sync badge), so the logging route
 * carries only the words it shows. The words the logging route shows (common, event, validation)
 * are split by language (`messages/zh-CN/*.ts`, `messages/en/*.ts`): Chinese ships with the first
 * screen, English loads when it is chosen (loadLocale).
 *
 * Every messages file is compiled at build time (@intlify/unplugin-vue-i18n, vite.config.ts):
 * the app ships vue-i18n's runtime without the message compiler, so a message must be a plain
 * string literal in one of those files (tests and the dev server still compile them at runtime).
 * Literal `@ { } |` in a message are written as `{'@'}` etc.
 */
import { markRaw, toRaw } from 'vue';
import { createI18n } from 'vue-i18n';
import common from './messages/zh-CN/common';
import event from './messages/zh-CN/event';
import validation from './messages/zh-CN/validation';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

type FeatureMessages = { 'zh-CN': Record<string, unknown>; en: Record<string, unknown> };

export const i18n = createI18n({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  // Each locale's messages are marked raw: vue-i18n keeps them in a deep ref, so every lookup
  // went through reactive proxies and every merge wrote leaf by leaf through them (a quarter of
  // a second of main thread on a slow phone for the settings screen's words). Words only ever
  // arrive before the screen that shows them renders, and a change of locale re-renders anyway.
  messages: { 'zh-CN': markRaw(Object.assign({}, common, event, validation)) } as Record<string, any>,
});

type MessageTree = Record<string, unknown>;
const isTree = (v: unknown): v is MessageTree => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Merges `from` into `into` (plain objects, in place): nested groups merge, leaves overwrite. */
function mergeMessages(into: MessageTree, from: MessageTree): void {
  for (const key of Object.keys(from)) {
    const next = from[key];
    const here = into[key];
    if (isTree(next) && isTree(here)) mergeMessages(here, next);
    else if (isTree(next)) mergeMessages((into[key] = {}) as MessageTree, next);
    else into[key] = next;
  }
}

/** Adds words to a locale's raw message tree (made raw on first use). */
function addMessages(locale: Locale, m: MessageTree): void {
  let tree = toRaw(i18n.global.getLocaleMessage(locale)) as MessageTree;
  if (!(locale in i18n.global.messages.value)) {
    tree = markRaw({});
    i18n.global.setLocaleMessage(locale, tree as never);
  }
  mergeMessages(tree, m);
}

let english: Promise<void> | null = null;
/** Makes sure a locale's core words are loaded (English on first use); resolves when they are. */
export function loadLocale(locale: Locale): Promise<void> {
  if (locale === 'zh-CN') return Promise.resolve();
  english ??= import('./english').then(
    (m) => addMessages('en', m.englishCore),
    (e: unknown) => {
      english = null;
      throw e;
    },
  );
  return english;
}

const merged = new WeakSet<FeatureMessages>();
/**
 * Adds a lazily loaded feature's words to both locales, once: every component that shows them
 * calls this at setup (a screen and its parts may each call it), later calls cost nothing.
 */
export function mergeFeatureMessages(m: FeatureMessages): void {
  if (merged.has(m)) return;
  merged.add(m);
  for (const locale of LOCALES) addMessages(locale, m[locale]);
}
