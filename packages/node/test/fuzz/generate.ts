// Seeded generator of upload files for the fuzz test: CSV (delimiters, quoting, line endings,
// BOM, UTF-16, invalid bytes, truncation) and xlsx (shared or inline strings, stored or deflated
// entries in any zip order, truncation), with identifiers, numbers, dates and text that are
// valid, look-alike, ambiguous or broken. Each file says what the oracle must expect of it.
import { zipOf } from '../fixtures.js';
import type { NumberStyle, OracleCell } from './oracle.js';
import { ORACLE_COLUMNS, OUTPUT_COLUMNS } from './oracle.js';

/** A small seeded PRNG (mulberry32): the same seed gives the same files. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
}

export type Format = 'csv' | 'xlsx';

/** What the oracle must make of a file. */
export type Expectation =
  /** Refused, with one of these codes and a message matching. */
  | { kind: 'refusal'; codes: string[]; message: RegExp }
  /** A workbook: the oracle reads the cells the generator wrote. */
  | { kind: 'cells'; table: OracleCell[][]; style: NumberStyle }
  /** A CSV file: the oracle decodes the bytes itself (`written`: the cells, when the bytes are intact). */
  | { kind: 'csv'; delimiter: string; style: NumberStyle; written?: string[][] };

export interface GeneratedFile {
  format: Format;
  bytes: Buffer;
  description: string;
  parse: { decimalSeparator: '.' | ','; impreciseIds: 'keep' | 'reject' };
  /** The largest file accepted, when the generator tests the limit. */
  maxBytes?: number;
  expect: Expectation;
}

const FORMAT_CHARS = ['\u200b', '\u00ad', '\ufeff', '\u2060', '\u200e', '\u200d'];
const LOOKALIKES: Record<string, string> = {
  A: '\u0410',
  O: '\u041e',
  C: '\u0421',
  E: '\u0415',
  P: '\u0420',
  B: '\u0412',
};
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const BIASES = [
  'TRADE CONFIRM',
  'BWIC COVER',
  'BID',
  'OFFER',
  'BWIC TALK',
  'VALUATION',
  'MARKET',
  'DNT BEST',
];
const nfc = 'Mezz-Société';
const TEXTS = [
  'WDMNT 2022-9A ER',
  'OCT 2021-1A D',
  nfc,
  nfc.normalize('NFD'),
  'A, "quoted" one',
  'semi;colon',
  'tab\there',
  'two\nlines',
  '=HYPERLINK("http://evil.example","x")',
  '+1',
  'R&D <x> &amp; &lt;',
  '東京 CLO',
  'emoji 📈',
  '  padded  ',
  '\u00a0nbsp\u00a0',
  'Ω≈ç√',
];
const EXTRA_NAMES = [
  'Desk Note',
  'Trader',
  `Note ${nfc.normalize('NFD')}`,
  '=HYPERLINK("http://evil.example/h","hdr")',
  'comma, name',
  'Comment;2',
  'Ünïcödé',
];
const RESERVED_NAMES = ['__proto__', 'constructor', 'prototype'];

const digits = (rng: Rng, n: number) =>
  Array.from({ length: n }, (_, i) =>
    i === 0 ? String(1 + rng.int(9)) : String(rng.int(10)),
  ).join('');
/** `piece` inserted before code point `at` of `text` (never inside a surrogate pair). */
const insertAt = (text: string, at: number, piece: string) => {
  const chars = Array.from(text);
  chars.splice(Math.min(at, chars.length), 0, piece);
  return chars.join('');
};
const pad2 = (n: number) => String(n).padStart(2, '0');

interface Context {
  rng: Rng;
  format: Format;
}

