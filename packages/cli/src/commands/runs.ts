import {
  listRuns,
  MarketPulseError,
  type RunDetailRow,
  type RunRowFilter,
  type RunRowSet,
  readRunRecord,
  readRunRowSet,
  ruleNamesOf,
  setRunHidden,
  witnessText,
} from '@market-pulse/core';
import { exportRunRowSetToFile, exportSelectionToFile, systemClock } from '@market-pulse/node';
import type { Command } from 'commander';
import { withCommon } from '../common-options.js';
import { openDataFolder } from '../data-folder.js';
import { type CliIO, output } from '../io.js';
import { outFile, runId, wholeNumber } from '../option-values.js';
import { describeRun } from '../summary.js';
import { plural } from '../words.js';

interface RowSetOptions {
  cusip?: string;
  sector?: string;
  origin?: string;
  rule?: string;
  column?: string;
  limit?: string;
  out?: string;
  dataDir?: string;
  json?: boolean;
}

/** How each row set reads on a terminal (data on stdout; JSON lines with --json). */
const HUMAN: Record<RunRowSet, (row: RunDetailRow) => string> = {
  rows: (r) => JSON.stringify(r),
  excluded: (r) =>
    `${r.CUSIP}  ${r.SOURCE ?? ''}  ${r.BIAS ?? ''}  PX ${r.PX ?? ''}  msg ${r.MESSAGE_ID}  ${r.ORIGIN}  excluded by "${r.RULE_NAME ?? r.EXCLUDED_BY}": ${witnessText(r.WITNESS)}`,
  errors: (r) =>
    `${r.ORIGIN} row ${r.ROW} ${r.COLUMN}: ${r.REASON}${r.VALUE === null || r.VALUE === undefined ? '' : ` (value ${JSON.stringify(r.VALUE)})`}`,
};

/** What a row of each set is called: singular, plural. */
const NOUN: Record<RunRowSet, [string, string]> = {
  rows: ['output row', 'output rows'],
  excluded: ['excluded row', 'excluded rows'],
  errors: ['row error', 'row errors'],
};

/** Registers `runs rows|excluded|errors <id>`: one row set of a run, filtered, to stdout or --out. */
function rowSetCommand(
  runs: Command,
  io: CliIO,
  exit: (code: number) => void,
  set: RunRowSet,
  description: string,
): void {
  const command = runs
    .command(set)
    .description(description)
    .argument('<id>', 'the RUN_ID (runs list shows them)');
  if (set !== 'errors')
    command
      .option('--cusip <cusip>', 'only rows of this CUSIP')
      .option('--sector <sector>', 'only rows of this sector (any case)');
  if (set === 'excluded')
    command.option('--rule <rule>', 'only rows this rule excluded (its name or id)');
  if (set === 'errors') command.option('--column <column>', 'only errors in this column');
  command
    .option('--origin <origin>', 'only rows of this input: source, or upload:<id>')
    .option('--limit <n>', 'the first N matching rows')
    .option('--out <file>', 'write them to a file (.xlsx, .csv or .jsonl) instead of stdout');
  withCommon(command).action(async (id: string, o: RowSetOptions) => {
    const filter: RunRowFilter = {
      ...(o.cusip !== undefined ? { cusip: o.cusip } : {}),
      ...(o.sector !== undefined ? { sector: o.sector } : {}),
      ...(o.origin !== undefined ? { origin: o.origin } : {}),
      ...(o.rule !== undefined ? { rule: o.rule } : {}),
      ...(o.column !== undefined ? { column: o.column } : {}),
      ...(o.limit !== undefined ? { limit: wholeNumber('--limit', o.limit) } : {}),
    };
    const run = runId(id);
    const out = o.out === undefined ? undefined : outFile(io.cwd, '--out', o.out);
    const { store } = await openDataFolder(io, { dataDir: o.dataDir, create: false });
    if (out) {
      const result = await exportRunRowSetToFile(store, run, set, out, { filter });
      output(
        io,
        o.json,
        { run, rows: result.rows, out: result.files[0] },
        () => `wrote ${plural(result.rows, ...NOUN[set])} of run ${run} to ${o.out}`,
      );
      return exit(0);
    }
    const { rows } = await readRunRowSet(store, run, set, filter);
    // Rows are JSON lines already; the other sets are JSON lines with --json, words without.
    const line = o.json || set === 'rows' ? (r: RunDetailRow) => JSON.stringify(r) : HUMAN[set];
    for (const row of rows) io.stdout(`${line(row)}\n`);
    if (rows.length === 0)
      io.stderr(
        `run ${run} has no ${NOUN[set][1]}${Object.keys(filter).length ? ' that match' : ''}\n`,
      );
    exit(0);
  });
}

