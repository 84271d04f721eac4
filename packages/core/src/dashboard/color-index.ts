// The dashboard's resident read index (issue 12): the visible runs' rows as one column table in
// view order (runs newest first, each in output order), which rows the current view holds, the
// (run, CUSIP) groups, and — built on first use — per column the sort ranks and the rows of each
// value. A query answers what `queryColors` answers over the same rows after the reader's scope,
// without reading the store: candidates from the smallest posting list (or the view's runs), one
// pass of typed-array checks, and a sort of the matches (or a walk of a cached full order when
// most rows match).
import type { ReadScope } from '../accounts/read-scope.js';
import { MarketPulseError } from '../errors.js';
import type { StoredRow } from '../run/run-protocol.js';
import type { ColorPage, ColorQuery } from './color-query.js';
import { ABSENT, type ColorTable, type ColumnDictionaries } from './color-table.js';
import type { ColorView } from './dashboard.js';
import { refuseHiddenColumns } from './scoped-colors.js';

/** One visible run of the index: its rows are `start … start + count - 1`. */
export interface IndexedRunRows {
  run: number;
  businessDate: string;
  start: number;
  count: number;
}

/** What an index is built from (see {@link buildColorIndex}). */
export interface ColorIndexSource {
  dicts: ColumnDictionaries;
  /** Every row of `runs`, in view order. */
  table: ColorTable;
  /** The runs, newest first, as laid out in `table`. */
  runs: readonly IndexedRunRows[];
  /** The current view: the run holding each CUSIP. */
  currentOwner: ReadonlyMap<string, number>;
}

const EMPTY_RANK = 0x7fffffff;
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim().toUpperCase());
const isEmpty = (v: unknown) => v === null || v === undefined || v === '';

/** The cell order of `queryColors`: numbers as numbers, everything else as text. */
function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Row ids grouped by a key per row (compressed rows: `rows[offsets[k] … offsets[k+1]]`). */
interface Postings {
  /** Normalised text → key. */
  keys: Map<string, number>;
  offsets: Int32Array;
  rows: Int32Array;
  /** Per dictionary code, its key (ABSENT rows use `absentKey`). */
  keyOfCode: Int32Array;
  absentKey: number;
}

/** The scope's rows as a cache key: readers with the same sectors see the same rows. */
const scopeKey = (scope: ReadScope) =>
  scope.rows.all ? '*' : [...scope.rows.sectors].sort().join('\u0000');

/** A built index: answers pages and figures for any scope. Immutable once built. */
export class ColorIndex {
  readonly length: number;
  private readonly dicts: ColumnDictionaries;
  private readonly table: ColorTable;
  readonly runs: readonly IndexedRunRows[];
  private readonly inCurrent: Uint8Array;
  private readonly isParent: Uint8Array;
  /** Per row, the row of its group's parent (-1: the group has none). */
  private readonly parentOf: Int32Array;
  /** Children of each parent row: `childRows[childStart[p] … childStart[p + 1]]` by parent slot. */
  private readonly parentSlot: Int32Array;
  private readonly childStart: Int32Array;
  private readonly childRows: Int32Array;
  private readonly ranks = new Map<string, Int32Array>();
  private readonly postings = new Map<string, Postings>();
  private readonly orders = new Map<string, Int32Array>();
  private readonly pages = new Map<string, Int32Array>();
  /** Per row shape: its columns with their codes and values, to rebuild rows without lookups. */
  private readonly decoders = new Map<
    number,
    { names: string[]; codes: Int32Array[]; values: unknown[][] }
  >();
  private pagesHeld = 0;