/** A cell for `column` (a configured column name, the imprecise flag or a pass-through column). */
function cellFor(column: string, ctx: Context): OracleCell {
  const { rng, format } = ctx;
  const xlsx = format === 'xlsx';
  const nul = (text: string) =>
    !xlsx && rng.chance(0.2) ? insertAt(text, rng.int(text.length + 1), '\u0000') : text;
  const spaced = (text: string) => (rng.chance(0.1) ? ` ${text}\u00a0` : text);
  switch (column) {
    case 'MESSAGE_ID': {
      const id = `1773${digits(rng, 13)}`;
      const r = rng.next();
      if (xlsx && r < 0.15) return rng.chance(0.5) ? Number(id) : rng.int(2 ** 31); // imprecise / exact
      if (xlsx && r < 0.17) return rng.pick([-5, 12.5]);
      if (r < 0.25) return insertAt(id, rng.int(18), rng.pick(FORMAT_CHARS));
      if (r < 0.28) return insertAt(id, 1 + rng.int(16), rng.pick(['\uff11', '\u0661', ' ']));
      if (r < 0.3) return rng.pick(['', '1.77342E+16', nul('x')]);
      return spaced(id);
    }
    case 'CUSIP': {
      let cusip = Array.from({ length: 9 }, () => rng.pick([...ALNUM])).join('');
      const r = rng.next();
      if (r < 0.1) cusip = insertAt(cusip, rng.int(10), rng.pick(FORMAT_CHARS));
      else if (r < 0.15) {
        const at = rng.int(9);
        cusip = `${cusip.slice(0, at)}${rng.pick(Object.values(LOOKALIKES))}${cusip.slice(at + 1)}`;
      } else if (r < 0.18) cusip = rng.chance(0.5) ? cusip.slice(0, 8) : `${cusip}X`;
      else if (r < 0.2) return rng.pick(['', nul('ABCDEFGH1')]);
      else if (xlsx && r < 0.23) return 100_000_000 + rng.int(899_999_999);
      if (rng.chance(0.3)) cusip = cusip.toLowerCase();
      return spaced(cusip);
    }
    case 'SECTOR':
    case 'TICKER':
    case 'SOURCE':
    case 'DIFF_STATUS': {
      const r = rng.next();
      if (r < 0.05) return '';
      if (xlsx && r < 0.08) return rng.pick([42, true]);
      const text = rng.pick(TEXTS);
      return nul(xlsx ? text.replaceAll('\r', '') : text);
    }
    case 'BIAS': {
      const r = rng.next();
      if (r < 0.05) return rng.pick(['', 'WEIRD']);
      const bias = rng.pick(BIASES);
      return rng.chance(0.2) ? ` ${bias.toLowerCase().replace(' ', '  ')} ` : bias;
    }
    case 'RANK':
      if (xlsx && rng.chance(0.2)) return rng.pick([1, 3, 6, 7, 2.5, 0]);
      return rng.pick(['1', '2', '3', '4', '5', '6', '', '', '', '7', '2.5', ' 3 ', 'x']);
    case 'CONFIDENCE':
      return rng.pick(['0', '5', '10', '', '11', '-1', '3.5']);
    case 'DATE':
    case 'DATE_1': {
      const year = 2020 + rng.int(8);
      const month = 1 + rng.int(12);
      const day = 1 + rng.int(28);
      const iso = `${year}-${pad2(month)}-${pad2(day)}`;
      const r = rng.next();
      if (xlsx && r < 0.15)
        return Math.round((Date.UTC(year, month - 1, day) - Date.UTC(1899, 11, 30)) / 86_400_000);
      if (r < 0.2) return `${iso}T10:30:00-05:00`;
      if (r < 0.24)
        return rng.pick([`${year}-02-30`, `${month}/${day}/${year}`, 'soon', '2026-3-1']);
      if (r < (column === 'DATE' ? 0.26 : 0.5)) return '';
      return spaced(iso);
    }
    case 'MESSAGE_ID_IMPRECISE':
      if (xlsx && rng.chance(0.3)) return rng.chance(0.5);
      return rng.pick(['TRUE', 'FALSE', '', 'true', '1', 'maybe']);
    default:
      if (ORACLE_COLUMNS.some((c) => c.name === column)) return numberCell(ctx);
      if (xlsx && rng.chance(0.2)) return rng.pick([1.5, -3, true, false]);
      return nul(rng.chance(0.2) ? '' : rng.pick(TEXTS));
  }
}

