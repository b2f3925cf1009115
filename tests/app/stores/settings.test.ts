import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { LedgerDb } from '../../../src/app/db/ledger-db';
import { ValidationError } from '../../../src/app/db/errors';
import { setLedgerDbFactory } from '../../../src/app/db/database';
import { useSettingsStore } from '../../../src/app/stores/settings';
import { i18n } from '../../../src/app/i18n';
import { DEFAULT_TAXONOMY } from '../../../src/domain/taxonomy';
import { blankLine, DEFAULT_REPORT_LINES } from '../../../src/domain/report-lines';
import { freshDb } from '../db/helpers';

/** A settings store over database `name`, as a freshly opened app would have it. */
async function reopen(name: string) {
  setActivePinia(createPinia());
  setLedgerDbFactory(() => new LedgerDb(name));
  const s = useSettingsStore();
  await s.load();
  return s;
}

describe('useSettingsStore', () => {
  let name: string;
  beforeEach(() => {
    name = freshDb().name;
  });

  it('starts with the default taxonomy and zh-CN', async () => {
    const s = await reopen(name);
    expect(s.taxonomy).toEqual(DEFAULT_TAXONOMY);
    expect(s.locale).toBe('zh-CN');
  });

  it('keeps the report lines and clause edits across a restart, pending until the server has them; a bad line changes nothing', async () => {
    const s = await reopen(name);
    expect(s.reportLines).toEqual(DEFAULT_REPORT_LINES);
    const lines = [{ ...blankLine('caravan-school', '大篷车进校园'), formats: ['caravan'], venues: ['school'] }, ...DEFAULT_REPORT_LINES];
    await s.saveReportLines(lines);
    await s.saveClauseEdit({ year: 2023, key: 'line:caravan', text: '二是开展大篷车巡展5场次', generated: '二是…' });
    const again = await reopen(name);
    expect(again.reportLines).toEqual(lines);
    expect(again.clauseEdits).toEqual([{ year: 2023, key: 'line:caravan', text: '二是开展大篷车巡展5场次', generated: '二是…' }]);
    expect([...again.taxonomyPending].sort()).toEqual(['doc:clauseEdits', 'doc:reportLines']);
    await expect(again.saveReportLines([...lines, { ...blankLine('x', 'X'), formats: ['no-such'] }])).rejects.toBeInstanceOf(ValidationError);
    await expect(again.saveReportLines([blankLine('x', 'X')])).rejects.toBeInstanceOf(ValidationError);
    expect(again.reportLines).toEqual(lines);
    await again.saveClauseEdit({ year: 2023, key: 'line:caravan', text: '', generated: '二是…' });
    expect((await reopen(name)).clauseEdits).toEqual([]);
  });

  it('keeps added, renamed and retired taxonomy entries across a restart', async () => {
    const s = await reopen(name);
    await s.addEntry('formats', { code: 'science-film', zh: '科普电影放映', en: 'Science film screening' });
    await s.renameEntry('venues', 'school', '学校', 'School campus');
    await s.retireEntry('campaigns', 'progress-month');
    const again = await reopen(name);
    expect(again.taxonomy.formats.at(-1)).toEqual({ code: 'science-film', zh: '科普电影放映', en: 'Science film screening' });
    expect(again.taxonomy.venues.find((e) => e.code === 'school')).toEqual({ code: 'school', zh: '学校', en: 'School campus' });
    expect(again.taxonomy.campaigns.find((e) => e.code === 'progress-month')?.retired).toBe(true);
    expect(again.taxonomy.formats).toHaveLength(DEFAULT_TAXONOMY.formats.length + 1);
  });

  it('makes a code for an entry added without one', async () => {
    const s = await reopen(name);
    await s.addEntry('themes', { zh: '防灾减灾' });
    expect(s.taxonomy.themes.at(-1)?.code).toMatch(/^c-[a-z0-9]+-[a-z0-9]+$/);
  });

  it('refuses a duplicate code or an empty label and keeps the lists unchanged', async () => {
    const s = await reopen(name);
    await expect(s.addEntry('formats', { code: 'lecture', zh: '讲座' })).rejects.toBeInstanceOf(ValidationError);
    const err = await s.renameEntry('formats', 'lecture', '  ').catch((e: unknown) => e);
    expect((err as ValidationError).problems).toEqual([{ field: 'formats.1.zh', code: 'required' }]);
    await expect(s.retireEntry('formats', 'nope')).rejects.toBeInstanceOf(ValidationError);
    expect((await reopen(name)).taxonomy).toEqual(DEFAULT_TAXONOMY);
  });

  it('keeps the chosen language across a restart and applies it to i18n', async () => {
    const s = await reopen(name);
    await s.setLocale('en');
    expect(i18n.global.locale.value).toBe('en');
    i18n.global.locale.value = 'zh-CN';
    const again = await reopen(name);
    expect(again.locale).toBe('en');
    expect(i18n.global.locale.value).toBe('en');
    expect(document.documentElement.lang).toBe('en');
  });
});
