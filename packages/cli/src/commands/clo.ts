import {
  ALL_COLUMNS,
  type CloMappings,
  readCloMappings,
  replaceCloMappings,
  resetCloMappings,
} from '@market-pulse/core';
import { systemClock } from '@market-pulse/node';
import type { Command } from 'commander';
import { withCommon } from '../common-options.js';
import { openDataFolder } from '../data-folder.js';
import { readJsonFile } from '../input-files.js';
import { type CliIO, output } from '../io.js';
import { listOption } from '../list-option.js';
import { operatorOf } from '../operator.js';

const columnsText = (columns: CloMappings['defaultColumns'] | undefined) =>
  columns === ALL_COLUMNS ? 'every column' : (columns ?? []).join(', ') || 'none';

/** The mappings in words: one line per type, subtypes under their main type. */
const lines = (m: CloMappings) => {
  const out = [`v${m.version}  without a CLO: ${columnsText(m.defaultColumns)}`];
  const types = Object.entries(m.types);
  for (const [name, type] of types.filter(([, t]) => t.parent === undefined)) {
    out.push(`${name}: ${columnsText(type.columns)}`);
    for (const [sub, t] of types.filter(([, t]) => t.parent === name))
      out.push(
        `  ${sub}: ${t.columns === undefined ? `inherits ${name}` : columnsText(t.columns)}`,
      );
  }
  return out.join('\n');
};

/** `*` or a comma-separated list of columns. */
const columnsOption = (text: string) =>
  text.trim() === ALL_COLUMNS ? ALL_COLUMNS : listOption(text);

export function registerClo(program: Command, io: CliIO, exit: (code: number) => void): void {
  const clo = program
    .command('clo')
    .description(
      "CLO mappings: which columns each CLO type sees (a user's CLO decides their columns)",
    );
  const deps = async (dataDir?: string) => ({
    store: (await openDataFolder(io, { dataDir, create: false })).store,
    clock: systemClock,
  });
  const show = (o: { json?: boolean }, mappings: CloMappings) => {
    output(io, o.json, mappings, () => lines(mappings));
    exit(0);
  };

  withCommon(clo.command('list').description('the CLO types and the columns each sees')).action(
    async (o: { dataDir?: string; json?: boolean }) =>
      show(o, await readCloMappings((await deps(o.dataDir)).store)),
  );

  withCommon(
    clo
      .command('set')
      .description(
        'replace every mapping from a JSON file: {"defaultColumns": "*" | [..], "types": {"CLO": {"columns": [..]}, "CLO_MEZZ": {"parent": "CLO"}}}',
      )
      .argument('<file>', 'the mappings as JSON'),
  ).action(async (file: string, o: { dataDir?: string; json?: boolean }) => {
    const input = await readJsonFile(io, file, 'JSON CLO mappings');
    show(o, await replaceCloMappings(await deps(o.dataDir), input, operatorOf(io)));
  });

  withCommon(
    clo
      .command('set-type')
      .description('add or change one CLO type (a subtype without --columns inherits its parent)')
      .argument('<type>', 'e.g. CLO_MEZZ')
      .option('--parent <type>', 'the main type of a subtype')
      .option('--columns <list>', '"*" or comma-separated columns, e.g. PX,BID,ASK'),
  ).action(
    async (
      name: string,
      o: { dataDir?: string; json?: boolean; parent?: string; columns?: string },
    ) => {
      const d = await deps(o.dataDir);
      const current = await readCloMappings(d.store);
      const type = {
        ...(o.parent !== undefined ? { parent: o.parent } : {}),
        ...(o.columns !== undefined ? { columns: columnsOption(o.columns) } : {}),
      };
      const types = { ...current.types, [name.trim().toUpperCase()]: type };
      show(
        o,
        await replaceCloMappings(
          d,
          { defaultColumns: current.defaultColumns, types },
          operatorOf(io),
          current.version,
        ),
      );
    },
  );

  withCommon(
    clo
      .command('reset')
      .description('reset one type to its default (a subtype inherits again), or every mapping')
      .argument('[type]', 'e.g. CLO_MEZZ; without it, every mapping'),
  ).action(async (type: string | undefined, o: { dataDir?: string; json?: boolean }) =>
    show(o, await resetCloMappings(await deps(o.dataDir), operatorOf(io), type ? { type } : {})),
  );
}
