// @vitest-environment node
/**
 * Vant draws its icons with a 25 KB web font, fetched the first time any glyph shows. A screen
 * that drew one on opening (the map's filter button, the report's setting/print/copy buttons)
 * put those 25 KB on its first paint on a slow link, ahead of the region pack (issue 11,
 * Lighthouse: /map and /reports fetched it before their largest paint). The screens draw their
 * icons with KlIcon (inline SVG) instead; what may still show Vant's font is opened by a tap (a
 * popup's close icon, an image preview) or is admin-only (the invite panel's radios).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function vueFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? vueFiles(join(dir, e.name)) : e.name.endsWith('.vue') ? [join(dir, e.name)] : [],
  );
}

/** Template attributes and tags that make Vant draw a glyph of its icon font. */
const FONT_GLYPHS: readonly [RegExp, string][] = [
  [/<van-icon[\s>]/, '<van-icon>'],
  [/<van-[\w-]+[^>]*?\s:?icon="/, 'an icon="…" prop'],
  [/<van-cell[^>]*?\sis-link[\s>/]/, "a cell's is-link arrow"],
  [/<van-nav-bar[^>]*?\sleft-arrow[\s>/]/, "a nav bar's left-arrow"],
];

describe("the screens never draw Vant's icon font", () => {
  it('no template uses a Vant icon, a button icon prop, an is-link arrow or a nav bar arrow', () => {
    const found: string[] = [];
    for (const file of vueFiles(join(ROOT, 'src/app'))) {
      const source = readFileSync(file, 'utf8');
      const template = source.slice(source.indexOf('<template>'));
      // One tag per match: collapse each tag onto one line first.
      const tags = template.match(/<[a-z][^>]*>/gs) ?? [];
      for (const tag of tags)
        for (const [re, what] of FONT_GLYPHS)
          if (re.test(tag.replace(/\s+/g, ' '))) found.push(`${relative(ROOT, file)}: ${what} in ${tag.replace(/\s+/g, ' ').slice(0, 90)}`);
    }
    expect(found).toEqual([]);
  });

  it('catches each kind it names', () => {
    const hit = (tag: string) => FONT_GLYPHS.some(([re]) => re.test(tag));
    expect(hit('<van-button size="small" icon="filter-o" class="x">')).toBe(true);
    expect(hit('<van-cell :title="t(\'a\')" is-link to="/feedback">')).toBe(true);
    expect(hit('<van-icon name="upgrade" />')).toBe(true);
    expect(hit('<van-nav-bar title="x" left-arrow>')).toBe(true);
    expect(hit('<van-button size="small" class="kl-filter-btn">')).toBe(false);
    expect(hit('<van-cell clickable to="/feedback">')).toBe(false);
  });
});
