// The holder of the dashboard's resident index (issue 12): one per host process, created by the
// host (no state in core's modules). It trusts a data version it checked less than `freshnessMs`
// ago, else reads it again (one small read); when it changed, loads the runs it does not hold yet,
// drops hidden ones, and builds the next index while requests wait for it (one build at a time).
// Every replica keeps its own: the data version is in the store, so they all converge.
import type { ReadScope } from '../accounts/read-scope.js';
import { UNRESTRICTED_READ_SCOPE } from '../accounts/read-scope.js';
import { isMarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { runLineParts, type StoredRow } from '../run/run-protocol.js';
import { listRuns } from '../run/run-queries.js';
import type { RunRecord } from '../run/run-record.js';
import { nextRun } from '../schedule/projections.js';
import { localDateAt } from '../schedule/zoned-time.js';
import { type SearchOptions, type SearchResult, searchMatcher } from '../search/search-match.js';
import { parseStored } from '../store/damaged-object.js';
import { readManifest } from '../views/current-view.js';
import { isIndexed, readViewIndex } from '../views/view-store.js';
import { ColorIndex, type IndexedRunRows } from './color-index.js';
import type { ColorPage, ColorQuery } from './color-query.js';
import {
  type ColorTable,
  concatTables,
  createDictionaries,
  encodeRows,
  type TableSlice,
} from './color-table.js';
import {
  type ColorView,
  type DashboardStats,
  lastTwelveMonths,
  readDataVersion,
  rowsOfView,
} from './dashboard.js';
import { queryScopedColors } from './scoped-colors.js';
import { rowsOfRunsFromIndex, searchIndex } from './view-engine.js';

/** How a {@link createDashboardReader} reads. */
export interface DashboardReaderOptions {
  store: ObjectStore;
  clock: Clock;
  businessTimeZone: string;
  /**
   * How long a data version read from the store is trusted, in ms (default 1000): a change made
   * by another process shows within this long; 0 reads the version on every request.
   */
  freshnessMs?: number;
  /**
   * Most rows held in memory (default 5,000,000). The current view's runs are always held; older
   * runs beyond the budget are not, and a history, run or date view that needs them is read from
   * the store on each request (as before the index).
   */
  maxRows?: number;
}

/** What the index holds now (for status and benchmarks). */
export interface DashboardIndexFigures {
  dataVersion: number;
  rows: number;
  runs: number;
  /** Visible runs not held (beyond `maxRows`). */
  runsNotHeld: number;
  /** How long the last build took, and how many runs it read from the store. */
  lastBuildMs: number;
  lastBuildRunsRead: number;
}

/** The dashboard's reads over a resident index (see {@link createDashboardReader}). */
export interface DashboardReader {
  /** The data version (read at most once per freshness window). */
  dataVersion(): Promise<number>;
  /** A page of colors in `view`, for a reader of `scope`, with the data version it describes. */
  colors(
    view: ColorView,
    query: ColorQuery,
    scope?: ReadScope,
  ): Promise<ColorPage & { dataVersion: number }>;
  /** The dashboard's figures for a reader of `scope` (counts and sectors of their rows only). */
  stats(scope?: ReadScope): Promise<DashboardStats>;
  /**
   * Security search over the current view, from the index (which always holds the current
   * view): the answer of `searchCurrentView` for the same store, with the data version.
   */
  search(
    identifier: string,
    scope?: ReadScope,
    options?: SearchOptions,
  ): Promise<SearchResult & { dataVersion: number }>;
  /**
   * The rows of `runs` (in the order given) a reader of `scope` sees, from the index — what
   * `scopeRows` makes of their stored rows; null when the index does not hold every one of them
   * (beyond `maxRows`, or committed since the last refresh): read them from the store then.
   */
  rowsOfRuns(runs: readonly number[], scope?: ReadScope): Promise<StoredRow[] | null>;
  /** What the index holds. */
  figures(): DashboardIndexFigures | null;
  /**
   * Forgets when the data version was last read, so the next read checks it (a host calls it
   * after a change made in its own process: its own users see it at once).
   */
  invalidate(): void;
}

interface Snapshot {
  version: number;
  index: ColorIndex;
  /** Each held run's rows in `index`'s table. */
  slices: Map<number, TableSlice>;
  /** Every visible run's record, newest first (held or not). */
  visible: RunRecord[];
  held: Set<number>;
  figures: DashboardIndexFigures;
}

/** The run holding each CUSIP of the stored current view; null when it cannot be read. */
async function currentOwners(store: ObjectStore): Promise<Map<string, number> | null> {
  try {
    const manifest = await readManifest(store);
    if (!manifest) return new Map();
    if (!isIndexed(manifest)) return null;
    const owners = new Map<string, number>();
    for (const { run, cusips } of (await readViewIndex(store, manifest)).runs)
      for (const cusip of cusips.keys()) owners.set(cusip, run);
    return owners;
  } catch (err) {
    // A damaged view is rebuilt from the runs (as `readCurrentView` does), in memory.
    if (isMarketPulseError(err) && err.details && 'key' in (err.details as object)) return null;
    throw err;
  }
}

/**
 * Creates the dashboard's reader: a resident, columnar index of the visible runs' rows, rebuilt
 * incrementally when the data version changes (a new run is read once; held runs are not read
 * again), answering pages and figures per reader scope without reading rows from the store. The
 * answers are those of `queryScopedColors` over the view's rows.
 *
 * @example
 * ```ts
 * const dashboard = createDashboardReader({ store, clock, businessTimeZone: 'America/New_York' });
 * const page = await dashboard.colors({ view: 'current' }, { skip: 0, limit: 50, hierarchy: true }, scope);
 * ```
 */
export function createDashboardReader(options: DashboardReaderOptions): DashboardReader {
  const { store, clock } = options;
  const freshnessMs = options.freshnessMs ?? 1000;
  const maxRows = options.maxRows ?? 5_000_000;
  let dicts = createDictionaries();
  let snapshot: Snapshot | null = null;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let checking: Promise<Snapshot> | null = null;
  /** Rows per sector of runs not held (for scoped figures); runs are immutable. */
  const sectorCounts = new Map<number, Map<string, number>>();

  async function build(version: number, previous: Snapshot | null): Promise<Snapshot> {
    const started = clock.now().getTime();
    const visible: RunRecord[] = [];
    for (const run of await listRuns(store))
      if (run.state === 'committed' && !run.hidden && run.record.status === 'success')
        visible.push(run.record);
    const owners = await currentOwners(store);
    const needed = new Set(owners?.values() ?? []);
    const parts: { record: RunRecord; slice: TableSlice }[] = [];
    let rows = 0;
    let runsRead = 0;
    let reuse = previous !== null;
    for (const record of visible) {
      const wanted =
        owners === null || needed.has(record.id) || rows + record.counts.output <= maxRows;
      if (!wanted) continue;
      let slice = previous?.slices.get(record.id);
      if (!slice) {
        const table = await encodeRun(record);
        slice = { table, from: 0, to: table.length };
        runsRead++;
      }
      parts.push({ record, slice });
      rows += slice.to - slice.from;
    }
    // Values of runs no longer held stay in the dictionaries; start afresh when most are gone.
    if (previous && previous.index.length > 2 * rows) reuse = false;
    if (!reuse && previous) {
      dicts = createDictionaries();
      return build(version, null);
    }
    const table = concatTables(parts.map((p) => p.slice));
    const runs: IndexedRunRows[] = [];
    const slices = new Map<number, TableSlice>();
    let at = 0;
    for (const { record, slice } of parts) {
      const count = slice.to - slice.from;
      runs.push({ run: record.id, businessDate: record.businessDate, start: at, count });
      slices.set(record.id, { table, from: at, to: at + count });
      at += count;
    }
    const index = new ColorIndex({
      dicts,
      table,
      runs,
      currentOwner: owners ?? ownersFromRuns(runs, table, dicts),
    });
    return {
      version,
      index,
      slices,
      visible,
      held: new Set(runs.map((r) => r.run)),
      figures: {
        dataVersion: version,
        rows: index.length,
        runs: runs.length,
        runsNotHeld: visible.length - runs.length,
        lastBuildMs: clock.now().getTime() - started,
        lastBuildRunsRead: runsRead,
      },
    };
  }

  /**
   * A run's rows as a table, coded one partition at a time: only one partition's row objects are
   * alive at once (a 1,000,000-row run held as objects first: 96 s and 1.1 GB RSS to build; by
   * partition: 51 s and 655 MB — both at load average ~20 on 2 cores).
   */
  async function encodeRun(record: RunRecord): Promise<ColorTable> {
    const parts: TableSlice[] = [];
    for await (const { key, lines } of runLineParts(store, record)) {
      const table = encodeRows(
        dicts,
        lines.map((line) => parseStored<StoredRow>(key, line)),
      );
      parts.push({ table, from: 0, to: table.length });
    }
    return parts.length === 1 ? (parts[0] as TableSlice).table : concatTables(parts);
  }

  async function current(): Promise<Snapshot> {
    if (snapshot && clock.now().getTime() - checkedAt < freshnessMs) return snapshot;
    checking ??= (async () => {
      const checkStarted = clock.now().getTime();
      const version = await readDataVersion(store);
      if (!snapshot || snapshot.version !== version) snapshot = await build(version, snapshot);
      checkedAt = checkStarted;
      return snapshot;
    })().finally(() => {
      checking = null;
    });
    return checking;
  }

  const holds = (s: Snapshot, view: ColorView) => {
    if (view.view === 'current') return true;
    if (view.view === 'run') return s.held.has(view.run);
    if (view.view === 'date')
      return s.visible.every((r) => r.businessDate !== view.date || s.held.has(r.id));
    return s.visible.every((r) => s.held.has(r.id));
  };

  async function rowsOfRunBySector(record: RunRecord): Promise<Map<string, number>> {
    const known = sectorCounts.get(record.id);
    if (known) return known;
    const counts = new Map<string, number>();
    for await (const { key, lines } of runLineParts(store, record))
      for (const line of lines) {
        const sector = String(parseStored<StoredRow>(key, line).SECTOR ?? '');
        counts.set(sector, (counts.get(sector) ?? 0) + 1);
      }
    sectorCounts.set(record.id, counts);
    return counts;
  }

  return {
    async dataVersion() {
      return (await current()).version;
    },
    async colors(view, query, scope = UNRESTRICTED_READ_SCOPE) {
      const s = await current();
      if (holds(s, view)) return { ...s.index.query(view, query, scope), dataVersion: s.version };
      // Beyond the memory budget: read the view's rows from the store, as before the index.
      const rows = await rowsOfView(store, view);
      return { ...queryScopedColors(rows, query, scope), dataVersion: s.version };
    },
    async stats(scope = UNRESTRICTED_READ_SCOPE) {
      const s = await current();
      const today = localDateAt(options.businessTimeZone, clock.now().getTime());
      const months = lastTwelveMonths(today);
      const perMonth = new Map(months.map((m) => [m, 0]));
      const held = s.index.rowsOfRuns(scope);
      let todayRows = 0;
      for (const record of s.visible) {
        const month = record.businessDate.slice(0, 7);
        if (record.businessDate !== today && !perMonth.has(month)) continue;
        let rows = held.get(record.id);
        if (rows === undefined) {
          if (scope.rows.all) rows = record.counts.output;
          else {
            rows = 0;
            for (const [sector, n] of await rowsOfRunBySector(record))
              if (scope.rows.allows(sector)) rows += n;
          }
        }
        if (record.businessDate === today) todayRows += rows;
        const sum = perMonth.get(month);
        if (sum !== undefined) perMonth.set(month, sum + rows);
      }
      const { sectors, ...output } = s.index.currentOutput(scope);
      return {
        dataVersion: s.version,
        today: { date: today, rows: todayRows },
        monthly: months.map((month) => ({ month, rows: perMonth.get(month) ?? 0 })),
        nextRun: await nextRun(store, clock),
        output,
        sectors,
      };
    },
    async search(identifier, scope = UNRESTRICTED_READ_SCOPE, searchOptions = {}) {
      searchMatcher(identifier, scope, searchOptions); // a bad search is refused before any read
      const s = await current();
      return { ...searchIndex(s.index, identifier, scope, searchOptions), dataVersion: s.version };
    },
    async rowsOfRuns(runs, scope = UNRESTRICTED_READ_SCOPE) {
      const s = await current();
      if (!runs.every((run) => s.held.has(run))) return null;
      return rowsOfRunsFromIndex(s.index, runs, scope);
    },
    figures: () => snapshot?.figures ?? null,
    invalidate() {
      checkedAt = Number.NEGATIVE_INFINITY;
    },
  };
}

/** The current view from the held runs (newest run holding each CUSIP), when the stored one cannot be read. */
function ownersFromRuns(
  runs: readonly IndexedRunRows[],
  table: ColorTable,
  dicts: ReturnType<typeof createDictionaries>,
): Map<string, number> {
  const owners = new Map<string, number>();
  const codes = table.codes.get('CUSIP');
  const values = dicts.columns.get('CUSIP')?.values ?? [];
  if (!codes) return owners;
  for (const { run, start, count } of runs)
    for (let r = start; r < start + count; r++) {
      const cusip = values[codes[r] as number] as string;
      if (!owners.has(cusip)) owners.set(cusip, run);
    }
  return owners;
}
