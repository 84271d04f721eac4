/**
 * Rule-evaluation benchmark for the hostile rule sets of issue 10 (item 2): each scenario runs in
 * its own child process so peak RSS is per scenario, and prints one JSON object on stdout.
 *
 * - `in-5000`: an active `in` rule on MESSAGE_ID with 5,000 values over 200,000 rows — apply, then
 *   the run's excluded rows serialised as the run stores them (one JSON line each, joined, encoded).
 * - `in-100000`: the same with 100,000 values (over the list-size limit: refused on save).
 * - `simple-10000`: 10,000 rules (the most a set holds): the ten realistic rules and 9,990
 *   single-leaf equality rules on CUSIP, MESSAGE_ID, TICKER and SOURCE, over 200,000 rows.
 * - `range-10000`: 10,000 single-leaf `between` rules on PX (nothing to index) over 200,000 rows
 *   (past the 1,000 conditions a set may test on every row: refused on save).
 * - `range-1000`, `contains-1000`: the most a set may test on every row — 1,000 `between` rules on
 *   PX, 1,000 `contains` rules on TICKER — over 200,000 rows.
 * - `deep-850`: one rule nested 850 deep over 50,000 rows (over the depth limit: refused on save).
 * - `deep-limit`: one rule nested as deep as the limit allows over 50,000 rows.
 *
 *   pnpm bench                                  # every scenario (and core.bench.ts)
 *   node --expose-gc --import tsx bench/rules.bench.ts --scenario in-5000 [--repeats 1]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type ColorRecord,
  type Condition,
  compileRules,
  isMarketPulseError,
  parseRecords,
  processColors,
  type RuleInput,
} from '../src/index.js';
import { colorsToTable, generateColors, REALISTIC_RULES } from '../src/sample/index.js';

const BUSINESS_DATE = '2026-03-13';
const args = process.argv.slice(2);
const repeatsArg = args.indexOf('--repeats');
/** Timed runs per figure (median reported); `--repeats 1` for the slow figures of old code. */
const REPEATS = repeatsArg >= 0 ? Number(args[repeatsArg + 1]) : 3;
/** How deep `deep-limit` nests: the documented limit (kept literal so this file runs on older code). */
const DEPTH_LIMIT = 32;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Median of `REPEATS` timings of `fn`, each from a collected heap. */
function time<T>(fn: () => T): { ms: number; runsMs: number[]; result: T } {
  const times: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < REPEATS; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const start = performance.now();
    result = fn();
    times.push(performance.now() - start);
  }
  return { ms: Math.round(median(times)), runsMs: times.map(Math.round), result: result as T };
}

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

function rowsOf(count: number): ColorRecord[] {
  const generated = generateColors({ rows: count, seed: 42, businessDate: BUSINESS_DATE });
  // Parsed records, as a run holds them (interned strings per column).
  return parseRecords(colorsToTable(generated)).records;
}

function distinct(records: readonly ColorRecord[], field: keyof ColorRecord): string[] {
  return [...new Set(records.map((r) => String(r[field])))];
}

const rule = (id: string, when: Condition, priority = 100): RuleInput => ({
  id,
  name: id,
  active: true,
  priority,
  when,
});

/** Compiles, or reports the refusal (the limits refuse some scenarios on save). */
function compileOrRefuse(
  docs: readonly unknown[],
): ReturnType<typeof compileRules> | { refused: string } {
  try {
    return compileRules(docs, { businessDate: BUSINESS_DATE });
  } catch (err) {
    if (isMarketPulseError(err, 'VALIDATION_ERROR')) return { refused: err.message.slice(0, 300) };
    throw err;
  }
}

/** The `in` rule scenarios: apply, then store the excluded rows as the run does. */
function listScenario(name: string, rows: number, values: number): void {
  const records = rowsOf(rows);
  const ids = distinct(records, 'MESSAGE_ID');
  const list = ids.slice(0, Math.min(values, ids.length));
  for (let n = 0; list.length < values; n++) list.push(String(90000000000000000 + n));
  const docs = [rule('in-list', { field: 'MESSAGE_ID', op: 'in', value: list })];
  const compile = time(() => compileOrRefuse(docs));
  const compiled = compile.result;
  if ('refused' in compiled) {
    console.log(
      JSON.stringify({ name, rows, values, refused: compiled.refused, peakRssMb: peakRssMb() }),
    );
    return;
  }
  const apply = time(() => compiled.apply(records));
  // As run-automation.ts writes excluded.jsonl: one JSON line per excluded row, joined, encoded.
  // A join past V8's string limit (~512 MiB) throws in the run too: reported as `storeError`.
  const store = time(() => {
    const processed = processColors(
      [{ origin: 'source', processingType: 'AUTOMATED', records }],
      compiled,
      { runId: 1, processedAt: '2026-03-13T12:00:00.000Z' },
    );
    const lines: string[] = [];
    let bytes = 0;
    for (let n = 0; n < processed.counts.excluded; n++) {
      const line = JSON.stringify(processed.excludedRowAt(n));
      bytes += Buffer.byteLength(line) + 1;
      lines.push(line);
    }
    let storeError: string | undefined;
    try {
      new TextEncoder().encode(lines.length ? `${lines.join('\n')}\n` : '');
    } catch (err) {
      storeError = (err as Error).message;
    }
    return { bytes, storeError };
  });
  const excluded = apply.result.excluded.length;
  console.log(
    JSON.stringify({
      name,
      rows,
      values,
      excluded,
      compileMs: compile.ms,
      applyMs: apply.ms,
      applyRunsMs: apply.runsMs,
      storeExcludedMs: store.ms,
      excludedBytes: store.result.bytes,
      bytesPerExcludedRow: excluded ? Math.round(store.result.bytes / excluded) : 0,
      ...(store.result.storeError ? { storeError: store.result.storeError } : {}),
      peakRssMb: peakRssMb(),
    }),
  );
}