  constructor(source: ColorIndexSource) {
    const { dicts, table, runs, currentOwner } = source;
    this.dicts = dicts;
    this.table = table;
    this.runs = runs;
    this.length = table.length;
    const n = table.length;
    const cusips = dicts.columns.get('CUSIP')?.values ?? [];
    const cusipCodes = table.codes.get('CUSIP') ?? new Int32Array(n).fill(ABSENT);
    const parentFlags = table.codes.get('IS_PARENT');
    const parentValues = dicts.columns.get('IS_PARENT')?.values ?? [];
    this.inCurrent = new Uint8Array(n);
    this.isParent = new Uint8Array(n);
    this.parentOf = new Int32Array(n).fill(-1);
    this.parentSlot = new Int32Array(n).fill(-1);
    const childCount: number[] = [];
    // The current view's run per CUSIP code, resolved once per CUSIP rather than per row.
    const ownerOfCode = new Int32Array(cusips.length).fill(-1);
    for (let c = 0; c < cusips.length; c++)
      ownerOfCode[c] = currentOwner.get(cusips[c] as string) ?? -1;
    for (const { run, start, count } of runs) {
      // Groups are (run, CUSIP): every run ranks on its own.
      // The group's parent is its last IS_PARENT row, as in `queryColors`.
      const parentByCusip = new Map<number, number>();
      for (let r = start; r < start + count; r++) {
        const code = cusipCodes[r] as number;
        if (code !== ABSENT && ownerOfCode[code] === run) this.inCurrent[r] = 1;
        const flag = parentFlags ? (parentFlags[r] as number) : ABSENT;
        if (flag !== ABSENT && parentValues[flag] === true) {
          this.isParent[r] = 1;
          parentByCusip.set(code, r);
        }
      }
      for (const parent of parentByCusip.values()) {
        this.parentSlot[parent] = childCount.length;
        childCount.push(0);
      }
      for (let r = start; r < start + count; r++) {
        const parent = parentByCusip.get(cusipCodes[r] as number);
        if (parent === undefined) continue;
        this.parentOf[r] = parent;
        const slot = this.parentSlot[parent] as number;
        if (!this.isParent[r]) childCount[slot] = (childCount[slot] as number) + 1;
      }
    }
    this.childStart = new Int32Array(childCount.length + 1);
    for (let s = 0; s < childCount.length; s++)
      this.childStart[s + 1] = (this.childStart[s] as number) + (childCount[s] as number);
    this.childRows = new Int32Array(this.childStart[childCount.length] as number);
    const filled = new Int32Array(childCount.length);
    for (let r = 0; r < n; r++) {
      const parent = this.parentOf[r] as number;
      if (parent < 0 || this.isParent[r]) continue;
      const slot = this.parentSlot[parent] as number;
      this.childRows[(this.childStart[slot] as number) + (filled[slot] as number)++] = r;
    }
  }

  /** Whether the index holds the rows of `view` (a run or date it does not hold: no). */
  holds(view: ColorView): boolean {
    if (view.view === 'run') return this.runs.some((r) => r.run === view.run);
    return true;
  }

  /**
   * A page of colors in `view` for a reader of `scope`: the answer of `queryColors` over the
   * view's rows the scope allows, with the columns it hides left out. Filtering or sorting on a
   * hidden column is FORBIDDEN (the order would show its values).
   */
  query(view: ColorView, query: ColorQuery, scope: ReadScope): ColorPage {
    if (query.dateFrom && query.dateTo && query.dateFrom > query.dateTo)
      throw new MarketPulseError(
        'VALIDATION_ERROR',
        `dateFrom ${query.dateFrom} is after dateTo ${query.dateTo}`,
        { details: { field: 'dateFrom' } },
      );
    const filters = Object.entries(query.filters ?? {})
      .filter(([, values]) => values && values.length > 0)
      .map(([column, values]) => [column, [...new Set((values ?? []).map(text))]] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    const keys = query.sort ? [query.sort] : ['DATE', 'PROCESSED_AT'];
    refuseHiddenColumns(query, scope);
    const direction = query.order === 'asc' ? 1 : -1;
    const cacheKey = JSON.stringify([
      view,
      filters,
      query.dateFrom ?? '',
      query.dateTo ?? '',
      keys,
      direction,
      query.hierarchy,
      scopeKey(scope),
    ]);
    let items = this.pages.get(cacheKey);
    if (items) {
      // Most recently used last.
      this.pages.delete(cacheKey);
      this.pages.set(cacheKey, items);
    } else {
      items = this.sorted(this.matches(view, filters, query, scope), keys, direction);
      this.remember(cacheKey, items);
    }
    const keep = scope.columns.all ? null : (column: string) => scope.columns.allows(column);
    const page: ColorPage['items'] = [];
    const end = Math.min(items.length, query.skip + query.limit);
    for (let i = query.skip; i < end; i++) {
      const r = items[i] as number;
      const row: StoredRow & { children?: StoredRow[] } = this.rowAt(r, keep);
      if (query.hierarchy) row.children = this.childrenOf(r, scope, keep);
      page.push(row);
    }
    return { total: items.length, skip: query.skip, limit: query.limit, items: page };
  }

  /** Answers kept for repeated queries (pages of one listing, pollers): ~4 bytes a match. */
  private remember(key: string, items: Int32Array) {
    const budget = Math.max(1_000_000, this.length * 4);
    this.pages.set(key, items);
    this.pagesHeld += items.length;
    for (const [old, held] of this.pages) {
      if (this.pagesHeld <= budget || old === key) break;
      this.pages.delete(old);
      this.pagesHeld -= held.length;
    }
  }

  /** Row `r` as stored (same keys, same order), without the columns `keep` refuses. */
  private rowAt(r: number, keep: ((column: string) => boolean) | null): StoredRow {
    const shape = this.table.shapeOf[r] as number;
    let decoder = this.decoders.get(shape);
    if (!decoder) {
      const names = this.dicts.shapes[shape] ?? [];
      decoder = {
        names,
        codes: names.map((n) => this.table.codes.get(n) as Int32Array),
        values: names.map((n) => this.dicts.columns.get(n)?.values ?? []),
      };
      this.decoders.set(shape, decoder);
    }
    const out: Record<string, unknown> = {};
    const { names, codes, values } = decoder;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      if (keep && !keep(name)) continue;
      out[name] = (values[i] as unknown[])[(codes[i] as Int32Array)[r] as number];
    }
    return out as StoredRow;
  }