export function registerRuns(program: Command, io: CliIO, exit: (code: number) => void): void {
  const runs = program
    .command('runs')
    .description(
      'committed runs: list, inspect, their rows, excluded rows and row errors, hide, restore, export',
    );
  const folder = (dataDir?: string) => openDataFolder(io, { dataDir, create: false });

  withCommon(
    runs
      .command('list')
      .description('the runs, newest first: committed (with status), running, never started')
      .option('--limit <n>', 'the newest N runs', '50'),
  ).action(async (o: { limit: string; dataDir?: string; json?: boolean }) => {
    const all = await listRuns((await folder(o.dataDir)).store, {
      limit: wholeNumber('--limit', o.limit),
    });
    output(io, o.json, all, () =>
      all.length
        ? all
            .map((r) =>
              r.state === 'committed'
                ? `${r.id}  ${r.record.status}${r.hidden ? ' (hidden)' : ''}  ${r.record.trigger}  ${r.record.businessDate}  ${plural(r.record.counts.output, 'row')}  ${r.record.error?.message ?? ''}`.trimEnd()
                : r.state === 'running'
                  ? `${r.id}  running since ${r.startedAt} (${r.trigger})`
                  : r.state === 'unreadable'
                    ? `${r.id}  unreadable: ${r.key}: ${r.reason}`
                    : `${r.id}  never started`,
            )
            .join('\n')
        : 'no runs yet',
    );
    exit(0);
  });

  withCommon(
    runs
      .command('show')
      .description('one run: status, counts, excluded rows per rule (by name), warnings')
      .argument('<id>', 'the RUN_ID'),
  ).action(async (id: string, o: { dataDir?: string; json?: boolean }) => {
    const { store } = await folder(o.dataDir);
    const record = await readRunRecord(store, runId(id));
    if (!record)
      throw new MarketPulseError(
        'NOT_FOUND',
        `run ${id} has not committed (it is running, died, or never existed)`,
      );
    const names = await ruleNamesOf(store, record);
    output(io, o.json, { ...record, ruleNames: names }, () => describeRun(record, [], names));
    exit(0);
  });

  rowSetCommand(runs, io, exit, 'rows', "a run's output rows, as JSON lines (or --out a file)");
  rowSetCommand(
    runs,
    io,
    exit,
    'excluded',
    "the rows a run's rules excluded, each with the rule's name and the conditions that decided it",
  );
  rowSetCommand(
    runs,
    io,
    exit,
    'errors',
    "the rows a run's inputs could not read: input, row, column, value, reason",
  );

  for (const [name, hidden] of [
    ['hide', true],
    ['restore', false],
  ] as const) {
    withCommon(
      runs
        .command(name)
        .description(
          hidden
            ? "hide a run's rows from every view and export (reversible: runs restore)"
            : "bring a hidden run's rows back into the views and exports",
        )
        .argument('<id>', 'the RUN_ID')
        .option('--dry-run', 'say what would change, change nothing'),
    ).action(async (id: string, o: { dryRun?: boolean; dataDir?: string; json?: boolean }) => {
      const f = await folder(o.dataDir);
      const record = await readRunRecord(f.store, runId(id));
      if (!record) throw new MarketPulseError('NOT_FOUND', `run ${id} has not committed`);
      if (o.dryRun) {
        output(
          io,
          o.json,
          { run: record.id, rows: record.counts.output, dryRun: true },
          () => `would ${name} the ${plural(record.counts.output, 'row')} of run ${record.id}`,
        );
        return exit(0);
      }
      const manifest = await setRunHidden(
        { store: f.store, clock: systemClock },
        record.id,
        hidden,
      );
      await f.pipeline.refreshExports();
      output(
        io,
        o.json,
        { run: record.id, hidden, viewVersion: manifest.version },
        () => `run ${record.id} ${hidden ? 'hidden' : 'restored'}; exports refreshed`,
      );
      exit(0);
    });
  }

  withCommon(
    runs
      .command('export')
      .description(
        "write a run's output rows to a file (.xlsx with a Parents sheet, .csv or .jsonl)",
      )
      .argument('<id>', 'the RUN_ID')
      .requiredOption('--out <file>', 'the file to write: .xlsx, .csv or .jsonl'),
  ).action(async (id: string, o: { out: string; dataDir?: string; json?: boolean }) => {
    const out = outFile(io.cwd, '--out', o.out);
    const f = await folder(o.dataDir);
    const result = await exportSelectionToFile(f.store, { run: runId(id) }, out);
    output(io, o.json, result, () => `wrote ${plural(result.rows, 'row')} to ${o.out}`);
    exit(0);
  });
}
