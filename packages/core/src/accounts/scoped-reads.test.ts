// Every core read path other than the dashboard, read by a scoped reader: only their sectors'
// rows, only their columns — in rows, exports (headers too) and search.
import { describe, expect, it } from 'vitest';
import { dryRunStoredRun } from '../dry-run/dry-run-stored.js';
import { exportSelection } from '../exports/export-selection.js';
import { exportRunRowSet } from '../exports/run-rows-export.js';
import type { SpreadsheetCodec } from '../ports/spreadsheet-codec.js';
import { createRule } from '../rules/rule-store.js';
import { runAutomation } from '../run/run-automation.js';
import { readRunRowSet } from '../run-details/run-details.js';
import { generateColors } from '../sample/generate-colors.js';
import { searchCurrentView } from '../search/search-view.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { ALWAYS_VISIBLE_COLUMNS } from './clo-mappings.js';
import { readScopeOf, UNRESTRICTED_READ_SCOPE } from './read-scope.js';
import { projectExcludedRow } from './scope-rows.js';

const records = generateColors({ rows: 300, seed: 7, businessDate: '2026-11-23' });
const sectors = [...new Set(records.map((r) => r.SECTOR.toUpperCase()))];
const mine = sectors.slice(0, 2);
const scope = readScopeOf(
  { kind: 'user', assetClasses: ['MINE'], clo: 'CLO_MEZZ' },
  { assetClasses: { MINE: mine.map((s) => s.toLowerCase()) } },
  { defaultColumns: '*', types: { CLO: { columns: ['PX', 'BIAS'] }, CLO_MEZZ: { parent: 'CLO' } } },
);
const allowed = new Set<string>([...ALWAYS_VISIBLE_COLUMNS, 'PX', 'BIAS']);
const OFFER_LEAF = { field: 'BIAS', op: 'eq', value: 'OFFER' };
const OFFER_AND_SOURCE = { all: [OFFER_LEAF, { field: 'SOURCE', op: 'ne', value: 'NOBODY' }] };
const EXCLUSION = ['EXCLUDED_BY', 'RULE_NAME', 'WITNESS'];
/** Every witness shown names visible columns only, and keeps the visible leaf. */
const visibleWitnesses = (rows: readonly Record<string, unknown>[]) => {
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    const leaves = row.WITNESS as { field: string; actual?: unknown }[];
    expect(leaves.map((l) => l.field)).toEqual(['BIAS']);
    expect(leaves[0]?.actual).toBe('OFFER');
  }
};

async function world() {
  const store = createMemoryStore();
  const clock = createManualClock('2026-11-23T22:00:00Z');
  let n = 0;
  const ids = { nextId: () => `id-${++n}` };
  await createRule(
    { store, clock, ids },
    // One leaf on a column the reader sees (BIAS), one on a column hidden from them (SOURCE).
    {
      name: 'No offers',
      active: true,
      when: OFFER_AND_SOURCE,
    },
    { actor: 'cli:tester' },
  );
  await runAutomation(
    { store, clock, ids },
    {
      trigger: 'cli',
      businessDate: '2026-11-23',
      inputs: [
        {
          origin: 'source',
          processingType: 'AUTOMATED',
          records,
          rowErrors: [{ row: 7, column: 'PX', value: '1x', reason: '"1x" is not a number' }],
        },
      ],
    },
  );
  return store;
}

const inScope = (rows: readonly Record<string, unknown>[], extra: readonly string[] = []) => {
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    expect(mine).toContain(String(row.SECTOR).toUpperCase());
    for (const key of Object.keys(row)) expect([...allowed, ...extra]).toContain(key);
  }
};

const jsonLines = async (bytes: AsyncIterable<Uint8Array>) => {
  let text = '';
  for await (const chunk of bytes) text += new TextDecoder().decode(chunk);
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
};
const noCodec = {} as SpreadsheetCodec;