  private childrenOf(parent: number, scope: ReadScope, keep: ((c: string) => boolean) | null) {
    const slot = this.parentSlot[parent] as number;
    const allowed = this.sectorFilter(scope);
    const children: StoredRow[] = [];
    for (let i = this.childStart[slot] as number; i < (this.childStart[slot + 1] as number); i++) {
      const r = this.childRows[i] as number;
      if (allowed(r)) children.push(this.rowAt(r, keep));
    }
    return children;
  }

  /** Whether a row's SECTOR is one the scope allows. */
  private sectorFilter(scope: ReadScope): (row: number) => boolean {
    if (scope.rows.all) return () => true;
    const codes = this.table.codes.get('SECTOR');
    const values = this.dicts.columns.get('SECTOR')?.values ?? [];
    const allowed = new Uint8Array(values.length);
    for (let c = 0; c < values.length; c++) allowed[c] = scope.rows.allows(values[c]) ? 1 : 0;
    const absent = scope.rows.allows(undefined);
    return (row) => {
      const code = codes ? (codes[row] as number) : ABSENT;
      return code === ABSENT ? absent : allowed[code] === 1;
    };
  }

  /** The rows of each normalised value of a column (built once per column). */
  private postingsOf(column: string): Postings {
    const known = this.postings.get(column);
    if (known) return known;
    const values = this.dicts.columns.get(column)?.values ?? [];
    const codes = this.table.codes.get(column);
    const keys = new Map<string, number>();
    const keyOfCode = new Int32Array(values.length);
    const keyOf = (t: string) => {
      let k = keys.get(t);
      if (k === undefined) {
        k = keys.size;
        keys.set(t, k);
      }
      return k;
    };
    for (let c = 0; c < values.length; c++) keyOfCode[c] = keyOf(text(values[c]));
    const absentKey = keyOf('');
    const keyOfRow = (r: number) => {
      const code = codes ? (codes[r] as number) : ABSENT;
      return code === ABSENT ? absentKey : (keyOfCode[code] as number);
    };
    const offsets = new Int32Array(keys.size + 1);
    for (let r = 0; r < this.length; r++) (offsets[keyOfRow(r) + 1] as number)++;
    for (let k = 0; k < keys.size; k++)
      offsets[k + 1] = (offsets[k + 1] as number) + (offsets[k] as number);
    const rows = new Int32Array(this.length);
    const at = offsets.slice(0, keys.size);
    for (let r = 0; r < this.length; r++) {
      const k = keyOfRow(r);
      rows[(at[k] as number)++] = r;
    }
    const postings = { keys, offsets, rows, keyOfCode, absentKey };
    this.postings.set(column, postings);
    return postings;
  }

