/**
 * "退回" means one thing: staff sent an event back in review. A change the server refused while
 * syncing has its own words (同步被拒 / 未被服务器接受), in every sync message, so a volunteer never
 * mistakes one for the other; and the list of returned events says to whom (退回给我的 / 我退回的).
 */
import { describe, expect, it } from 'vitest';
import sync from '../../../src/app/i18n/messages/sync';
import approval from '../../../src/app/i18n/messages/approval';
import reports from '../../../src/app/i18n/messages/reports';

/** Every leaf string of a messages tree. */
const leaves = (tree: unknown): string[] => (typeof tree === 'string' ? [tree] : tree && typeof tree === 'object' ? Object.values(tree).flatMap(leaves) : []);

describe('the word 退回', () => {
  it('never names a sync refusal, in Chinese or English', () => {
    expect(leaves(sync['zh-CN']).filter((s) => s.includes('退回'))).toEqual([]);
    expect(leaves(sync.en).filter((s) => /\breturn/i.test(s))).toEqual([]);
    expect(sync['zh-CN'].sync.badge.quarantined).toBe('{n} 条同步被拒');
    expect(sync['zh-CN'].sync.settings.quarantineTitle).toBe('未被服务器接受的修改');
  });

  it('is not used for "back to submitted" after an approved event changed', () => {
    expect(approval['zh-CN'].approval.since.intro).not.toContain('退回');
  });

  it('names whose returned events a list holds', () => {
    expect([reports['zh-CN'].review.returnedMine, reports['zh-CN'].review.returnedByMe]).toEqual(['退回给我的', '我退回的']);
    expect([reports.en.review.returnedMine, reports.en.review.returnedByMe]).toEqual(['Returned to me', 'Returned by me']);
  });
});
