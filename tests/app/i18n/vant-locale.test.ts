/**
 * Vant's built-in words follow the language chosen in 设置: a picker says Confirm/Cancel in English
 * and 确认/取消 again in Chinese.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { h, nextTick } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import Picker from 'vant/es/picker';
import { i18n } from '../../../src/app/i18n';
import { setLedgerDbFactory } from '../../../src/app/db/database';
import { useSettingsStore } from '../../../src/app/stores/settings';
import { freshDb } from '../db/helpers';

vi.mock('vant/es/picker/style', () => ({}));

const picker = () => mount({ render: () => h(Picker, { columns: [{ text: '平山', value: 'p' }] }) }, { global: { plugins: [i18n] } });
const buttons = (w: ReturnType<typeof picker>) => w.findAll('button').map((b) => b.text());

describe("Vant's own words", () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    setLedgerDbFactory(freshDb);
  });

  it('switch with the chosen language and back', async () => {
    const settings = useSettingsStore();
    const w = picker();
    expect(buttons(w)).toEqual(['取消', '确认']);
    await settings.setLocale('en');
    await nextTick();
    expect(buttons(w)).toEqual(['Cancel', 'Confirm']);
    await settings.setLocale('zh-CN');
    await nextTick();
    expect(buttons(w)).toEqual(['取消', '确认']);
  });
});
