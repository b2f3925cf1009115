import { describe, expect, it } from 'vitest';
import { computed } from 'vue';
import { i18n, loadLocale, mergeFeatureMessages } from '../../../src/app/i18n';

describe('mergeFeatureMessages (plain merge, one setLocaleMessage per locale)', () => {
  it('adds a feature’s words beside the core words and earlier features, in a shared namespace too', async () => {
    const t = i18n.global.t;
    const core = t('nav.home');
    mergeFeatureMessages({ 'zh-CN': { kltest: { a: '甲', nested: { x: '子' } } }, en: { kltest: { a: 'A', nested: { x: 'X' } } } });
    mergeFeatureMessages({ 'zh-CN': { kltest: { b: '乙', nested: { y: '丑' } } }, en: { kltest: { b: 'B', nested: { y: 'Y' } } } });
    expect([t('kltest.a'), t('kltest.b'), t('kltest.nested.x'), t('kltest.nested.y'), t('nav.home')]).toEqual(['甲', '乙', '子', '丑', core]);
    await loadLocale('en');
    i18n.global.locale.value = 'en';
    try {
      // English core words arrived after the features: both are there.
      expect([t('kltest.a'), t('kltest.nested.y')]).toEqual(['A', 'Y']);
      expect(t('nav.home')).not.toBe(core);
    } finally {
      i18n.global.locale.value = 'zh-CN';
    }
  });

  it('is seen by a computed that already read a message (the store stays reactive)', () => {
    const label = computed(() => i18n.global.t('kltest2.late'));
    expect(label.value).toBe('kltest2.late'); // missing key: vue-i18n answers with the key
    mergeFeatureMessages({ 'zh-CN': { kltest2: { late: '晚到' } }, en: { kltest2: { late: 'late' } } });
    expect(label.value).toBe('晚到');
  });
});
