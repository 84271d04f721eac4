import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { MarketPulseError } from '@market-pulse/core';
import type yauzl from 'yauzl';
import { inputOf, openZipInput, type SpreadsheetInput } from './spreadsheet-input.js';
import { wholeSequences } from './utf8-sequences.js';

// exceljs' streaming reader takes a workbook's zip entries in the order they are stored and
// resolves shared strings only when `xl/sharedStrings.xml` (and the workbook and its relations)
// come before a sheet; otherwise it parks the sheet in a temp file and, depending on timing, loses
// the entries after it or reads text cells as unresolved. Every order is legal (some writers put
// the shared strings last), so the zip is re-streamed in the one order exceljs handles.

/** The parts exceljs reads before any sheet, in the order it needs them. */
const LEADING_PARTS = [
  'xl/_rels/workbook.xml.rels',
  'xl/workbook.xml',
  'xl/styles.xml',
  'xl/sharedStrings.xml',
] as const;
const SHARED_STRINGS = 'xl/sharedStrings.xml';
/** The sheets exceljs recognises (other parts — themes, images, properties — it never reads). */
const SHEET_PART = /^xl\/worksheets\/sheet(\d+)\.xml$/;
/**
 * Stands in for a missing shared-strings part, so that exceljs reads sheets as they stream
 * instead of parking them in temp files (a sheet that names a shared string then gets an error
 * cell, see `unresolvedSharedStrings`).
 */
const EMPTY_SHARED_STRINGS = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>',
);
const EMPTY_CRC = crc32(EMPTY_SHARED_STRINGS);
/** An empty zip directory's end record (exceljs never reads the directory itself). */
const END_OF_DIRECTORY = Buffer.alloc(22);
END_OF_DIRECTORY.writeUInt32LE(0x06054b50, 0);

/**
 * zlib inflates in 16 KiB pieces; exceljs parses (and we batch rows) per piece it receives, so
 * larger pieces mean fewer parser rounds and row batches — what reading from a file gave it.
 */
const CHUNK_BYTES = 64 * 1024;

/**
 * The pieces regrouped into chunks of at least `size` bytes that end on a whole UTF-8 character:
 * exceljs decodes each chunk of XML on its own, so a character cut between two chunks would
 * become two U+FFFD (found by the upload fuzz test: "emoji 📈" read as "emoji ��").
 */
async function* inChunksOf(size: number, pieces: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let length = 0;
  for await (const piece of pieces) {
    held.push(piece);
    length += piece.length;
    if (length >= size) {
      const bytes = held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held, length);
      const whole = wholeSequences(bytes);
      yield bytes.subarray(0, whole);
      held = whole < bytes.length ? [bytes.subarray(whole)] : [];
      length = bytes.length - whole;
    }
  }
  if (length > 0) yield Buffer.concat(held, length);
}

function entriesOf(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', reject);
    zip.readEntry();
  });
}

function contentOf(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    // Inflated by yauzl, which holds each entry to the size its directory declares (checked
    // against the upload limits before): a lying entry cannot inflate past it.
    zip.openReadStream(entry, (err, stream) =>
      err || !stream ? reject(err ?? new Error('no stream')) : resolve(stream),
    ),
  );
}

/** A zip local file header for a stored (uncompressed) entry whose sizes and CRC are known. */
function storedHeader(name: Buffer, crc32: number, size: number): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4); // version needed
  header.writeUInt16LE(0x0800, 6); // UTF-8 name; sizes are in this header (no data descriptor)
  header.writeUInt16LE(0, 8); // stored
  header.writeUInt32LE(crc32 >>> 0, 14);
  header.writeUInt32LE(size, 18);
  header.writeUInt32LE(size, 22);
  header.writeUInt16LE(name.length, 26);
  return header;
}

const refuse = (path: string, why: string) =>
  new MarketPulseError('UNSUPPORTED_MEDIA_TYPE', `cannot read the workbook ${path}: ${why}`);

/** The entries exceljs reads, in the order it handles: relations, workbook, styles, shared strings, sheets by number. */
function readingOrder(path: string, entries: readonly yauzl.Entry[]): yauzl.Entry[] {
  const byName = new Map<string, yauzl.Entry>();
  for (const entry of entries) {
    if (byName.has(entry.fileName))
      throw refuse(path, `it holds two zip entries named ${entry.fileName} (a damaged file?)`);
    byName.set(entry.fileName, entry);
  }
  const leading = LEADING_PARTS.flatMap((name) => byName.get(name) ?? []);
  const sheets = entries
    .flatMap((entry) => {
      const match = SHEET_PART.exec(entry.fileName);
      return match ? [{ entry, n: Number(match[1]) }] : [];
    })
    .sort((a, b) => a.n - b.n)
    .map((s) => s.entry);
  for (const entry of [...leading, ...sheets]) {
    if (entry.isEncrypted()) throw refuse(path, `${entry.fileName} is encrypted`);
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)
      throw refuse(
        path,
        `${entry.fileName} uses zip compression method ${entry.compressionMethod} (only stored and deflated entries are read)`,
      );
  }
  return [...leading, ...sheets];
}

/**
 * The workbook at `file` (a path or an input read by ranges) as a zip stream of the entries exceljs' streaming reader reads, in the
 * order it handles, each stored uncompressed (inflated here, bounded by its declared size); an
 * empty shared-strings part stands in for a missing one. Run the upload safety checks first.
 * Throws UNSUPPORTED_MEDIA_TYPE for a zip it cannot re-stream (duplicate names, encryption).
 */
export async function xlsxInReadingOrder(file: string | SpreadsheetInput): Promise<Readable> {
  const input = inputOf(file);
  const path = input.name;
  const zip = await openZipInput(input, { autoClose: false });
  let entries: yauzl.Entry[];
  try {
    entries = readingOrder(path, await entriesOf(zip));
  } catch (err) {
    zip.close();
    throw err;
  }
  async function* bytes(): AsyncGenerator<Buffer> {
    try {
      let sharedStrings = false;
      for (const entry of entries) {
        if (SHEET_PART.test(entry.fileName) && !sharedStrings) {
          sharedStrings = true;
          yield storedHeader(Buffer.from(SHARED_STRINGS), EMPTY_CRC, EMPTY_SHARED_STRINGS.length);
          yield Buffer.from(SHARED_STRINGS);
          yield EMPTY_SHARED_STRINGS;
        }
        if (entry.fileName === SHARED_STRINGS) sharedStrings = true;
        const name = Buffer.from(entry.fileName);
        yield storedHeader(name, entry.crc32, entry.uncompressedSize);
        yield name;
        yield* inChunksOf(CHUNK_BYTES, await contentOf(zip, entry));
      }
      yield END_OF_DIRECTORY; // unzipper reads on after the last entry: tell it the zip ends
    } finally {
      zip.close();
    }
  }
  return Readable.from(bytes(), { objectMode: false });
}
