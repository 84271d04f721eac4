import type { Anchor, CompiledCondition, EmitScope } from './compile-condition.js';
import type { KeyOf, ValueKey } from './value-keys.js';
import { comparableSource } from './value-tests.js';

type Row = Readonly<Record<string, unknown>>;

/** The index of the first condition a row matches, -1 for none. */
export type FirstMatch = (row: Row) => number;

/**
 * A field is looked up by value once this many rules are anchored on it. Below, testing each rule
 * in the generated function is cheaper than a key (trim, lower-case, memo) and a hash lookup.
 */
const INDEX_MIN_RULES = 8;

/**
 * Rules per generated function. V8 optimises a function only up to a bytecode size, so 10,000
 * rules in one function ran in the interpreter; chunks of this size are each optimised.
 */
const CHUNK_RULES = 64;

/** Rules indexed by the value of one field: for each key, the rules anchored on it, ascending. */
interface FieldIndex {
  field: string;
  keyOf: KeyOf;
  byKey: Map<ValueKey, Int32Array>;
}

/** How rules are evaluated: indexed by anchor field, or tested in order on every row. */
interface Plan {
  indexes: FieldIndex[];
  /** Rules tested on every row, ascending. */
  sequential: number[];
}

/**
 * Builds the first-match function of `conditions` (in priority order). Rules anchored on a field
 * that anchors many rules (e.g. 10,000 `CUSIP equal_to` rules) are found by one hash lookup of
 * the row's value; only those candidates are tested. The other rules are tested in order by
 * generated code that reads each field with a literal property name (a shared closure reading
 * `row[name]` for many names makes V8's property lookups megamorphic, ~4× slower on a million
 * rows). Values never enter the source: leaf tests are passed in as `c[i]`, field names are
 * JSON-quoted. Cost per row: one lookup per indexed field, its candidates, and the other rules.
 *
 * @param options.codegen - false evaluates the same plan with closures (what a host that forbids
 *   code generation gets; tests compare the two).
 * @param options.indexMinRules - how many rules a field must anchor to be indexed, and
 *   `options.keyedPatterns` how many pattern leaves make a column tested by its key (tests lower
 *   them to exercise every path).
 */
export function createFirstMatch(
  conditions: readonly CompiledCondition[],
  options: { codegen?: boolean; indexMinRules?: number; keyedPatterns?: number } = {},
): FirstMatch {
  const plan = planIndexes(conditions, options.indexMinRules ?? INDEX_MIN_RULES);
  if (options.codegen !== false) {
    try {
      return generate(conditions, plan, options.keyedPatterns ?? KEYED_PATTERNS);
    } catch {
      // the host forbids code generation: fall through
    }
  }
  return interpret(conditions, plan);
}

function planIndexes(conditions: readonly CompiledCondition[], minRules: number): Plan {
  const byField = new Map<string, number[]>();
  conditions.forEach((c, k) => {
    if (!c.anchor) return;
    const rules = byField.get(c.anchor.field);
    if (rules) rules.push(k);
    else byField.set(c.anchor.field, [k]);
  });
  const indexes: FieldIndex[] = [];
  const indexed = new Set<number>();
  for (const [field, rules] of byField) {
    if (rules.length < minRules) continue;
    const lists = new Map<ValueKey, number[]>();
    for (const k of rules) {
      indexed.add(k);
      for (const key of ((conditions[k] as CompiledCondition).anchor as Anchor).keys) {
        const list = lists.get(key);
        if (list) list.push(k);
        else lists.set(key, [k]);
      }
    }
    const byKey = new Map<ValueKey, Int32Array>();
    for (const [key, list] of lists) byKey.set(key, Int32Array.from(list));
    const keyOf = ((conditions[rules[0] as number] as CompiledCondition).anchor as Anchor).keyOf;
    indexes.push({ field, keyOf, byKey });
  }
  const sequential: number[] = [];
  for (let k = 0; k < conditions.length; k++) if (!indexed.has(k)) sequential.push(k);
  return { indexes, sequential };
}

/** The first rule of `candidates` (ascending) below `best` that `row` matches, else `best`. */
function firstCandidate(
  tests: readonly ((row: Row) => boolean)[],
  candidates: Int32Array,
  row: Row,
  best: number,
): number {
  for (let i = 0; i < candidates.length; i++) {
    const k = candidates[i] as number;
    if (k >= best) return best;
    if ((tests[k] as (row: Row) => boolean)(row)) return k;
  }
  return best;
}