function manyRulesScenario(name: string, docs: RuleInput[], records: ColorRecord[]): void {
  const compile = time(() => compileOrRefuse(docs));
  const compiled = compile.result;
  if ('refused' in compiled) {
    console.log(JSON.stringify({ name, rules: docs.length, refused: compiled.refused }));
    return;
  }
  const apply = time(() => compiled.apply(records));
  console.log(
    JSON.stringify({
      name,
      rows: records.length,
      rules: docs.length,
      excluded: apply.result.excluded.length,
      compileMs: compile.ms,
      applyMs: apply.ms,
      applyRunsMs: apply.runsMs,
      rowsPerSec: Math.round((records.length / Math.max(apply.ms, 1)) * 1000),
      peakRssMb: peakRssMb(),
    }),
  );
}

/** The ten realistic rules and equality rules over values of the rows (a few match): 10,000 in all. */
function simpleRules(records: ColorRecord[]): RuleInput[] {
  const fields = ['CUSIP', 'MESSAGE_ID', 'TICKER', 'SOURCE'] as const;
  const pools = fields.map((f) => distinct(records, f));
  const docs: RuleInput[] = [...REALISTIC_RULES];
  for (let i = 0; docs.length < 10_000 - 1; i++) {
    const f = i % 3; // CUSIP, MESSAGE_ID, TICKER in turn; SOURCE once below
    const pool = pools[f] as string[];
    // Every 50th value is one the rows hold; the others match nothing.
    const value = i % 50 === 0 ? (pool[i % pool.length] as string) : `NOPE${i}`;
    docs.push(rule(`s${i}`, { field: fields[f] as string, op: 'equal_to', value }, 200 + i));
  }
  docs.push(rule('src', { field: 'SOURCE', op: 'eq', value: pools[3]?.[0] as string }, 50_000));
  return docs;
}

function rangeRules(count: number): RuleInput[] {
  const docs: RuleInput[] = [];
  for (let i = 0; i < count; i++) {
    const low = 200 + i / 100; // above any generated PX: nothing matches, every rule is tested
    docs.push(rule(`p${i}`, { field: 'PX', op: 'between', value: low, value2: low + 0.005 }, i));
  }
  return docs;
}

function containsRules(count: number): RuleInput[] {
  // Text no ticker holds: nothing matches, every rule is tested.
  return Array.from({ length: count }, (_, i) =>
    rule(`t${i}`, { field: 'TICKER', op: 'contains', value: `ZQ${i}` }, i),
  );
}

/** `{not: {not: … {PX gt 100} …}}` nested `depth` deep. */
function deepRule(depth: number): RuleInput[] {
  let when: Condition = { field: 'PX', op: 'gt', value: 100 };
  for (let d = 1; d < depth; d++) when = d % 2 ? { not: when } : { all: [when] };
  return [rule('deep', when)];
}

const SCENARIOS: Record<string, () => void> = {
  'in-5000': () => listScenario('in-5000', 200_000, 5_000),
  'in-100000': () => listScenario('in-100000', 200_000, 100_000),
  'simple-10000': () => {
    const records = rowsOf(200_000);
    manyRulesScenario('simple-10000', simpleRules(records), records);
  },
  'range-10000': () => manyRulesScenario('range-10000', rangeRules(10_000), rowsOf(200_000)),
  'range-1000': () => manyRulesScenario('range-1000', rangeRules(1_000), rowsOf(200_000)),
  'contains-1000': () => manyRulesScenario('contains-1000', containsRules(1_000), rowsOf(200_000)),
  'deep-850': () => manyRulesScenario('deep-850', deepRule(850), rowsOf(50_000)),
  'deep-limit': () =>
    manyRulesScenario(`deep-${DEPTH_LIMIT}`, deepRule(DEPTH_LIMIT), rowsOf(50_000)),
};

const scenarioArg = args.indexOf('--scenario');
if (scenarioArg >= 0) {
  const scenario = SCENARIOS[args[scenarioArg + 1] as string];
  if (!scenario) throw new Error(`unknown scenario ${args[scenarioArg + 1]}`);
  scenario();
} else {
  for (const name of Object.keys(SCENARIOS)) {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), ...args, '--scenario', name],
      { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' },
    );
    // A scenario that dies (out of memory, stack overflow) is a figure too: report it and go on.
    if (child.status !== 0)
      console.log(
        JSON.stringify({
          name,
          failed: child.status ?? child.signal,
          error: child.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 300),
        }),
      );
  }
}