describe('scoped reads', () => {
  it("a run's rows and excluded rows: the reader's sectors and columns only (the witness's visible leaves); row errors only for every sector", async () => {
    const store = await world();
    const all = await readRunRowSet(store, 1, 'rows');
    const rows = (await readRunRowSet(store, 1, 'rows', {}, scope)).rows;
    inScope(rows);
    expect(rows).toHaveLength(
      all.rows.filter((r) => mine.includes(String(r.SECTOR).toUpperCase())).length,
    );
    const excluded = (await readRunRowSet(store, 1, 'excluded', {}, scope)).rows;
    inScope(excluded, EXCLUSION);
    visibleWitnesses(excluded);
    // A reader of every column sees both leaves.
    const [full] = (await readRunRowSet(store, 1, 'excluded')).rows;
    const fullLeaves = (full?.WITNESS ?? []) as { field: string }[];
    expect(fullLeaves.map((l) => l.field)).toEqual(['BIAS', 'SOURCE']);
    expect((await readRunRowSet(store, 1, 'errors', {}, scope)).rows).toEqual([]);
    const everySector = { ...scope, rows: UNRESTRICTED_READ_SCOPE.rows };
    expect((await readRunRowSet(store, 1, 'errors', {}, everySector)).rows).toEqual([
      { ORIGIN: 'source', ROW: 7, COLUMN: 'PX', VALUE: '1x', REASON: '"1x" is not a number' },
    ]);
    const noPx = readScopeOf(
      { kind: 'user', assetClasses: ['*'], clo: null },
      { assetClasses: {} },
      { defaultColumns: ['BIAS'], types: {} },
    );
    expect((await readRunRowSet(store, 1, 'errors', {}, noPx)).rows).toEqual([
      { ORIGIN: 'source', ROW: 7, COLUMN: 'PX', VALUE: null, REASON: '"1x" is not a number' },
    ]);
  });

  it('exports of a run row set and of a selection hold only the visible rows and columns', async () => {
    const store = await world();
    const deps = { store, codec: noCodec };
    for (const set of ['rows', 'excluded'] as const) {
      const exported = await exportRunRowSet(deps, 1, set, 'jsonl', { scope });
      const lines = await jsonLines(exported.bytes);
      expect(lines).toHaveLength(exported.rows);
      inScope(lines, set === 'excluded' ? EXCLUSION : []);
      if (set === 'excluded') visibleWitnesses(lines);
    }
    for (const selection of [{ run: 1 }, { date: '2026-11-23' }]) {
      const exported = await exportSelection(deps, selection, 'jsonl', { scope });
      inScope(await jsonLines(exported.bytes));
    }
    const whole = await exportSelection(deps, { run: 1 }, 'jsonl');
    expect((await jsonLines(whole.bytes))[0]).toHaveProperty('TICKER');
  });

  it('a dry run on a stored run shows its samples as run details do: the witness leaves on visible columns', async () => {
    const store = await world();
    const rules = [{ id: 'r', name: 'No offers', active: true, when: OFFER_AND_SOURCE }];
    const dry = await dryRunStoredRun(store, {
      runId: 1,
      rules,
      processedAt: '2026-11-23T22:00:00.000Z',
      scope,
      samples: 5,
    });
    inScope(dry.excludedSamples, EXCLUSION);
    visibleWitnesses(dry.excludedSamples);
    inScope(dry.keptSamples);
    const everything = await dryRunStoredRun(store, {
      runId: 1,
      rules,
      processedAt: '2026-11-23T22:00:00.000Z',
    });
    const leaves = everything.excludedSamples[0]?.WITNESS as { field: string }[];
    expect(leaves.map((l) => l.field)).toEqual(['BIAS', 'SOURCE']);
  });

  it('a witness in an older form (not a leaf list) is shown only to readers of every column', () => {
    const row = { CUSIP: 'X', SECTOR: 'S', EXCLUDED_BY: 'r', WITNESS: 'SOURCE was DZ' };
    expect(projectExcludedRow(row, scope.columns)).not.toHaveProperty('WITNESS');
    expect(projectExcludedRow(row, UNRESTRICTED_READ_SCOPE.columns)).toBe(row);
  });

  it("search finds only the reader's rows, by visible columns only", async () => {
    const store = await world();
    const everywhere = await searchCurrentView(
      store,
      String(records[0]?.TICKER ?? 'A').slice(0, 3),
    );
    expect(everywhere.rows.some((r) => !mine.includes(r.SECTOR.toUpperCase()))).toBe(true);
    const other = everywhere.rows.find((r) => !mine.includes(r.SECTOR.toUpperCase()));
    expect((await searchCurrentView(store, other?.CUSIP ?? '', scope)).rows).toEqual([]);
    const own = everywhere.rows.find((r) => mine.includes(r.SECTOR.toUpperCase()));
    const found = await searchCurrentView(store, own?.CUSIP ?? '', scope);
    inScope(found.rows);
    // TICKER is hidden from this reader: a ticker search finds nothing.
    expect((await searchCurrentView(store, String(own?.TICKER), scope)).rows).toEqual([]);
  });
});
