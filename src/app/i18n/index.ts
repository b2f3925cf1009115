/**
 * vue-i18n set-up: zh-CN first, English second. Each feature keeps its words in
 * `messages/<feature>.ts` ({ 'zh-CN': …, en: … }); routes loaded on demand (map, reports) merge
 * theirs when they load, so the logging route carries only the words it shows.
 *
 * Every messages/*.ts file is compiled at build time (@intlify/unplugin-vue-i18n, vite.config.ts):
 * the app ships vue-i18n's runtime without the message compiler, so a message must be a plain
 * string literal in one of those files (tests and the dev server still compile them at runtime).
 * Literal `@ { } |` in a message are written as `{'@'}` etc.
 */
import { createI18n } from 'vue-i18n';
import common from './messages/common';
import event from './messages/event';
import validation from './messages/validation';
import settings from './messages/settings';
import sync from './messages/sync';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

type FeatureMessages = { 'zh-CN': Record<string, unknown>; en: Record<string, unknown> };
const core: FeatureMessages[] = [common, event, validation, settings, sync];

function merged(locale: Locale): Record<string, unknown> {
  return Object.assign({}, ...core.map((m) => m[locale]));
}

export const i18n = createI18n({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': merged('zh-CN'), en: merged('en') } as Record<string, any>,
});

/** Adds a lazily loaded feature's words to both locales. */
export function mergeFeatureMessages(m: FeatureMessages): void {
  for (const locale of LOCALES) i18n.global.mergeLocaleMessage(locale, m[locale]);
}
