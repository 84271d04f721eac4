/**
 * Rules + ranking of 1,000,000 rows (issue 15 item 5): core's `processColors` against DuckDB
 * running the same exclusion rules as a WHERE and the same ranking as a window, side by side in
 * one process. Rounds alternate which side goes first; the figure is the median of the per-round
 * ratios (the machine's speed drifts minute to minute). Loading is not timed on either side: ours
 * starts from parsed records, DuckDB from a loaded table. Before reporting, the two outputs are
 * compared row by row (same kept rows, same order within each CUSIP, same parents), so the
 * comparison is of the same work.
 *
 * What each side does in the timed part:
 * - ours: compile the ten realistic rules, apply them (crediting the first matching rule and
 *   recording its witness per excluded row, as a run does), rank the kept rows (the run's plan:
 *   output order, parents, group sizes) — `processColors`, as the run calls it;
 * - DuckDB: `CREATE TABLE ranked AS SELECT *, ROW_NUMBER() OVER (PARTITION BY CUSIP ORDER BY
 *   <SPEC §2 keys>, ord) FROM colors WHERE NOT (<the ten rules>)`, on all its threads.
 *
 * It runs the built packages (`pnpm build` first).
 *
 *   pnpm --filter @market-pulse/node bench            # with the other node benches
 *   node --expose-gc --import tsx bench/rank-vs-duckdb.bench.ts [--rows N] [--rounds N]
 */
import { loadavg } from 'node:os';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  type ColorRecord,
  compileRules,
  parseRecords,
  processColors,
  resolveRuleDate,
} from '@market-pulse/core';
import { colorsToTable, generateColors, REALISTIC_RULES } from '@market-pulse/core/sample';

const BUSINESS_DATE = '2026-03-13';
const args = process.argv.slice(2);
const argOf = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ROWS = argOf('--rows', 1_000_000);
const ROUNDS = argOf('--rounds', 5);

const TEXT = ['MESSAGE_ID', 'TICKER', 'SECTOR', 'CUSIP', 'SOURCE', 'BIAS', 'DIFF_STATUS'];
const NUMBER = ['PRICE_LEVEL', 'BID', 'ASK', 'PX', 'COV_PRICE', 'PERCENT_DIFF', 'PRICE_DIFF'];
const INTEGER = ['RANK', 'CONFIDENCE'];
const DATES = ['DATE', 'DATE_1'];

/**
 * REALISTIC_RULES written as SQL by hand, leaf by leaf (SPEC §3): text compares trimmed and
 * case-insensitively, an empty value (NULL; 0 in the zero-means-empty PX) makes a leaf false —
 * hence the COALESCEs, since `NOT NULL` would drop the row — and `not` negates its subtree.
 */
function excludedSql(): string {
  const staleBefore = resolveRuleDate('today-3bd', BUSINESS_DATE);
  const text = (column: string) => `lower(trim(${column}))`;
  const leaf = (sql: string) => `coalesce(${sql}, false)`;
  return [
    leaf(`${text('BIAS')} = 'valuation'`), // no-valuations
    leaf(`${text('SOURCE')} = 'dz bank'`), // no-dz-bank
    `(${leaf(`${text('SOURCE')} = 'ptrust'`)} AND ${leaf(`${text('BIAS')} = 'offer'`)})`, // ptrust-offers
    '((PX IS NULL OR PX = 0) AND COV_PRICE IS NULL)', // unpriced-uncovered
    leaf('CONFIDENCE < 2'), // low-confidence
    leaf('PERCENT_DIFF > 15'), // far-from-coverage
    `(${leaf(`${text('SECTOR')} IN ('rmbs', 'abs-auto')`)} AND ${leaf(`starts_with(${text('BIAS')}, 'bwic t')`)})`, // rmbs-talk
    leaf(`DATE_1 < DATE '${staleBefore}'`), // stale-quotes
    `NOT ${leaf('nullif(PX, 0) BETWEEN 5 AND 130')}`, // implausible-px
    `(${leaf(`contains(lower(TICKER), 'test')`)} OR ${leaf(`MESSAGE_ID IN ('17730000000000001', '17730000000000002')`)})`, // test-tickers
  ].join('\n   OR ');
}

