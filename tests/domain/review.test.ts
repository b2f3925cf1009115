import { describe, expect, it } from 'vitest';
import { eventContentEntries } from '../../src/domain/event';
import { REVIEW_RESET_FIELDS, changesSinceApproval, losesApproval } from '../../src/domain/review';

describe('what an approval covers', () => {
  it('ends with a change to any content field but the notes and the map point', () => {
    expect([...REVIEW_RESET_FIELDS].sort()).toEqual(
      Object.keys(eventContentEntries)
        .filter((k) => k !== 'notes' && k !== 'point')
        .sort(),
    );
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

describe('changes since the last approval', () => {
  const h = (rev: number, field: string, oldValue: unknown, newValue: unknown, userId = 'u-vol') => ({
    rev,
    field,
    oldValue,
    newValue,
    userId,
    at: `2024-05-2${rev}T09:00:00.000Z`,
  });

  it('lists each field changed after the latest approval, with the approved value and the last one', () => {
    const history = [
      h(2, 'attendance', 100, 200),
      h(3, 'status', 'submitted', 'reviewed', 'u-staff'),
      h(4, 'attendance', 200, 500000),
      h(4, 'status', 'reviewed', 'submitted'),
      h(5, 'attendance', 500000, 600000),
      h(5, 'notes', '', '补充'),
      h(6, 'venueName', '甲校', '乙校'),
      h(7, 'venueName', '乙校', '甲校'),
    ];
    expect(changesSinceApproval(history)).toEqual([
      { field: 'attendance', before: 200, after: 600000, userId: 'u-vol', at: '2024-05-25T09:00:00.000Z' },
      { field: 'notes', before: '', after: '补充', userId: 'u-vol', at: '2024-05-25T09:00:00.000Z' },
    ]);
  });

  it('counts from the latest approval, and is null for an event never approved', () => {
    const history = [h(3, 'status', 'submitted', 'reviewed'), h(4, 'title', 'a', 'b'), h(5, 'status', 'submitted', 'reviewed')];
    expect(changesSinceApproval(history)).toEqual([]);
    expect(changesSinceApproval([h(2, 'title', 'a', 'b')])).toBeNull();
  });
});
