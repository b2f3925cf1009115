import { describe, expect, it } from 'vitest';
import { DEFAULT_TAXONOMY, type Taxonomy } from '../../src/domain/taxonomy';
import { docKey, mergeTaxonomy, removedCodes } from '../../src/domain/taxonomy-merge';
import { DEFAULT_REPORT_LINES } from '../../src/domain/report-lines';

const film = { code: 'film', zh: '科普电影放映' };
const withFormats = (base: Taxonomy, formats: Taxonomy['formats']): Taxonomy => ({ ...base, formats });

describe('mergeTaxonomy', () => {
  it('takes the server’s entry for every code the server has, and is then in step', () => {
    const local = withFormats(
      DEFAULT_TAXONOMY,
      DEFAULT_TAXONOMY.formats.map((e) => (e.code === 'lecture' ? { ...e, zh: '旧名字' } : e)),
    );
    const server = withFormats(DEFAULT_TAXONOMY, [...DEFAULT_TAXONOMY.formats, film]);
    const m = mergeTaxonomy(server, local);
    expect(m).toEqual({ taxonomy: server, aheadOfServer: false });
  });

  it('keeps codes only the phone has, after the server’s entries, and says the phone is ahead', () => {
    const local = withFormats(DEFAULT_TAXONOMY, [film, ...DEFAULT_TAXONOMY.formats]);
    const server = withFormats(DEFAULT_TAXONOMY, [...DEFAULT_TAXONOMY.formats, { code: 'radio', zh: '广播科普' }]);
    const m = mergeTaxonomy(server, local);
    expect(m.taxonomy.formats.map((e) => e.code)).toEqual([...DEFAULT_TAXONOMY.formats.map((e) => e.code), 'radio', 'film']);
    expect(m.aheadOfServer).toBe(true);
    expect(m.taxonomy.venues).toEqual(DEFAULT_TAXONOMY.venues);
  });

  it('keeps the phone’s entry for a pending edit the server does not have yet', () => {
    const local = withFormats(
      DEFAULT_TAXONOMY,
      DEFAULT_TAXONOMY.formats.map((e) => (e.code === 'media' ? { ...e, zh: '新媒体科普', retired: true } : e)),
    );
    const m = mergeTaxonomy(DEFAULT_TAXONOMY, local, new Set(['formats:media']));
    expect(m.taxonomy.formats.find((e) => e.code === 'media')).toEqual({ code: 'media', zh: '新媒体科普', en: 'Media outreach', retired: true });
    expect(m.aheadOfServer).toBe(true);
  });

  it('is in step when a pending edit already equals the server’s entry', () => {
    expect(mergeTaxonomy(DEFAULT_TAXONOMY, DEFAULT_TAXONOMY, new Set(['formats:media']))).toEqual({ taxonomy: DEFAULT_TAXONOMY, aheadOfServer: false });
  });
});

describe('removedCodes', () => {
  it('names every code of the old taxonomy the new one lacks, list by list', () => {
    const next = { ...DEFAULT_TAXONOMY, formats: DEFAULT_TAXONOMY.formats.filter((e) => e.code !== 'media'), themes: DEFAULT_TAXONOMY.themes.slice(2) };
    expect(removedCodes(DEFAULT_TAXONOMY, next)).toEqual([
      { field: 'formats', code: 'removedCode:media' },
      { field: 'themes', code: 'removedCode:traditional-culture' },
      { field: 'themes', code: 'removedCode:sci-tech' },
    ]);
  });

  it('allows additions, renames and retirements', () => {
    const next = withFormats(DEFAULT_TAXONOMY, [...DEFAULT_TAXONOMY.formats.map((e) => ({ ...e, zh: `${e.zh}!`, retired: true })), film]);
    expect(removedCodes(DEFAULT_TAXONOMY, next)).toEqual([]);
  });
});

describe('mergeTaxonomy: the report lines and clause edits, each merged whole', () => {
  const mine = [...DEFAULT_REPORT_LINES.slice(0, 2)];
  const theirs = [...DEFAULT_REPORT_LINES.slice(2, 4)];
  const withLines = (lines?: typeof mine): Taxonomy => (lines ? { ...DEFAULT_TAXONOMY, reportLines: lines } : DEFAULT_TAXONOMY);

  it('takes the server’s lines unless the phone’s edit is pending', () => {
    expect(mergeTaxonomy(withLines(theirs), withLines(mine)).taxonomy.reportLines).toEqual(theirs);
    const m = mergeTaxonomy(withLines(theirs), withLines(mine), new Set([docKey('reportLines')]));
    expect([m.taxonomy.reportLines, m.aheadOfServer]).toEqual([mine, true]);
  });

  it('keeps the phone’s lines when the server has none yet, and leaves both absent when neither has any', () => {
    const m = mergeTaxonomy(withLines(), withLines(mine));
    expect([m.taxonomy.reportLines, m.aheadOfServer]).toEqual([mine, true]);
    const none = mergeTaxonomy(withLines(), withLines());
    expect(['reportLines' in none.taxonomy, none.aheadOfServer]).toEqual([false, false]);
  });

  it('a pending edit equal to the server’s is in step', () => {
    const m = mergeTaxonomy(withLines(mine), withLines(mine), new Set([docKey('reportLines')]));
    expect(m.aheadOfServer).toBe(false);
  });

  it('clause edits follow the same rule', () => {
    const edit = { year: 2023, key: 'line:caravan', text: '二是…', generated: '二是…5场次' };
    const m = mergeTaxonomy(DEFAULT_TAXONOMY, { ...DEFAULT_TAXONOMY, clauseEdits: [edit] }, new Set([docKey('clauseEdits')]));
    expect(m.taxonomy.clauseEdits).toEqual([edit]);
  });
});