/**
 * SPEC §2's order, as core's comparator has it: rank date (DATE_1, else DATE) newest first and
 * empty last; RANK ascending; PX descending with 0/empty last; SOURCE case-insensitive (empty
 * first); MESSAGE_ID by value (shorter first, then as text); input order — unique, so the order
 * is fully determined and can be compared row by row.
 */
const ORDER_BY = `coalesce(DATE_1, DATE) DESC NULLS LAST, RANK ASC NULLS LAST,
  nullif(PX, 0) DESC NULLS LAST, coalesce(lower(SOURCE), '') ASC, length(MESSAGE_ID) ASC,
  MESSAGE_ID ASC, ord ASC`;

const RANK_SQL = `CREATE OR REPLACE TABLE ranked AS
SELECT *, row_number() OVER (PARTITION BY CUSIP ORDER BY ${ORDER_BY}) AS rn
FROM colors
WHERE NOT (${excludedSql()})`;

async function loadDuckDb(connection: DuckDBConnection, records: readonly ColorRecord[]) {
  const columns = [
    'ord INTEGER',
    ...TEXT.map((c) => `${c} VARCHAR`),
    ...NUMBER.map((c) => `${c} DOUBLE`),
    ...INTEGER.map((c) => `${c} INTEGER`),
    ...DATES.map((c) => `${c}_TEXT VARCHAR`),
  ];
  await connection.run(`CREATE TABLE staging (${columns.join(', ')})`);
  const appender = await connection.createAppender('staging');
  records.forEach((r, ord) => {
    appender.appendInteger(ord);
    for (const c of TEXT) {
      const v = r[c];
      if (v === null || v === undefined) appender.appendNull();
      else appender.appendVarchar(String(v));
    }
    for (const c of [...NUMBER, ...INTEGER]) {
      const v = r[c];
      if (typeof v !== 'number') appender.appendNull();
      else if (INTEGER.includes(c)) appender.appendInteger(v);
      else appender.appendDouble(v);
    }
    for (const c of DATES) {
      const v = r[c];
      if (typeof v !== 'string' || v === '') appender.appendNull();
      else appender.appendVarchar(v);
    }
    appender.endRow();
  });
  appender.closeSync();
  const plain = [...TEXT, ...NUMBER, ...INTEGER];
  await connection.run(
    `CREATE TABLE colors AS SELECT ord, ${plain.join(', ')}, ${DATES.map((c) => `CAST(${c}_TEXT AS DATE) AS ${c}`).join(', ')} FROM staging ORDER BY ord`,
  );
  await connection.run('DROP TABLE staging');
}

/** What identifies an output row on both sides, with its place in the hierarchy. */
const SIGNATURE = ['MESSAGE_ID', 'CUSIP', 'SOURCE', 'BIAS', 'TICKER', 'PX', 'RANK', 'CONFIDENCE'];

function ourSignatures(processed: ReturnType<typeof processColors>): string[] {
  const out: string[] = new Array(processed.length);
  for (let k = 0; k < processed.length; k++) {
    const row = processed.rowAt(k);
    const rankDate = row.DATE_1 ?? row.DATE;
    out[k] = JSON.stringify([
      ...SIGNATURE.map((c) => row[c] ?? null),
      rankDate,
      row.IS_PARENT,
      row.IS_PARENT ? (row.CHILDREN_COUNT as number) + 1 : 0,
    ]);
  }
  return out;
}

