import { expect, test } from 'vitest';
import { FEEDBACK_CATEGORIES, FEEDBACK_CATEGORY_ZH, FEEDBACK_LIMITS, FEEDBACK_STATE_ZH, SATISFACTION_LEVELS, SATISFACTION_ZH } from '../../src/domain/feedback';
import { CATEGORY_WORDS, LIMITS, SATISFACTION_WORDS, STATE_WORDS } from '../../src/feedback/words';

// The public page copies the domain's words (importing them would pull valibot into its 30 KB).
test('the public page says what the domain says', () => {
  expect(SATISFACTION_WORDS).toEqual(SATISFACTION_LEVELS.map((n) => [n, SATISFACTION_ZH[n]]));
  expect(CATEGORY_WORDS).toEqual(FEEDBACK_CATEGORIES.map((c) => [c, FEEDBACK_CATEGORY_ZH[c]]));
  expect(STATE_WORDS).toEqual(FEEDBACK_STATE_ZH);
  expect(LIMITS).toEqual({
    liked: FEEDBACK_LIMITS.likedMax,
    suggest: FEEDBACK_LIMITS.suggestMax,
    text: FEEDBACK_LIMITS.textMax,
    comment: FEEDBACK_LIMITS.commentMax,
    phone: FEEDBACK_LIMITS.phoneMax,
  });
});
