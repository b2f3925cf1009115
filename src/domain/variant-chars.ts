/**
 * Variant characters that official tables use where people write the common form. 巺 (U+5DFA) is
 * how the 2023 statistical code table writes 巽寮 (巽寮滨海旅游度假区); the others are frequent in
 * place names. People read the common form everywhere (pickers, tables, the map); the official
 * code stays the key, and search and import accept either form (name-match.ts).
 */
export const VARIANT_CHARS: Readonly<Record<string, string>> = { 巺: '巽', 峯: '峰', 邨: '村', 裏: '里', 塲: '场' };

const VARIANTS = new RegExp(`[${Object.keys(VARIANT_CHARS).join('')}]`, 'g');

/** The text with every variant character replaced by its common form (巺寮 → 巽寮); nothing else changes. */
export function commonFormOf(text: string): string {
  return text.replace(VARIANTS, (c) => VARIANT_CHARS[c] ?? c);
}
