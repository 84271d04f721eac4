import { Readable } from 'node:stream';
import { MarketPulseError } from '@market-pulse/core';
import { CsvError, parse } from 'csv-parse';
import { refuseWideEncoding, utf8Checked } from './csv-encoding.js';
import { inputOf, type SpreadsheetInput } from './spreadsheet-input.js';
import type { SheetRow } from './spreadsheet-rows.js';

const DELIMITERS = [',', ';', '\t'] as const;

/** The delimiter used in a header line: the most frequent of `,` `;` tab outside quotes (`,` on a tie). */
export function sniffDelimiter(firstLine: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const c of firstLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && counts.has(c)) counts.set(c, (counts.get(c) as number) + 1);
  }
  let best = ',';
  for (const d of DELIMITERS)
    if ((counts.get(d) as number) > (counts.get(best) as number)) best = d;
  return best;
}

const HEAD_BYTES = 64 * 1024;

async function head(input: SpreadsheetInput): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of input.stream({ start: 0, end: HEAD_BYTES - 1 }))
    chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The header line of a file's first bytes (a cut-off character at their end does not matter here). */
function firstLine(bytes: Buffer): string {
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.replace(/^\ufeff/, '').split(/\r?\n|\r/)[0] ?? '';
}

/** A CSV file opened for reading: its sniffed delimiter and its records. */
export interface CsvTable {
  /** `,`, `;` or tab. */
  delimiter: string;
  rows: AsyncIterable<SheetRow>;
}

/**
 * Opens a CSV file (RFC 4180, UTF-8 with or without BOM, delimiter sniffed among `,` `;` and tab
 * from the header line). A UTF-16 or UTF-32 file is refused by name at once; a byte that is not
 * UTF-8 is refused (UNSUPPORTED_MEDIA_TYPE naming its byte offset and line) when the reading
 * reaches it. Cells arrive as text; `number` is the 1-based record number (header = 1). A
 * malformed file (e.g. a stray quote) is a VALIDATION_ERROR naming the line.
 */
export async function openCsvTable(file: string | SpreadsheetInput): Promise<CsvTable> {
  const input = inputOf(file);
  const first = await head(input);
  refuseWideEncoding(input.name, first);
  const delimiter = sniffDelimiter(firstLine(first));
  return { delimiter, rows: csvRows(input, delimiter) };
}

/** Streams the records of a CSV file (its delimiter sniffed from the header line). */
export async function* readCsvRows(path: string): AsyncGenerator<SheetRow> {
  yield* (await openCsvTable(path)).rows;
}

async function* csvRows(input: SpreadsheetInput, delimiter: string): AsyncGenerator<SheetRow> {
  const bytes = Readable.from(utf8Checked(input.name, input.stream()));
  const parser = bytes.pipe(
    parse({
      delimiter,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
      encoding: 'utf8',
    }),
  );
  bytes.on('error', (err) => parser.destroy(err)); // pipe() does not pass errors on
  let number = 0;
  try {
    for await (const record of parser) yield { number: ++number, cells: record as string[] };
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      throw new MarketPulseError(
        'VALIDATION_ERROR',
        `the CSV file is malformed${line ? ` at line ${line}` : ''}: ${err.message}`,
        {
          cause: err,
          details: { line, code: err.code },
        },
      );
    }
    throw err;
  } finally {
    bytes.destroy();
  }
}