/** DuckDB's ranked rows in our output order: groups by first appearance, then rank. */
async function duckSignatures(connection: DuckDBConnection): Promise<string[]> {
  const reader = await connection.runAndReadAll(
    `SELECT ${SIGNATURE.join(', ')}, strftime(coalesce(DATE_1, DATE), '%Y-%m-%d') AS rank_date,
       rn = 1 AS is_parent, CASE WHEN rn = 1 THEN count(*) OVER (PARTITION BY CUSIP) ELSE 0 END AS n
     FROM ranked
     ORDER BY min(ord) OVER (PARTITION BY CUSIP), rn`,
  );
  return reader
    .getRowsJS()
    .map((row) => JSON.stringify(row.map((v) => (typeof v === 'bigint' ? Number(v) : v))));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();

async function main(): Promise<void> {
  const generated = generateColors({ rows: ROWS, seed: 42, businessDate: BUSINESS_DATE });
  // Parsed records, as a run holds them (interned strings per column).
  const records = parseRecords(colorsToTable(generated)).records;
  const ours = () =>
    processColors(
      [{ origin: 'source', processingType: 'AUTOMATED', records }],
      compileRules(REALISTIC_RULES, { businessDate: BUSINESS_DATE }),
      { runId: 1, processedAt: '2026-03-13T18:30:00.000Z' },
    );

  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await loadDuckDb(connection, records);
  const threads = (await connection.runAndReadAll("SELECT current_setting('threads')")).getRowsJS();
  const duck = async () => {
    await connection.run(RANK_SQL);
  };

  // The honesty check first: same rows kept, same order within each CUSIP, same parents.
  const processed = ours();
  await duck();
  const mine = ourSignatures(processed);
  const theirs = await duckSignatures(connection);
  const firstDiff = mine.findIndex((s, k) => s !== theirs[k]);
  if (mine.length !== theirs.length || firstDiff >= 0) {
    throw new Error(
      `the two sides disagree: ours ${mine.length} rows, DuckDB ${theirs.length}; first difference at ${firstDiff}: ${mine[firstDiff]} vs ${theirs[firstDiff]}`,
    );
  }

  const oursMs: number[] = [];
  const duckMs: number[] = [];
  const ratios: number[] = [];
  const oursCpuMs: number[] = [];
  const duckCpuMs: number[] = [];
  const cpuMs = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1000;
  };
  const loadBefore = loadavg()[0] as number;
  for (let round = 0; round < ROUNDS; round++) {
    // Wall time, and CPU time of the whole process (DuckDB's threads included): CPU time is
    // what a loaded machine stretches least, and DuckDB's is spread over its threads.
    const timeOurs = () => {
      gc();
      const cpu = process.cpuUsage();
      const start = performance.now();
      ours();
      const wall = performance.now() - start;
      oursCpuMs.push(cpuMs(cpu));
      return wall;
    };
    const timeDuck = async () => {
      gc();
      const cpu = process.cpuUsage();
      const start = performance.now();
      await duck();
      const wall = performance.now() - start;
      duckCpuMs.push(cpuMs(cpu));
      return wall;
    };
    let o: number;
    let d: number;
    if (round % 2 === 0) {
      o = timeOurs();
      d = await timeDuck();
    } else {
      d = await timeDuck();
      o = timeOurs();
    }
    oursMs.push(o);
    duckMs.push(d);
    ratios.push(o / d);
  }
  connection.closeSync();
  instance.closeSync();
  const round2 = (n: number) => Math.round(n * 100) / 100;
  console.log(
    JSON.stringify({
      name: 'rules+rank vs DuckDB (processColors vs WHERE + ROW_NUMBER window)',
      rows: ROWS,
      kept: processed.length,
      excluded: processed.counts.excluded,
      rounds: ROUNDS,
      oursMs: Math.round(median(oursMs)),
      duckdbMs: Math.round(median(duckMs)),
      ratio: round2(median(ratios)),
      oursRunsMs: oursMs.map(Math.round),
      duckdbRunsMs: duckMs.map(Math.round),
      ratios: ratios.map(round2),
      oursCpuMs: Math.round(median(oursCpuMs)),
      duckdbCpuMs: Math.round(median(duckCpuMs)),
      duckdbThreads: Number(threads[0]?.[0]),
      agree: true,
      loadAvg1m: [round2(loadBefore), round2(loadavg()[0] as number)],
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
}

await main();