function generate(
  conditions: readonly CompiledCondition[],
  plan: Plan,
  keyedPatterns: number,
): FirstMatch {
  const none = conditions.length;
  const constants: unknown[] = [];
  const preferKey = keyedColumns(conditions, plan.sequential, keyedPatterns);
  const { chunks, reads, calls } = emitChunks(conditions, plan.sequential, constants, preferKey);
  const lookups = plan.indexes.map(
    (ix, i) =>
      `  key = k${i}(row[${JSON.stringify(ix.field)}]);\n` +
      `  if (key !== undefined && (list = m${i}.get(key)) !== undefined) best = first(t, list, row, best);`,
  );
  const source = [
    ...plan.indexes.map((_, i) => `const k${i} = ix[${i}].keyOf, m${i} = ix[${i}].byKey;`),
    ...chunks,
    'return function firstMatch(row) {',
    `  let best = ${none}, key, list;`,
    ...lookups,
    ...(reads.length > 0 ? [`  const ${reads.join(', ')};`] : []),
    ...calls,
    `  return best === ${none} ? -1 : best;`,
    '};',
  ].join('\n');
  const tests = conditions.map((c) => c.test);
  return new Function('c', 'ix', 't', 'first', source)(
    constants,
    plan.indexes,
    tests,
    firstCandidate,
  );
}

/**
 * The rules tested on every row, as chunk functions `s<j>(best, …values)` returning the first rule
 * below `best` that matches, else `best`; `reads` define the values (firstMatch's locals) and
 * `calls` chain the chunks.
 *
 * Fields are read once per row, by firstMatch, and passed to the chunks as values: rows come in
 * several shapes, and a chunk reading `row` itself was deoptimised for each new shape. Number and
 * date fields are also passed made comparable (NaN / undefined when empty or of another type), so
 * a written-out comparison only ever sees one type and compiles to a plain compare (~1 ns a leaf,
 * against ~15 ns when it also had to test for null, "" and 0).
 */
function emitChunks(
  conditions: readonly CompiledCondition[],
  sequential: readonly number[],
  constants: unknown[],
  preferKey: ReadonlySet<string>,
): { chunks: string[]; reads: string[]; calls: string[] } {
  const reads: string[] = [];
  const locals = new Map<string, string>();
  const define = (key: string, source: () => string) => {
    let name = locals.get(key);
    if (name === undefined) {
      const value = source(); // may define the local it reads first
      name = `f${locals.size}`;
      locals.set(key, name);
      reads.push(`${name} = ${value}`);
    }
    return name;
  };
  const raw = (field: string) => define(`v:${field}`, () => `row[${JSON.stringify(field)}]`);
  const chunks: string[] = [];
  const calls: string[] = [];
  for (let from = 0; from < sequential.length; from += CHUNK_RULES) {
    const used = new Set<string>();
    const use = (name: string) => {
      used.add(name);
      return name;
    };
    const scope: EmitScope = {
      preferKey: (column) => preferKey.has(column.name),
      value: (field) => use(raw(field)),
      key: (column, keyOf) =>
        use(
          define(`k:${column.name}`, () => `c[${constants.push(keyOf) - 1}](${raw(column.name)})`),
        ),
      comparable: (column) =>
        use(define(`c:${column.name}`, () => comparableSource(column, raw(column.name)) ?? 'NaN')),
    };
    const tests = sequential
      .slice(from, from + CHUNK_RULES)
      .map(
        (k) =>
          `  if (best <= ${k}) return best;\n  if (${(conditions[k] as CompiledCondition).emit(constants, scope)}) return ${k};`,
      );
    const params = ['best', ...used].join(', ');
    chunks.push(
      [`function s${chunks.length}(${params}) {`, ...tests, '  return best;', '}'].join('\n'),
    );
    calls.push(`  best = s${calls.length}(${params});`);
  }
  return { chunks, reads, calls };
}

/** A column is tested by its key when this many pattern leaves could use either. */
const KEYED_PATTERNS = 4;

/**
 * The columns on which enough pattern leaves run that one key per row (a memo lookup) is cheaper
 * than a regular expression each: found by emitting once with a scope that only counts.
 */
function keyedColumns(
  conditions: readonly CompiledCondition[],
  sequential: readonly number[],
  threshold: number,
): Set<string> {
  const patterns = new Map<string, number>();
  const counting: EmitScope = {
    preferKey: (column) => {
      patterns.set(column.name, (patterns.get(column.name) ?? 0) + 1);
      return false;
    },
    value: () => 'v',
    key: () => 'k',
    comparable: () => 'x',
  };
  for (const k of sequential) (conditions[k] as CompiledCondition).emit([], counting);
  return new Set([...patterns].filter(([, n]) => n >= threshold).map(([name]) => name));
}

function interpret(conditions: readonly CompiledCondition[], plan: Plan): FirstMatch {
  const none = conditions.length;
  const tests = conditions.map((c) => c.test) as ((row: Row) => boolean)[];
  const { indexes, sequential } = plan;
  return (row) => {
    let best = none;
    for (const ix of indexes) {
      const key = ix.keyOf(row[ix.field] as never);
      const list = key === undefined ? undefined : ix.byKey.get(key);
      if (list) best = firstCandidate(tests, list, row, best);
    }
    for (const k of sequential) {
      if (k >= best) break;
      if ((tests[k] as (row: Row) => boolean)(row)) return k;
    }
    return best === none ? -1 : best;
  };
}