  /** The rows (flat) or parents (hierarchy) matching, in view order. */
  private matches(
    view: ColorView,
    filters: readonly (readonly [string, readonly string[]])[],
    query: ColorQuery,
    scope: ReadScope,
  ): Int32Array {
    const inView = this.viewFilter(view);
    const allowed = this.sectorFilter(scope);
    const checks = filters.map(([column, wanted]) => {
      const p = this.postingsOf(column);
      const yes = new Uint8Array(p.keys.size);
      let size = 0;
      for (const t of wanted) {
        const k = p.keys.get(t);
        if (k === undefined) continue;
        yes[k] = 1;
        size += (p.offsets[k + 1] as number) - (p.offsets[k] as number);
      }
      const codes = this.table.codes.get(column);
      const test = (r: number) => {
        const code = codes ? (codes[r] as number) : ABSENT;
        return yes[code === ABSENT ? p.absentKey : (p.keyOfCode[code] as number)] === 1;
      };
      return { wanted, p, size, test };
    });
    const inDates = this.dateFilter(query);
    const rowMatches = (r: number) => {
      if (!inView(r) || !allowed(r) || !inDates(r)) return false;
      for (const check of checks) if (!check.test(r)) return false;
      return true;
    };
    const matched = new Uint8Array(this.length);
    const visit = (r: number) => {
      if (!rowMatches(r)) return;
      if (!query.hierarchy) matched[r] = 1;
      else {
        const parent = this.parentOf[r] as number;
        // Without its parent in the reader's rows a group has no entry (as `queryColors`).
        if (parent >= 0 && allowed(parent)) matched[parent] = 1;
      }
    };
    const driver = checks.reduce<(typeof checks)[number] | undefined>(
      (best, c) => (best === undefined || c.size < best.size ? c : best),
      undefined,
    );
    if (driver) {
      for (const t of driver.wanted) {
        const k = driver.p.keys.get(t);
        if (k === undefined) continue;
        for (let i = driver.p.offsets[k] as number; i < (driver.p.offsets[k + 1] as number); i++)
          visit(driver.p.rows[i] as number);
      }
    } else
      for (const { start, count } of this.runsOf(view))
        for (let r = start; r < start + count; r++) visit(r);
    let total = 0;
    for (let r = 0; r < this.length; r++) total += matched[r] as number;
    const out = new Int32Array(total);
    let i = 0;
    for (let r = 0; r < this.length; r++) if (matched[r]) out[i++] = r;
    return out;
  }

  private runsOf(view: ColorView): readonly IndexedRunRows[] {
    if (view.view === 'run') return this.runs.filter((r) => r.run === view.run);
    if (view.view === 'date') return this.runs.filter((r) => r.businessDate === view.date);
    return this.runs;
  }

  private viewFilter(view: ColorView): (row: number) => boolean {
    if (view.view === 'current') return (r) => this.inCurrent[r] === 1;
    if (view.view === 'history') return () => true;
    const ranges = this.runsOf(view);
    return (r) => ranges.some(({ start, count }) => r >= start && r < start + count);
  }

  private dateFilter(query: ColorQuery): (row: number) => boolean {
    const { dateFrom, dateTo } = query;
    if (!dateFrom && !dateTo) return () => true;
    const values = this.dicts.columns.get('DATE')?.values ?? [];
    const codes = this.table.codes.get('DATE');
    const inRange = (v: unknown) => {
      const date = typeof v === 'string' ? v.slice(0, 10) : '';
      return !((dateFrom && date < dateFrom) || (dateTo && date > dateTo));
    };
    const ok = new Uint8Array(values.length);
    for (let c = 0; c < values.length; c++) ok[c] = inRange(values[c]) ? 1 : 0;
    const absent = inRange(undefined);
    return (r) => {
      const code = codes ? (codes[r] as number) : ABSENT;
      return code === ABSENT ? absent : ok[code] === 1;
    };
  }

  /** Per row, the rank of its value in `column` (EMPTY_RANK for empty cells); built once. */
  private ranksOf(column: string): Int32Array {
    const known = this.ranks.get(column);
    if (known) return known;
    const values = this.dicts.columns.get(column)?.values ?? [];
    const codeOrder = Array.from({ length: values.length }, (_, c) => c).filter(
      (c) => !isEmpty(values[c]),
    );
    codeOrder.sort((a, b) => compareValues(values[a], values[b]));
    const rankOfCode = new Int32Array(values.length).fill(EMPTY_RANK);
    let rank = -1;
    for (const [i, c] of codeOrder.entries()) {
      if (i === 0 || compareValues(values[codeOrder[i - 1] as number], values[c]) !== 0) rank++;
      rankOfCode[c] = rank;
    }
    const codes = this.table.codes.get(column);
    const ranks = new Int32Array(this.length).fill(EMPTY_RANK);
    if (codes)
      for (let r = 0; r < this.length; r++) {
        const code = codes[r] as number;
        if (code !== ABSENT) ranks[r] = rankOfCode[code] as number;
      }
    this.ranks.set(column, ranks);
    return ranks;
  }

  /** The comparator of `queryColors`: per key, empty last either way; ties in view order. */
  private comparator(keys: readonly string[], direction: number) {
    const ranks = keys.map((k) => this.ranksOf(k));
    return (a: number, b: number) => {
      for (const rank of ranks) {
        const ra = rank[a] as number;
        const rb = rank[b] as number;
        if (ra === rb) continue;
        if (ra === EMPTY_RANK) return 1;
        if (rb === EMPTY_RANK) return -1;
        return (ra - rb) * direction;
      }
      return a - b;
    };
  }

