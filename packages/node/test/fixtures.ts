import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A zip whose single `xl/workbook.xml` entry inflates to `size` bytes of zeros: a zip bomb renamed
 * .xlsx. The CRC is never checked because nothing may inflate it.
 */
export function zipBomb(size: number): Buffer {
  const raw = Buffer.alloc(size);
  const data = deflateRawSync(raw, { level: 9 });
  const name = Buffer.from('xl/workbook.xml');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(raw.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(raw.length, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(local.length + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

/**
 * A zip of the given entries in the given order, as an xlsx is laid out: stored unless `deflate`
 * says so for an entry; `utf8Names` sets the "names are UTF-8" flag. A list may repeat a name (a
 * damaged or hostile file).
 */
export function zipOf(
  entries: readonly (readonly [string, string | Buffer])[],
  options: { deflate?: (name: string) => boolean; utf8Names?: boolean } = {},
): Buffer {
  const flags = options.utf8Names ? 0x0800 : 0;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [path, content] of entries) {
    const name = Buffer.from(path);
    const raw = Buffer.from(content);
    const deflated = options.deflate?.(path) ?? false;
    const data = deflated ? deflateRawSync(raw) : raw;
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(deflated ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(deflated ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** {@link zipOf}, every entry stored; `entries` as a record or a list (a list may repeat a name). */
export function storedZip(
  entries: Record<string, string> | readonly (readonly [string, string | Buffer])[],
): Buffer {
  return zipOf(Array.isArray(entries) ? entries : Object.entries(entries));
}

/** A minimal workbook whose one sheet holds `sheetXml` (e.g. malformed XML). */
export function workbookWithSheet(sheetXml: string): Buffer {
  return storedZip(workbookParts(sheetXml));
}

/** The zip entries of a minimal one-sheet workbook ("Colors"), in the usual order. */
export function workbookParts(sheetXml: string): Record<string, string> {
  return {
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    'xl/workbook.xml':
      '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Colors" sheetId="1" r:id="rId1"/></sheets></workbook>',
    'xl/_rels/workbook.xml.rels':
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    'xl/worksheets/sheet1.xml': sheetXml,
  };
}

const escapeXml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const columnLetter = (i: number): string =>
  i < 26
    ? String.fromCharCode(65 + i)
    : `${columnLetter(Math.floor(i / 26) - 1)}${columnLetter(i % 26)}`;

/**
 * The parts of a one-sheet workbook whose text cells are shared strings (as Excel writes them):
 * numbers are number cells, text goes through `xl/sharedStrings.xml`. Order the parts as a test
 * needs and zip them with {@link storedZip}.
 */
export function sharedStringWorkbookParts(
  rows: readonly (readonly (string | number)[])[],
): Record<string, string> {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const cell = (value: string | number, ref: string) => {
    if (typeof value === 'number') return `<c r="${ref}"><v>${value}</v></c>`;
    let i = index.get(value);
    if (i === undefined) {
      i = strings.push(value) - 1;
      index.set(value, i);
    }
    return `<c r="${ref}" t="s"><v>${i}</v></c>`;
  };
  const sheetRows = rows
    .map(
      (row, r) =>
        `<row r="${r + 1}">${row.map((v, c) => cell(v, `${columnLetter(c)}${r + 1}`)).join('')}</row>`,
    )
    .join('');
  const base = workbookParts(
    `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`,
  );
  return {
    ...base,
    'xl/sharedStrings.xml': `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.length}" uniqueCount="${strings.length}">${strings.map((s) => `<si><t xml:space="preserve">${escapeXml(s)}</t></si>`).join('')}</sst>`,
  };
}

/** `parts` re-keyed so that the entries named in `first` come first, in that order, then the rest. */
export function inZipOrder(
  parts: Record<string, string>,
  first: readonly string[],
): Record<string, string> {
  const ordered: Record<string, string> = {};
  for (const name of first) if (name in parts) ordered[name] = parts[name] as string;
  for (const [name, text] of Object.entries(parts)) if (!(name in ordered)) ordered[name] = text;
  return ordered;
}
