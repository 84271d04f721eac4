/** A comma-separated option (`--asset-classes CLO,ABS`) as its trimmed, non-empty items. */
export const listOption = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
