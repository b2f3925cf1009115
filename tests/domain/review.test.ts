import { describe, expect, it } from 'vitest';
import { eventContentEntries } from '../../src/domain/event';
import { REVIEW_RESET_FIELDS, losesApproval } from '../../src/domain/review';

describe('what an approval covers', () => {
  it('ends with a change to any content field but the notes and the map point', () => {
    expect([...REVIEW_RESET_FIELDS].sort()).toEqual(Object.keys(eventContentEntries).filter((k) => k !== 'notes' && k !== 'point').sort());
    expect(REVIEW_RESET_FIELDS).toContain('attendance');
    expect(REVIEW_RESET_FIELDS).toContain('photos');
  });

  it('ends only for a reviewed event and a counted field', () => {
    expect(losesApproval('reviewed', ['attendance'])).toBe(true);
    expect(losesApproval('reviewed', ['notes', 'materials'])).toBe(true);
    expect(losesApproval('reviewed', ['notes', 'point'])).toBe(false);
    expect(losesApproval('reviewed', [])).toBe(false);
    expect(losesApproval('submitted', ['attendance'])).toBe(false);
    expect(losesApproval('returned', ['attendance'])).toBe(false);
  });
});