function numberCell({ rng, format }: Context): OracleCell {
  if (format === 'xlsx' && rng.chance(0.6)) return rng.pick([98.125, 0, -1.4, 1234.5, 1e21, 97]);
  return rng.pick([
    '98.125',
    '97',
    '-1.4',
    '0',
    '1,234.5',
    '1,234',
    '98,125',
    '96,91',
    '1.234,5',
    '1.234.567,25',
    '98.',
    '.5',
    '1e2',
    '1,5e2',
    '12abc',
    '(1.5)',
    '5%',
    '',
    ' 98.5 ',
    '\u00a0100\u00a0',
    '1,23',
    '-',
  ]);
}

/** The header text a desk might have written for a column: its name or display name, any case. */
function headerFor(name: string, rng: Rng): string {
  const column = ORACLE_COLUMNS.find((c) => c.name === name);
  const text = column && rng.chance(0.3) ? column.display : name;
  const cased = rng.chance(0.2) ? text.toLowerCase() : text;
  return rng.chance(0.1) ? ` ${cased} ` : cased;
}

interface Table {
  header: string[];
  columns: string[];
  rows: OracleCell[][];
  description: string[];
}

function generateTable(rng: Rng, format: Format): Table {
  const columns: string[] = [];
  const description: string[] = [];
  for (const c of ORACLE_COLUMNS) {
    if (c.headerRequired ? !rng.chance(0.01) : rng.chance(0.6)) columns.push(c.name);
    else if (c.headerRequired) description.push(`no ${c.name} header`);
  }
  if (rng.chance(0.08)) columns.push(rng.pick(OUTPUT_COLUMNS));
  if (rng.chance(0.06)) columns.push('MESSAGE_ID_IMPRECISE');
  const extras = rng.shuffle([...EXTRA_NAMES]).slice(0, rng.int(4));
  if (rng.chance(0.02)) extras.push(rng.pick(RESERVED_NAMES));
  columns.push(...extras);
  rng.shuffle(columns);
  const header = columns.map((name) => (extras.includes(name) ? name : headerFor(name, rng)));
  const wide = rng.chance(0.03); // a wide file: many rows crossing read chunks
  const count = wide ? 300 + rng.int(300) : rng.int(25);
  const ctx = { rng, format };
  const rows: OracleCell[][] = [];
  for (let i = 0; i < count; i++) {
    if (rng.chance(0.04)) rows.push(columns.map(() => (rng.chance(0.5) ? '' : null)));
    else rows.push(columns.map((name) => cellFor(name, ctx)));
  }
  description.push(`${columns.length} columns`, `${count} rows`);
  return { header, columns, rows, description };
}

// —— CSV ——

