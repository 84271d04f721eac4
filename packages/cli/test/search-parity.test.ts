// The CLI's search reads the store in one pass; `GET /api/search` answers from the host's resident
// index. Both call core's one search semantics: over the same store they return the same rows.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isinOfCusip } from '@market-pulse/core';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { appDependenciesOf, createApp } from '@market-pulse/http';
import { loadConfig, openNodeHost } from '@market-pulse/node';
import { describe, expect, it } from 'vitest';
import { cli, useWorkspaces } from './helpers.js';

const workspace = useWorkspaces('mp-search-parity-');

/** A CSV of generated colors (every field quoted). */
function colorsCsv(rows: number, seed: number): string {
  const table = colorsToTable(generateColors({ rows, seed, businessDate: '2026-03-13' }));
  const line = (cells: readonly string[]) =>
    cells.map((v) => `"${v.replaceAll('"', '""')}"`).join(',');
  return `${[line(table.header), ...table.rows.map(line)].join('\r\n')}\r\n`;
}

interface Row {
  CUSIP: string;
  MESSAGE_ID: string;
  TICKER?: string;
}

describe('search: the CLI and the HTTP API', () => {
  it('return the same CUSIPs and rows for the same queries over the same store', async () => {
    const cwd = await workspace();
    const env = { MP_DATA_DIR: join(cwd, 'data') };
    expect((await cli(cwd, ['init'], env)).code).toBe(0);
    // Three runs: two samples, and the first again (its CUSIPs move to the newest run).
    for (const seed of [5, 6, 5]) {
      await writeFile(join(cwd, `colors-${seed}.csv`), colorsCsv(150, seed));
      const run = await cli(cwd, ['run', '--source', `colors-${seed}.csv`], env);
      expect(run.code, run.stderr).toBe(0);
    }
    const config = loadConfig(env);
    const host = openNodeHost({ config, dataDir: env.MP_DATA_DIR, cwd });
    // Without authentication every request is the local principal (every row and column), as
    // the CLI reads.
    const { authenticate: _, ...deps } = appDependenciesOf({ host, config, version: 'test' });
    const app = createApp(deps);

    const viaCli = async (args: string[]) => {
      const out = await cli(cwd, ['search', ...args, '--json'], env);
      expect(out.code, out.stderr).toBe(0);
      return JSON.parse(out.stdout) as { cusips: string[]; rows: Row[] };
    };
    const viaHttp = async (query: Record<string, string>) => {
      const res = await app.request(
        `/api/search?${new URLSearchParams({ ...query, limit: '1000' })}`,
      );
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as { cusips: string[]; total: number; items: Row[] };
    };

    const sample = (await viaCli(['a', '--kind', 'ticker'])).rows;
    expect(sample.length).toBeGreaterThan(10);
    const some = [sample[0], sample[7], sample[sample.length - 1]] as Row[];
    const queries: { identifier: string; kind?: string; expand?: boolean }[] = [
      ...some.map((r) => ({ identifier: r.CUSIP.toLowerCase() })),
      ...some.map((r) => ({ identifier: isinOfCusip(r.CUSIP), kind: 'isin' })),
      ...some.map((r) => ({ identifier: r.MESSAGE_ID, kind: 'message_id', expand: false })),
      ...some.map((r) => ({ identifier: r.MESSAGE_ID })),
      { identifier: String(some[1]?.TICKER).slice(0, 3), kind: 'ticker' },
      { identifier: String(some[2]?.TICKER).slice(0, 2), expand: false },
      { identifier: 'NOTHING-MATCHES-THIS' },
    ];
    for (const q of queries) {
      const args = [
        q.identifier,
        '--kind',
        q.kind ?? 'any',
        ...(q.expand === false ? ['--no-expand'] : []),
      ];
      const fromCli = await viaCli(args);
      const fromHttp = await viaHttp({
        identifier: q.identifier,
        kind: q.kind ?? 'any',
        expand: String(q.expand ?? true),
      });
      expect(fromHttp.cusips, JSON.stringify(q)).toEqual(fromCli.cusips);
      expect(fromHttp.total).toBe(fromCli.rows.length);
      expect(fromHttp.items).toEqual(fromCli.rows);
    }
    // The HTTP answers came from the index, which holds the three runs.
    expect(deps.dashboard?.figures()).toMatchObject({ runs: 3, runsNotHeld: 0 });
  });
});