  /** Every row in the order of `keys` (built once per keys and direction). */
  private fullOrder(keys: readonly string[], direction: number): Int32Array {
    const key = JSON.stringify([keys, direction]);
    let order = this.orders.get(key);
    if (!order) {
      order = Int32Array.from({ length: this.length }, (_, r) => r);
      order.sort(this.comparator(keys, direction));
      this.orders.set(key, order);
    }
    return order;
  }

  /** `rows` in the order of `keys`: a sort of the matches, or a walk of the full order. */
  private sorted(rows: Int32Array, keys: readonly string[], direction: number): Int32Array {
    if (rows.length * 8 < this.length) return rows.sort(this.comparator(keys, direction));
    const wanted = new Uint8Array(this.length);
    for (const r of rows) wanted[r] = 1;
    const out = new Int32Array(rows.length);
    let i = 0;
    for (const r of this.fullOrder(keys, direction)) if (wanted[r]) out[i++] = r;
    return out;
  }

  // Row-level reads for the other read paths (search, exports of a view; see `view-engine.ts`).

  /**
   * Ids of the rows the scope allows, in view order: of the current view, or of the given runs
   * in the order given (a run the index does not hold has none). Read them with {@link row}.
   */
  rowIds(which: 'current' | readonly number[], scope: ReadScope): Int32Array {
    const allowed = this.sectorFilter(scope);
    const out: number[] = [];
    if (which === 'current') {
      for (let r = 0; r < this.length; r++) if (this.inCurrent[r] && allowed(r)) out.push(r);
    } else
      for (const run of which)
        for (const { start, count } of this.runs.filter((held) => held.run === run))
          for (let r = start; r < start + count; r++) if (allowed(r)) out.push(r);
    return Int32Array.from(out);
  }

  /** Row `r` as stored (same keys, same order), with only the columns `keep` allows. */
  row(r: number, keep: ((column: string) => boolean) | null = null): StoredRow {
    return this.rowAt(r, keep);
  }

  /** A reader of rows' cells in `column` (undefined where a row has none). */
  cellsOf(column: string): (row: number) => unknown {
    const codes = this.table.codes.get(column);
    const values = this.dicts.columns.get(column)?.values ?? [];
    return (r) => {
      const code = codes ? (codes[r] as number) : ABSENT;
      return code === ABSENT ? undefined : values[code];
    };
  }

  /**
   * A test of rows by their cell in `column`, `test` run once per distinct value (a row without
   * the column is tested with undefined).
   */
  cellTest(column: string, test: (value: unknown) => boolean): (row: number) => boolean {
    const values = this.dicts.columns.get(column)?.values ?? [];
    const codes = this.table.codes.get(column);
    const yes = new Uint8Array(values.length);
    for (let c = 0; c < values.length; c++) yes[c] = test(values[c]) ? 1 : 0;
    const absent = test(undefined);
    return (r) => {
      const code = codes ? (codes[r] as number) : ABSENT;
      return code === ABSENT ? absent : yes[code] === 1;
    };
  }

  /** Output rows of each run the scope allows (all of them without a row scope). */
  rowsOfRuns(scope: ReadScope): Map<number, number> {
    const allowed = this.sectorFilter(scope);
    const counts = new Map<number, number>();
    for (const { run, start, count } of this.runs) {
      let n = 0;
      if (scope.rows.all) n = count;
      else for (let r = start; r < start + count; r++) if (allowed(r)) n++;
      counts.set(run, n);
    }
    return counts;
  }

  /** The current view's rows, parents, CUSIPs and sectors that the scope allows. */
  currentOutput(scope: ReadScope): {
    rows: number;
    parents: number;
    cusips: number;
    sectors: string[];
  } {
    const allowed = this.sectorFilter(scope);
    const cusipCodes = this.table.codes.get('CUSIP');
    const sectorCodes = this.table.codes.get('SECTOR');
    const sectorValues = this.dicts.columns.get('SECTOR')?.values ?? [];
    const cusips = new Set<number>();
    const sectors = new Set<string>();
    let rows = 0;
    let parents = 0;
    for (let r = 0; r < this.length; r++) {
      if (!this.inCurrent[r] || !allowed(r)) continue;
      rows++;
      if (this.isParent[r]) parents++;
      cusips.add(cusipCodes ? (cusipCodes[r] as number) : ABSENT);
      const code = sectorCodes ? (sectorCodes[r] as number) : ABSENT;
      const sector = code === ABSENT ? undefined : sectorValues[code];
      if (typeof sector === 'string' && sector !== '') sectors.add(sector);
    }
    return { rows, parents, cusips: cusips.size, sectors: [...sectors].sort() };
  }
}
