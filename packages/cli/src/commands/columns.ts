import { resolve } from 'node:path';
import {
  type ColumnDocument,
  type ColumnInput,
  MarketPulseError,
  readColumnDocument,
  resetColumnConfig,
  saveColumnConfig,
} from '@market-pulse/core';
import { systemClock, writeFileAtomically } from '@market-pulse/node';
import type { Command } from 'commander';
import { withCommon } from '../common-options.js';
import { openDataFolder } from '../data-folder.js';
import { readJsonFile } from '../input-files.js';
import { type CliIO, output } from '../io.js';
import { operatorOf } from '../operator.js';
import { wholeNumber } from '../option-values.js';

const COLUMN_FILE_HELP =
  'a JSON file {"columns": [...]} of every column in export order (as `columns show --json` or `columns export` writes it)';
// Version 0 is the defaults a store never changed: a valid version to expect.
const ifVersion = (text?: string) =>
  text === undefined ? undefined : wholeNumber('--if-version', text, 0);
const IF_VERSION_HELP =
  'the version you read (refused, exit 5, if the configuration is at another)';

/** The column document as printed: one line per column, and the version. */
function describe(doc: ColumnDocument): string {
  const lines = doc.config.columns.map(
    (c) =>
      `${c.name.padEnd(14)} ${c.type.padEnd(8)} ${c.headerRequired ? 'required' : 'optional'}  "${c.displayName}"${c.aliases.length ? `  aliases: ${c.aliases.join(', ')}` : ''}`,
  );
  const origin =
    doc.version === 0 ? 'the defaults' : `changed by ${doc.updatedBy} at ${doc.updatedAt}`;
  return [
    ...lines,
    `version ${doc.version} (${doc.isDefault ? 'default columns, ' : ''}${origin})`,
  ].join('\n');
}

const jsonOf = (doc: ColumnDocument) => ({
  columns: doc.config.columns,
  version: doc.version,
  isDefault: doc.isDefault,
  updatedAt: doc.updatedAt,
  updatedBy: doc.updatedBy,
});

/** The column list of a column file; refused (exit 3) when it has none. */
async function readColumnFile(io: CliIO, path: string): Promise<ColumnInput[]> {
  const file = await readJsonFile(io, path, 'JSON column');
  const columns = (file as { columns?: unknown } | null)?.columns;
  if (!Array.isArray(columns))
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `${path}: write the columns as {"columns": [{"name": …, "displayName": …, "type": …, "headerRequired": …, "allowEmpty": …}, …]}`,
    );
  return columns as ColumnInput[];
}

export function registerColumns(program: Command, io: CliIO, exit: (code: number) => void): void {
  const columns = program
    .command('columns')
    .description(
      'the column configuration (SPEC §1.1) the parser, rules and exports use: show, set, reset, export',
    );
  const store = async (dataDir?: string) =>
    (await openDataFolder(io, { dataDir, create: false })).store;

  withCommon(
    columns
      .command('show')
      .description('every column: name, type, required or not, display name, aliases; the version'),
  ).action(async (o: { dataDir?: string; json?: boolean }) => {
    const doc = await readColumnDocument(await store(o.dataDir));
    output(io, o.json, jsonOf(doc), () => describe(doc));
    exit(0);
  });

  withCommon(
    columns
      .command('export')
      .description(
        'write the columns as {"columns": [...]} to FILE, or to stdout, to edit and `columns set`',
      )
      .argument('[file]', 'the file to write (default: stdout)'),
    { json: false },
  ).action(async (file: string | undefined, o: { dataDir?: string }) => {
    const doc = await readColumnDocument(await store(o.dataDir));
    const text = `${JSON.stringify({ columns: doc.config.columns, version: doc.version }, null, 2)}\n`;
    if (file) await writeFileAtomically(resolve(io.cwd, file), [new TextEncoder().encode(text)]);
    else io.stdout(text);
    exit(0);
  });

  withCommon(
    columns
      .command('set')
      .description(
        'replace the columns with those of FILE: core columns keep their name, type and requirements; refused (exit 5) while a rule needs a column it drops or retypes',
      )
      .argument('<file>', COLUMN_FILE_HELP)
      .option('--if-version <n>', IF_VERSION_HELP),
  ).action(async (file: string, o: { dataDir?: string; json?: boolean; ifVersion?: string }) => {
    const list = await readColumnFile(io, file);
    const expectedVersion = ifVersion(o.ifVersion);
    const doc = await saveColumnConfig(
      { store: await store(o.dataDir), clock: systemClock },
      list,
      {
        actor: operatorOf(io),
        ...(expectedVersion !== undefined ? { expectedVersion } : {}),
      },
    );
    output(io, o.json, jsonOf(doc), () => `saved the columns: version ${doc.version}`);
    exit(0);
  });

  withCommon(
    columns
      .command('reset')
      .description(
        'put the default columns back (a new version); refused (exit 5) while a rule needs a column they drop',
      )
      .option('--if-version <n>', IF_VERSION_HELP),
  ).action(async (o: { dataDir?: string; json?: boolean; ifVersion?: string }) => {
    const expectedVersion = ifVersion(o.ifVersion);
    const doc = await resetColumnConfig(
      { store: await store(o.dataDir), clock: systemClock },
      {
        actor: operatorOf(io),
        ...(expectedVersion !== undefined ? { expectedVersion } : {}),
      },
    );
    output(io, o.json, jsonOf(doc), () => `the default columns are back: version ${doc.version}`);
    exit(0);
  });
}
