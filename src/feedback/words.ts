/**
 * The public page's words and limits. Copies of domain/feedback.ts (not imported: importing would pull valibot
 * into the page and share chunks with the app); tests/domain/feedback-page-words.test.ts holds
 * them equal.
 */
export const SATISFACTION_WORDS: [number, string][] = [
  [5, '非常满意'],
  [4, '满意'],
  [3, '一般'],
  [2, '不满意'],
  [1, '非常不满意'],
];
export const CATEGORY_WORDS: [string, string][] = [
  ['suggestion', '意见建议'],
  ['complaint', '投诉'],
  ['inquiry', '咨询'],
  ['praise', '表扬'],
];
export const STATE_WORDS: Record<string, string> = {
  received: '待受理',
  accepted: '已受理',
  inProgress: '办理中',
  replied: '已答复',
  closed: '已办结',
  rejected: '不予受理',
};
export const LIMITS = { liked: 500, suggest: 500, text: 2000, comment: 500, phone: 20 };
