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
import { toRaw } from 'vue';
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
  messages: { 'zh-CN': Object.assign({}, common, event, validation) } as Record<string, any>,
});

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

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `into` with `from` merged in: objects along the merged paths are copied, nothing is mutated. */
function mergedTree(into: Tree, from: Tree): Tree {
  const out: Tree = { ...into };
  for (const [key, value] of Object.entries(from)) {
    const before = out[key];
    out[key] = isTree(before) && isTree(value) ? mergedTree(before, value) : value;
  }
  return out;
}

/**
 * Adds words to a locale. vue-i18n's own mergeLocaleMessage deep-copies them into its reactive
 * message store key by key, each write through a reactive proxy (~150 ms of a screen's first task
 * at 4× CPU for the settings words); merging the plain objects and setting the locale's messages
 * once costs a copy of the paths touched.
 */
function addMessages(locale: Locale, words: Tree): void {
  const current = toRaw(i18n.global.messages.value[locale] as Tree | undefined) ?? {};
  i18n.global.setLocaleMessage(locale, mergedTree(current, words) as never);
}
