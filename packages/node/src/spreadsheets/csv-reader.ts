import { createReadStream } from 'node:fs';
import { MarketPulseError } from '@market-pulse/core';
import { CsvError, parse } from 'csv-parse';
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

async function firstLine(path: string): Promise<string> {
  const stream = createReadStream(path, { encoding: 'utf8', start: 0, end: 64 * 1024 - 1 });
  let text = '';
  for await (const chunk of stream) {
    text += chunk as string;
    if (/[\r\n]/.test(text)) break;
  }
  stream.destroy();
  return text.replace(/^\ufeff/, '').split(/\r?\n|\r/)[0] ?? '';
}

/**
 * Streams the records of a CSV file (RFC 4180, UTF-8 with or without BOM, delimiter sniffed among
 * `,` `;` and tab). Cells arrive as text; `number` is the 1-based record number (header = 1).
 * A malformed file (e.g. a stray quote) is a VALIDATION_ERROR naming the line.
 */
export async function* readCsvRows(path: string): AsyncGenerator<SheetRow> {
  const delimiter = sniffDelimiter(await firstLine(path));
  const parser = createReadStream(path).pipe(
    parse({
      delimiter,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
      encoding: 'utf8',
    }),
  );
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
  }
}
