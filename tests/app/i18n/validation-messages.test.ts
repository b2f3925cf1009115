import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import validationZh from '../../../src/app/i18n/messages/zh-CN/validation';
import validationEn from '../../../src/app/i18n/messages/en/validation';
import awardsMessages from '../../../src/app/i18n/messages/awards';
import feedbackMessages from '../../../src/app/i18n/messages/feedback';
import { validateEventContent, emptyEventContent } from '../../../src/domain/event';

const DOMAIN = join(__dirname, '../../../src/domain');

/** Every problem code written in a domain file: messages of valibot pipes and `code: '…'` literals. */
function codesIn(file: string): Set<string> {
  const text = readFileSync(join(DOMAIN, file), 'utf8');
  const out = new Set<string>();
  for (const m of text.matchAll(/v\.\w+\([^;]*?'([a-z][A-Za-z]+)'\)/g)) out.add(m[1]!);
  for (const m of text.matchAll(/code: '([a-z][A-Za-z]+)'/g)) out.add(m[1]!);
  return out;
}

const zh = validationZh.validation as Record<string, string>;
const en = validationEn.validation as Record<string, string>;

describe('validation messages', () => {
  it('word every code of the event schema, problems and taxonomy in Chinese and English', () => {
    const codes = new Set([...codesIn('event.ts'), ...codesIn('problems.ts'), ...codesIn('taxonomy.ts'), 'unknownField', 'notObject', 'invalid']);
    const missing = [...codes].filter((c) => !zh[c] || !en[c]);
    expect(missing).toEqual([]);
    expect(codes.size).toBeGreaterThan(30);
  });

  it('word every code any domain file writes', () => {
    const files = readdirSync(DOMAIN).filter((f) => f.endsWith('.ts'));
    const codes = new Set(files.flatMap((f) => [...codesIn(f)]));
    // Words the regexes catch that are values, not problem codes.
    for (const notCode of ['literal', 'array', 'never', 'none', 'reviewed', 'admin']) codes.delete(notCode);
    // feedback.ts: the staff actions and a state are literals, not problems.
    for (const notCode of ['accept', 'reject', 'assign', 'note', 'reply', 'extend', 'close', 'inProgress']) codes.delete(notCode);
    // Staff-only screens word their own codes in their feature's words (loaded with the screen, off
    // a volunteer's first visit): the awards section's (issue 14 §4) and the feedback screens' (issue 15), in both languages.
    const featureZh = { ...awardsMessages['zh-CN'].validation, ...feedbackMessages['zh-CN'].validation } as Record<string, string>;
    const featureEn = { ...awardsMessages.en.validation, ...feedbackMessages.en.validation } as Record<string, string>;
    expect([...codes].filter((c) => !zh[c] && !featureZh[c])).toEqual([]);
    expect(Object.keys(featureZh).filter((c) => !featureEn[c])).toEqual([]);
  });

  it('say 必填 for an empty title and the cross-field message for an end before the start', () => {
    const blank = validateEventContent(emptyEventContent('2026-03-05T09:30:00+08:00'));
    expect(blank.ok).toBe(false);
    if (!blank.ok) expect(zh[blank.problems.find((p) => p.field === 'title')!.code]).toBe('必填');
    const backwards = validateEventContent({
      ...emptyEventContent('2026-03-05T09:30:00+08:00', '2026-03-05T08:00:00+08:00'),
      title: '讲座',
      format: 'lecture',
      venue: 'school',
      townshipCode: '441323001000',
    });
    expect(backwards).toEqual({ ok: false, problems: [{ field: 'endAt', code: 'endBeforeStart' }] });
    expect(zh.endBeforeStart).toBe('结束时间不能早于开始时间');
  });
});
