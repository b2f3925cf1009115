/**
 * The encoding of a text table as Chinese offices save them. Excel and WPS on Chinese Windows
 * write "CSV (逗号分隔)" in the system code page, GBK (read as its superset GB18030), without a
 * BOM; "CSV UTF-8" with a BOM; "Unicode 文本" as UTF-16LE with a BOM, tab-separated. A file
 * without a BOM is UTF-8 if it decodes as UTF-8 without a single error (GBK's two-byte Chinese
 * almost never does), else GB18030; NUL bytes in the first kilobytes, which neither writes,
 * mean UTF-16 without a BOM, its byte order told by where the NULs of ASCII characters sit.
 */

/** Encodings the import tells apart; the summary names the one it found. */
export type TextEncodingName = 'utf-8' | 'utf-8-bom' | 'gb18030' | 'utf-16le' | 'utf-16be';

/** Decoded text (without its BOM) and the encoding it was read in. */
export interface DecodedText {
  readonly text: string;
  readonly encoding: TextEncodingName;
}

/** Decodes a text file's bytes in the encoding they are most likely in (see the file comment). */
export function decodeTableText(bytes: Uint8Array): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8-bom' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  const head = bytes.subarray(0, 4096);
  let evenNul = 0;
  let oddNul = 0;
  head.forEach((b, i) => {
    if (b === 0) i % 2 === 0 ? evenNul++ : oddNul++;
  });
  if (evenNul + oddNul > head.length / 8) {
    const encoding = oddNul >= evenNul ? 'utf-16le' : 'utf-16be';
    return { text: new TextDecoder(encoding).decode(bytes), encoding };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}
