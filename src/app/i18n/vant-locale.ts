/**
 * Vant's own words (picker 确认/取消, calendar, dialog, list 加载中…) follow the chosen language.
 * Vant starts in Chinese; its English words load on first use, like ours (index.ts loadLocale).
 */
import { Locale as VantLocale } from 'vant/es/locale';
import type { Locale } from './index';

/** Switches Vant's built-in strings to `locale` (resolves once they are loaded). */
export async function useVantLocale(locale: Locale): Promise<void> {
  if (locale === 'en') {
    const { default: enUS } = await import('vant/es/locale/lang/en-US');
    VantLocale.use('en-US', enUS);
  } else {
    // Vant ships zh-CN as its default messages: switching back needs no words.
    VantLocale.use('zh-CN', {});
  }
}
