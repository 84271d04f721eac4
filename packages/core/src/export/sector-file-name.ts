/** Device names Windows reserves, with or without an extension. */
const WINDOWS_RESERVED = /^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$/i;

/** The longest sector file name we write: `Processed_Colors_<name>.xlsx` stays within 255 bytes. */
export const MAX_SECTOR_FILE_NAME = 200;

const escapeChar = (char: string) =>
  `_x${(char.codePointAt(0) as number).toString(16).toUpperCase()}_`;

/**
 * A sector's name as a folder and file name on any file system, and as an S3 key segment: ASCII
 * letters, digits, `-`, `.` (not at either end) and `_` stay as they are; every other character
 * is written `_x<hex code point>_` (so is a `_` followed by `x` or `X`, which would read as an
 * escape), and a Windows device name gets its first letter escaped. The encoding can be read back,
 * so two sectors never share a file — by construction, not by a hash — even on case-insensitive
 * file systems (the escapes' hex digits are upper-case, and sectors differing only in case are
 * one sector, SPEC §1). The desk's usual names (`MM-CLO`, `2.0_Mezz`) are unchanged.
 *
 * @example
 * ```ts
 * sectorFileName('MM-CLO'); // 'MM-CLO'
 * sectorFileName('MM CLO'); // 'MM_x20_CLO'
 * sectorFileName('../etc'); // '_x2E_._x2F_etc'
 * ```
 */
export function sectorFileName(sector: string): string {
  const chars = [...sector];
  let name = '';
  chars.forEach((char, i) => {
    const plain =
      /^[A-Za-z0-9-]$/.test(char) ||
      (char === '.' && i > 0 && i < chars.length - 1) ||
      (char === '_' && !/^[xX]$/.test(chars[i + 1] ?? ''));
    name += plain ? char : escapeChar(char);
  });
  if (WINDOWS_RESERVED.test(name)) name = escapeChar(name[0] as string) + name.slice(1);
  return name;
}

/**
 * Why a sector cannot be exported, or `undefined` when it can: its file name (see
 * {@link sectorFileName}) must be at most {@link MAX_SECTOR_FILE_NAME} characters.
 */
export function sectorExportProblem(sector: string): string | undefined {
  const length = sectorFileName(sector).length;
  return length > MAX_SECTOR_FILE_NAME
    ? `is too long to name its export file (${length} characters once encoded; at most ${MAX_SECTOR_FILE_NAME}: shorten the sector)`
    : undefined;
}
