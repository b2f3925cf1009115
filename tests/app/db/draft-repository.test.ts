import { describe, expect, it } from 'vitest';
import { reactive } from 'vue';
import { clearDraft, loadDraft, saveDraft, NEW_DRAFT_KEY } from '../../../src/app/db/draft-repository';
import { ID1, freshDb, sampleContent } from './helpers';

describe('drafts', () => {
  it('restores the last saved content of the new-event form', async () => {
    const db = freshDb();
    await saveDraft(db, NEW_DRAFT_KEY, sampleContent({ title: '写了一半' }), Date.parse('2023-09-16T02:00:00Z'));
    await saveDraft(db, NEW_DRAFT_KEY, sampleContent({ title: '写了一大半', attendance: 30 }), Date.parse('2023-09-16T02:00:05Z'));
    const draft = await loadDraft(db, NEW_DRAFT_KEY);
    expect(draft).toEqual({ key: 'new', content: sampleContent({ title: '写了一大半', attendance: 30 }), savedAt: '2023-09-16T02:00:05.000Z' });
  });

  it('keeps drafts of different events apart and clears one without the other', async () => {
    const db = freshDb();
    await saveDraft(db, NEW_DRAFT_KEY, sampleContent({ title: '新' }), 0);
    await saveDraft(db, ID1, sampleContent({ title: '改' }), 0);
    await clearDraft(db, NEW_DRAFT_KEY);
    expect(await loadDraft(db, NEW_DRAFT_KEY)).toBeUndefined();
    expect((await loadDraft(db, ID1))?.content.title).toBe('改');
  });

  it('saves the reactive form state a Vue form holds', async () => {
    const db = freshDb();
    const form = reactive(sampleContent({ themes: ['health'] }));
    await saveDraft(db, NEW_DRAFT_KEY, form, 0);
    expect((await loadDraft(db, NEW_DRAFT_KEY))?.content.themes).toEqual(['health']);
  });
});