function csvField(value: string, delimiter: string, rng: Rng): string {
  const needs = value.includes(delimiter) || /["\r\n]/.test(value) || value.trim() !== value;
  return needs || rng.chance(0.05) ? `"${value.replaceAll('"', '""')}"` : value;
}

const INVALID_UTF8 = [
  [0xff],
  [0x80],
  [0xc3],
  [0xed, 0xa0, 0x80],
  [0xe0, 0x80, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xc0, 0xaf],
];

function csvFile(rng: Rng, parse: GeneratedFile['parse']): GeneratedFile {
  const t = generateTable(rng, 'csv');
  const delimiter = rng.pick([',', ';', '\t']);
  const newline = rng.pick(['\n', '\r\n']);
  const written = [t.header, ...t.rows.map((r) => r.map((c) => String(c ?? '')))];
  const lines = written.map((cells) =>
    cells.map((c) => csvField(c, delimiter, rng)).join(delimiter),
  );
  const bom = rng.chance(0.3);
  const text = `${bom ? '\ufeff' : ''}${lines.join(newline)}${rng.chance(0.8) ? newline : ''}`;
  const style: NumberStyle =
    delimiter === ','
      ? 'standard'
      : parse.decimalSeparator === ','
        ? 'decimal-comma'
        : 'decimal-point';
  const name = delimiter === '\t' ? 'tab' : delimiter;
  const description = [
    `csv "${name}"`,
    newline === '\n' ? 'LF' : 'CRLF',
    bom ? 'BOM' : 'no BOM',
    ...t.description,
  ];
  const headerEnd = Buffer.byteLength(`${bom ? '\ufeff' : ''}${lines[0]}${newline}`);
  let bytes = Buffer.from(text);
  const r = rng.next();
  if (r < 0.05) {
    const bigEndian = rng.chance(0.5);
    const withBom = rng.chance(0.5);
    const le = Buffer.from(`${withBom ? '\ufeff' : ''}${text.replace(/^\ufeff/, '')}`, 'utf16le');
    bytes = bigEndian ? Buffer.from(le).swap16() : le;
    description.push(`UTF-16${bigEndian ? 'BE' : 'LE'}${withBom ? ' with BOM' : ''}`);
    return {
      format: 'csv',
      bytes,
      description: description.join(', '),
      parse,
      expect: { kind: 'refusal', codes: ['UNSUPPORTED_MEDIA_TYPE'], message: /UTF-16|not UTF-8/ },
    };
  }
  if (r < 0.12 && bytes.length > headerEnd) {
    // Invalid bytes at a character boundary after the header.
    let at = headerEnd + rng.int(bytes.length - headerEnd);
    while (at < bytes.length && ((bytes[at] as number) & 0xc0) === 0x80) at++;
    const bad = Buffer.from(rng.pick(INVALID_UTF8));
    bytes = Buffer.concat([bytes.subarray(0, at), bad, bytes.subarray(at)]);
    description.push(`invalid UTF-8 ${bad.toString('hex')} at ${at}`);
    return {
      format: 'csv',
      bytes,
      description: description.join(', '),
      parse,
      expect: { kind: 'csv', delimiter, style },
    };
  }
  if (r < 0.18 && bytes.length > headerEnd) {
    let cut = headerEnd + rng.int(bytes.length - headerEnd);
    if (bytes[cut - 1] === 0x0d && bytes[cut] === 0x0a) cut++; // never between CR and LF
    bytes = bytes.subarray(0, cut);
    description.push(`truncated at ${cut}`);
    return {
      format: 'csv',
      bytes,
      description: description.join(', '),
      parse,
      expect: { kind: 'csv', delimiter, style },
    };
  }
  if (r < 0.185) {
    description.push('empty');
    return {
      format: 'csv',
      bytes: Buffer.alloc(0),
      description: description.join(', '),
      parse,
      expect: { kind: 'refusal', codes: ['VALIDATION_ERROR'], message: /is empty/ },
    };
  }
  return {
    format: 'csv',
    bytes,
    description: description.join(', '),
    parse,
    expect: { kind: 'csv', delimiter, style, written },
  };
}

// —— xlsx ——

const xmlText = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const columnLetter = (i: number): string =>
  i < 26
    ? String.fromCharCode(65 + i)
    : `${columnLetter(Math.floor(i / 26) - 1)}${columnLetter(i % 26)}`;

const WORKBOOK_PARTS = {
  '[Content_Types].xml':
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>',
  '_rels/.rels':
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
  'xl/workbook.xml':
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Colors" sheetId="1" r:id="rId1"/></sheets></workbook>',
  'xl/_rels/workbook.xml.rels':
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
  'docProps/app.xml': '<?xml version="1.0" encoding="UTF-8"?><Properties/>',
};

/** A zip of `entries` in order (UTF-8 names), each stored or deflated as `deflate` says. */
function zip(entries: [string, Buffer][], deflate: (name: string) => boolean): Buffer {
  return zipOf(entries, { deflate, utf8Names: true });
}

function xlsxFile(rng: Rng, parse: GeneratedFile['parse']): GeneratedFile {
  const t = generateTable(rng, 'xlsx');
  const strings = rng.pick(['shared', 'inline', 'mixed'] as const);
  const shared: string[] = [];
  const sharedIndex = new Map<string, number>();
  const cellXml = (value: OracleCell, ref: string): string => {
    if (value === null) return '';
    if (typeof value === 'object')
      return `<c r="${ref}" t="s"><v>${1_000_000 + rng.int(1000)}</v></c>`;
    if (typeof value === 'number') return `<c r="${ref}"><v>${value}</v></c>`;
    if (typeof value === 'boolean') return `<c r="${ref}" t="b"><v>${value ? 1 : 0}</v></c>`;
    if (strings === 'inline' || (strings === 'mixed' && rng.chance(0.5)))
      return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlText(value)}</t></is></c>`;
    let index = sharedIndex.get(value);
    if (index === undefined) {
      index = shared.push(value) - 1;
      sharedIndex.set(value, index);
    }
    return `<c r="${ref}" t="s"><v>${index}</v></c>`;
  };
  if (strings !== 'inline' && rng.chance(0.1))
    for (const row of t.rows)
      for (let c = 0; c < row.length; c++) if (rng.chance(0.02)) row[c] = { unreadable: true }; // names a shared string that is not there
  const table: OracleCell[][] = [t.header, ...t.rows];
  const sheetRows = table
    .map((row, r) => {
      const cells = row.map((v, c) => cellXml(v, `${columnLetter(c)}${r + 1}`)).join('');
      return cells === '' && rng.chance(0.5) ? '' : `<row r="${r + 1}">${cells}</row>`;
    })
    .join('');
  const parts: [string, Buffer][] = Object.entries(WORKBOOK_PARTS).map(([n, x]) => [
    n,
    Buffer.from(x),
  ]);
  parts.push([
    'xl/worksheets/sheet1.xml',
    Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`,
    ),
  ]);
  if (shared.length > 0 || rng.chance(0.5)) {
    const items = shared.map((s) => {
      if (s.length > 3 && rng.chance(0.2)) {
        const at = 1 + rng.int(s.length - 2);
        return `<si><r><t xml:space="preserve">${xmlText(s.slice(0, at))}</t></r><r><rPr><b/></rPr><t xml:space="preserve">${xmlText(s.slice(at))}</t></r></si>`;
      }
      return `<si><t xml:space="preserve">${xmlText(s)}</t></si>`;
    });
    parts.push([
      'xl/sharedStrings.xml',
      Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${items.length}" uniqueCount="${items.length}">${items.join('')}</sst>`,
      ),
    ]);
  }
  rng.shuffle(parts);
  const duplicate = rng.chance(0.01);
  if (duplicate)
    parts.push(rng.pick(parts.filter(([n]) => n.startsWith('xl/'))) as [string, Buffer]);
  const deflateAll = rng.pick([true, false, undefined]);
  let bytes = zip(parts, () => deflateAll ?? rng.chance(0.5));
  const description = [
    'xlsx',
    `${strings} strings`,
    `entries ${parts.map(([n]) => n.replace(/^.*\//, '')).join(' ')}`,
    deflateAll === undefined ? 'some deflated' : deflateAll ? 'deflated' : 'stored',
    ...t.description,
  ];
  if (duplicate) {
    description.push('an entry twice');
    return {
      format: 'xlsx',
      bytes,
      description: description.join(', '),
      parse,
      expect: {
        kind: 'refusal',
        codes: ['UNSUPPORTED_MEDIA_TYPE'],
        message: /two zip entries named/,
      },
    };
  }
  if (rng.chance(0.05)) {
    const cut = rng.int(bytes.length);
    bytes = bytes.subarray(0, cut);
    description.push(`truncated at ${cut}`);
    return {
      format: 'xlsx',
      bytes,
      description: description.join(', '),
      parse,
      expect: {
        kind: 'refusal',
        codes: cut === 0 ? ['VALIDATION_ERROR'] : ['UNSUPPORTED_MEDIA_TYPE'],
        message: cut === 0 ? /is empty/ : /not an xlsx workbook|not a valid xlsx/,
      },
    };
  }
  return {
    format: 'xlsx',
    bytes,
    description: description.join(', '),
    parse,
    expect: { kind: 'cells', table, style: 'standard' },
  };
}

/** The `index`-th file of a fuzz run with `seed`. */
export function generateFile(seed: number, index: number): GeneratedFile {
  const rng = new Rng((seed * 1_000_003 + index * 7919) >>> 0);
  const parse = {
    decimalSeparator: rng.pick(['.', ','] as const),
    impreciseIds: rng.chance(0.8) ? ('keep' as const) : ('reject' as const),
  };
  const file = rng.chance(0.55) ? csvFile(rng, parse) : xlsxFile(rng, parse);
  if (file.bytes.length > 0 && rng.chance(0.02)) {
    // One byte over the size limit: refused before anything reads it.
    return {
      ...file,
      maxBytes: file.bytes.length - 1,
      description: `${file.description}, over the size limit`,
      expect: { kind: 'refusal', codes: ['PAYLOAD_TOO_LARGE'], message: /the limit is/ },
    };
  }
  return file;
}
