/**
 * Whether text shows anything. A required text (an event's title, a volunteer's or a partner's
 * name) made only of characters that render as nothing looks empty on every screen and in every
 * export, so it is as missing as an empty string.
 *
 * Invisible here: white space (incl. U+3000 ideographic space and U+00A0), the Default_Ignorable
 * code points (U+200B–U+200D zero-width space and joiners, U+2060 word joiner, U+FEFF, U+00AD soft
 * hyphen, the bidi marks, embeddings and isolates U+200E/F, U+202A–U+202E, U+2066–U+2069, U+061C,
 * variation selectors, the Hangul fillers U+115F/U+1160/U+3164/U+FFA0, tag characters), control
 * characters, and U+2800 (the blank Braille pattern, a favourite "empty" name). Text with anything
 * else is kept exactly as typed: a joiner inside an emoji or a bidi mark in a mixed-script name is
 * legitimate.
 */
const VISIBLE = /[^\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}\u2800]/u;

/** True when `s` has at least one character that renders as something. */
export function hasVisibleText(s: string): boolean {
  return VISIBLE.test(s);
}
