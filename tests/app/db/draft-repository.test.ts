import { describe, expect, it } from 'vitest';
import { reactive } from 'vue';
import {
  DRAFT_MAX_CHARS,
  DraftTooLargeError,
  clearDraft,
  isFreeEventId,
  listDrafts,
  loadDraft,
  rekeyDraft,
  saveDraft,
} from '../../../src/app/db/draft-repository';
import { ID1, freshDb, freshRepo, sampleContent } from './helpers';

const A = '018a9b7c-1d2e-7f00-8a00-0000000000a1';
const B = '018a9b7c-1d2e-7f00-8a00-0000000000b2';

describe('the draft box', () => {
  it('restores the last saved content of a form', async () => {
    const db = freshDb();
    await saveDraft(db, A, sampleContent({ title: '写了一半' }), Date.parse('2023-09-16T02:00:00Z'));
    await saveDraft(db, A, sampleContent({ title: '写了一大半', attendance: 30 }), Date.parse('2023-09-16T02:00:05Z'));
    expect(await loadDraft(db, A)).toEqual({
      key: A,
      mode: 'new',
      content: sampleContent({ title: '写了一大半', attendance: 30 }),
      savedAt: '2023-09-16T02:00:05.000Z',
    });
  });

  it('keeps many drafts, lists them last touched first, and clears one without the others', async () => {
    const db = freshDb();
    await saveDraft(db, A, sampleContent({ title: '大篷车' }), Date.parse('2023-09-16T02:00:00Z'));
    await saveDraft(db, ID1, sampleContent({ title: '改' }), Date.parse('2023-09-16T03:00:00Z'), 'edit');
    await saveDraft(db, B, sampleContent({ title: '讲座' }), Date.parse('2023-09-16T04:00:00Z'));
    expect((await listDrafts(db)).map((d) => [d.key, d.mode, d.content.title])).toEqual([
      [B, 'new', '讲座'],
      [ID1, 'edit', '改'],
      [A, 'new', '大篷车'],
    ]);
    await clearDraft(db, A);
    expect(await loadDraft(db, A)).toBeUndefined();
    expect((await listDrafts(db)).map((d) => d.key)).toEqual([B, ID1]);
  });

  it('saves the reactive form state a Vue form holds', async () => {
    const db = freshDb();
    const form = reactive(sampleContent({ themes: ['health'] }));
    await saveDraft(db, A, form, 0);
    expect((await loadDraft(db, A))?.content.themes).toEqual(['health']);
  });

  it('refuses a draft over the size limit and keeps the one before it', async () => {
    const db = freshDb();
    await saveDraft(db, A, sampleContent({ title: '短' }), 0);
    await expect(saveDraft(db, A, sampleContent({ notes: 'x'.repeat(DRAFT_MAX_CHARS) }), 1)).rejects.toBeInstanceOf(DraftTooLargeError);
    expect((await loadDraft(db, A))?.content.title).toBe('短');
  });

  it('moves a draft to a fresh id, and knows which ids a new event may still take', async () => {
    const { db, repo } = freshRepo();
    const saved = await repo.createEvent(A, sampleContent(), 'submitted');
    await saveDraft(db, A, sampleContent({ title: '保存前的草稿' }), 0);
    expect([await isFreeEventId(db, saved.id), await isFreeEventId(db, B), await isFreeEventId(db, 'new')]).toEqual([false, true, false]);
    await rekeyDraft(db, A, B);
    expect((await listDrafts(db)).map((d) => [d.key, d.content.title])).toEqual([[B, '保存前的草稿']]);
  });
});
