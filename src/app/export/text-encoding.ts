/**
 * Moved to app/import/text-encoding.ts with the rest of the import code. This re-export stays
 * only until export/read-table.ts (edited in parallel elsewhere) moves to app/import/ too, when
 * the merge deletes this file.
 */
export { decodeTableText, type DecodedText, type TextEncodingName } from '../import/text-encoding';
