import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { i18n, loadLocale } from '../../../src/app/i18n';

const DIR = join(__dirname, '../../../src/app/i18n/messages');

/** Every leaf key path of a messages tree. */
function paths(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' ? paths(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('words of the features loaded on demand', () => {
  it('have the same keys in Chinese and English', async () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) {
      const m = (await import(join(DIR, f))).default as { 'zh-CN': Record<string, unknown>; en: Record<string, unknown> };
      expect({ file: f, keys: paths(m.en).sort() }).toEqual({ file: f, keys: paths(m['zh-CN']).sort() });
    }
  });
});

describe('core words split by language', () => {
  const files = readdirSync(join(DIR, 'zh-CN')).filter((f) => f.endsWith('.ts'));

  it('has the same files and the same keys in Chinese and English', async () => {
    expect(
      readdirSync(join(DIR, 'en'))
        .filter((f) => f.endsWith('.ts'))
        .sort(),
    ).toEqual([...files].sort());
    expect(files.sort()).toEqual(['common.ts', 'event.ts', 'validation.ts']);
    for (const f of files) {
      const zh = (await import(join(DIR, 'zh-CN', f))).default as Record<string, unknown>;
      const en = (await import(join(DIR, 'en', f))).default as Record<string, unknown>;
      expect({ file: f, keys: paths(en).sort() }).toEqual({ file: f, keys: paths(zh).sort() });
    }
  });

  it('ships Chinese at start and loads English when asked', async () => {
    // The composer's full generic type is too deep for the checker here; these are the calls used.
    const g = i18n.global as unknown as { t(key: string): string; te(key: string, locale: string): boolean; locale: { value: string } };
    expect(g.t('nav.home')).toBe('首页');
    expect(g.te('nav.home', 'en')).toBe(false);
    await loadLocale('en');
    expect(g.te('nav.home', 'en')).toBe(true);
    g.locale.value = 'en';
    try {
      expect(g.t('nav.home')).toBe('Home');
      expect(g.t('validation.required')).toBe('Required');
    } finally {
      g.locale.value = 'zh-CN';
    }
  });
});
