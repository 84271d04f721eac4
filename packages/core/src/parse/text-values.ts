// Text that is not what it seems (SPEC §1.2): one spelling per text (NFC), no NUL inside a value,
// and identifiers that hold only their own characters — a CUSIP with a zero-width space, a
// Cyrillic letter or a fullwidth digit must not become a separate security.

const NON_ASCII = /[\u0080-\uffff]/; // any UTF-16 code unit past ASCII
// Unicode "format" characters: invisible (zero-width space and joiners, soft hyphen, BOM,
// direction marks, word joiner…); they change no visible character of an identifier.
const FORMAT_CHARACTERS = /\p{Cf}/gu;

/** The text in Unicode normalisation form C (ASCII text is returned as is, at no cost). */
export function normalizeText(text: string): string {
  return NON_ASCII.test(text) ? text.normalize('NFC') : text;
}

/** Why a value cannot be kept because of a NUL character, or `undefined`. */
export function nulProblem(text: string): string | undefined {
  const at = text.indexOf('\u0000');
  return at < 0
    ? undefined
    : `contains a NUL character (U+0000) at position ${at + 1}; a value never keeps one — remove it`;
}

/** The text without invisible format characters (Unicode category Cf). */
export function dropFormatCharacters(text: string): string {
  return NON_ASCII.test(text) ? text.replace(FORMAT_CHARACTERS, '') : text;
}

/** C0 controls and DEL: not shown, only named by code point. */
const isControl = (char: string) => {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
};

const codePoint = (char: string) =>
  `U+${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;

/** Names the first character of `text` outside `allowed` (one character class), if any. */
function firstOutsider(text: string, allowed: RegExp): string | undefined {
  let position = 0;
  for (const char of text) {
    position++;
    if (!allowed.test(char)) {
      const shown = isControl(char) ? '' : ` "${char}"`;
      const hint = NON_ASCII.test(char) ? ' — a look-alike from another alphabet or width?' : '';
      return `${codePoint(char)}${shown} at position ${position}${hint}`;
    }
  }
  return undefined;
}

const DIGIT = /^[0-9]$/;
const ALPHANUMERIC = /^[A-Za-z0-9]$/;

/**
 * The identifier columns and what each holds (SPEC §1.1): a MESSAGE_ID is ASCII digits, a CUSIP
 * nine ASCII letters and digits. Their values are read without invisible format characters and
 * refused when anything else is left.
 */
export const IDENTIFIER_COLUMNS: Readonly<Record<string, (text: string) => string | undefined>> =
  Object.freeze({
    MESSAGE_ID: (text: string) => {
      const outsider = firstOutsider(text, DIGIT);
      return outsider === undefined
        ? undefined
        : `MESSAGE_ID "${text}" must be ASCII digits only: ${outsider}${/^\d(\.\d+)?E\+\d+$/i.test(text) ? ' (scientific notation: format the column as text upstream)' : ''}`;
    },
    CUSIP: (text: string) => {
      const outsider = firstOutsider(text, ALPHANUMERIC);
      if (outsider !== undefined)
        return `CUSIP "${text}" must be 9 ASCII letters and digits: ${outsider}`;
      return text.length === 9
        ? undefined
        : `CUSIP "${text}" has ${text.length} characters; a CUSIP is 9 ASCII letters and digits`;
    },
  });
