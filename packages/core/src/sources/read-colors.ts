import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { HeaderProblem } from '../parse/header.js';
import {
  createRecordParser,
  type ParseOptions,
  type RecordParser,
} from '../parse/parse-records.js';
import type { Cell, ColorRecord, ParseNotice, RowError, RowFinding } from '../parse/record.js';
import type { ColorSource, SourceRow } from '../ports/color-source.js';

/** What a source held: its valid records, its row errors, findings on kept rows and the parser's notices. */
export interface ColorFile {
  records: ColorRecord[];
  errors: RowError[];
  /** Data-quality findings on kept rows (e.g. an imprecise MESSAGE_ID), in input order. */
  findings: RowFinding[];
  notices: ParseNotice[];
  /** The sheet read (workbooks). */
  sheet?: string;
}

/** Parser options a caller may set (the date system and the delimiter come from the source's tables). */
export type ReadColorsOptions = Omit<ParseOptions, 'date1904' | 'firstRow' | 'delimiter'>;

const isBlankRow = (cells: readonly Cell[]) =>
  cells.every((c) => c === null || c === undefined || (typeof c === 'string' && c.trim() === ''));

/**
 * Parses a table into `into`: its first non-blank row is the header, which `parserFor` turns into
 * a parser (or `undefined`: skip the table). The table is always read to its end, as streaming
 * workbook readers need before the next sheet. Returns the parser, `undefined` when skipped,
 * `null` with no header.
 */
async function parseTable(
  batches: AsyncIterable<readonly SourceRow[]>,
  parserFor: (header: readonly Cell[]) => RecordParser | undefined,
  into: ColorFile,
): Promise<RecordParser | undefined | null> {
  let parser: RecordParser | undefined | null = null;
  for await (const batch of batches) {
    for (const row of batch) {
      if (parser === null) {
        if (!isBlankRow(row.cells)) parser = parserFor(row.cells);
        continue;
      }
      if (parser === undefined) break;
      const outcome = parser.parseRow(row.cells, row.number);
      if (outcome.kind === 'record') {
        into.records.push(outcome.record);
        if (outcome.findings) into.findings.push(...outcome.findings);
      } else if (outcome.kind === 'errors') into.errors.push(...outcome.errors);
    }
  }
  return parser;
}

/**
 * Reads a color source through the one parser (SPEC §1.2): for a workbook, the first sheet whose
 * header matches the columns; row errors carry sheet row numbers. The source's own parse options
 * (its host's configuration) apply unless `options` says otherwise. Throws the header error
 * (VALIDATION_ERROR with `HeaderProblem` details) when no table matches.
 *
 * @example
 * ```ts
 * const { records, errors, notices } = await readColors(source);
 * ```
 */
export async function readColors(
  source: ColorSource,
  options: ReadColorsOptions = {},
): Promise<ColorFile> {
  const result: ColorFile = { records: [], errors: [], findings: [], notices: [] };
  const parseOptions = { ...source.parseOptions, ...options };
  let firstProblem: MarketPulseError<HeaderProblem> | undefined;
  const checked: string[] = [];
  for await (const table of source.tables()) {
    if (table.name !== undefined) checked.push(table.name);
    const parser = await parseTable(
      table.rows,
      (header) => {
        let parser: RecordParser;
        try {
          parser = createRecordParser(header, {
            ...parseOptions,
            date1904: table.date1904 ?? false,
            ...(table.delimiter !== undefined ? { delimiter: table.delimiter } : {}),
          });
        } catch (err) {
          // A source of one table (CSV) has nothing else to try: its header error stands.
          if (
            table.name === undefined ||
            !isMarketPulseError<HeaderProblem>(err, 'VALIDATION_ERROR') ||
            err.details?.kind !== 'header'
          )
            throw err;
          firstProblem ??= err;
          return undefined; // skip this sheet
        }
        if (table.name !== undefined) result.sheet = table.name;
        return parser;
      },
      result,
    );
    if (parser) {
      result.notices.push(...parser.notices); // after the rows: some notices are about them
      return result;
    }
    if (table.name === undefined)
      throw new MarketPulseError('VALIDATION_ERROR', `${source.name} has no header row`);
  }
  if (firstProblem) {
    throw new MarketPulseError<HeaderProblem>(
      'VALIDATION_ERROR',
      `no sheet of ${source.name} has the expected header (checked ${checked.join(', ')}): ${firstProblem.message}`,
      { details: firstProblem.details as HeaderProblem, cause: firstProblem },
    );
  }
  throw new MarketPulseError('VALIDATION_ERROR', `${source.name} has no header row in any sheet`);
}
