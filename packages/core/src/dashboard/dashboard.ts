import { selectionRows } from '../exports/export-selection.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { StoredRow } from '../run/run-protocol.js';
import { listRuns } from '../run/run-queries.js';
import { type NextRun, nextRun } from '../schedule/projections.js';
import { localDateAt } from '../schedule/zoned-time.js';
import { readCurrentView, readManifest } from '../views/current-view.js';
import { type ColorPage, type ColorQuery, queryColors } from './color-query.js';

/** Which rows the dashboard shows (SPEC §8). */
export type ColorView =
  | { view: 'current' }
  | { view: 'history' }
  | { view: 'run'; run: number }
  | { view: 'date'; date: string };

/**
 * The data version: it changes whenever visible data changes (HTTP ETags, cheap polling). One
 * small read: a poller whose version is current needs nothing else.
 *
 * @example
 * ```ts
 * if ((await readDataVersion(store)) === lastSeen) return; // nothing new to show
 * ```
 */
export async function readDataVersion(store: ObjectStore): Promise<number> {
  return (await readManifest(store))?.version ?? 0;
}

/** Every row of a view, read from the store (the runs' partitions). */
export async function rowsOfView(store: ObjectStore, view: ColorView): Promise<StoredRow[]> {
  switch (view.view) {
    case 'current':
      return (await readCurrentView(store)).rows;
    case 'history':
      return selectionRows(store, { from: '0001-01-01', to: '9999-12-31' });
    case 'run':
      return selectionRows(store, { run: view.run });
    case 'date':
      return selectionRows(store, { date: view.date });
  }
}

/**
 * A page of processed colors in a view, filtered, sorted and paged, with the data version read
 * before the rows (a version never claims data newer than it describes). Reads every row of the
 * view through the view and run read functions on each call: the in-memory query engine (issue 12
 * item 3) replaces this read path, not its answers.
 *
 * @example
 * ```ts
 * const page = await readDashboardColors(store, { view: 'current' }, { skip: 0, limit: 50, hierarchy: true });
 * ```
 */
export async function readDashboardColors(
  store: ObjectStore,
  view: ColorView,
  query: ColorQuery,
): Promise<ColorPage & { dataVersion: number }> {
  const dataVersion = await readDataVersion(store);
  return { ...queryColors(await rowsOfView(store, view), query), dataVersion };
}

/** The dashboard's figures (SPEC §8). */
export interface DashboardStats {
  dataVersion: number;
  /** Output rows of visible runs of today's business date (in the business time zone). */
  today: { date: string; rows: number };
  /** Output rows of visible runs per month (`YYYY-MM`), the last 12 months, oldest first. */
  monthly: { month: string; rows: number }[];
  nextRun: NextRun | null;
  /** The current view: rows, parents and CUSIPs. */
  output: { rows: number; parents: number; cusips: number };
  /** The sectors of the current view's rows, sorted. */
  sectors: string[];
}

/** The 12 months ending with `date`'s, oldest first (`YYYY-MM`). */
export function lastTwelveMonths(date: string): string[] {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return Array.from({ length: 12 }, (_, i) => {
    const index = year * 12 + (month - 1) - (11 - i);
    return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
  });
}

/**
 * The dashboard's figures: today's and monthly counts from the visible runs' records, the next
 * run, the current view's size and sectors, and the data version.
 *
 * @example
 * ```ts
 * const stats = await readDashboardStats({ store, clock, businessTimeZone: 'America/New_York' });
 * ```
 */
export async function readDashboardStats(deps: {
  store: ObjectStore;
  clock: Clock;
  businessTimeZone: string;
}): Promise<DashboardStats> {
  const { store, clock } = deps;
  const dataVersion = await readDataVersion(store);
  const today = localDateAt(deps.businessTimeZone, clock.now().getTime());
  const months = lastTwelveMonths(today);
  const perMonth = new Map(months.map((m) => [m, 0]));
  let todayRows = 0;
  for (const run of await listRuns(store)) {
    if (run.state !== 'committed' || run.hidden || run.record.status !== 'success') continue;
    const { businessDate, counts } = run.record;
    if (businessDate === today) todayRows += counts.output;
    const month = businessDate.slice(0, 7);
    const sum = perMonth.get(month);
    if (sum !== undefined) perMonth.set(month, sum + counts.output);
  }
  const { rows } = await readCurrentView(store);
  return {
    dataVersion,
    today: { date: today, rows: todayRows },
    monthly: months.map((month) => ({ month, rows: perMonth.get(month) ?? 0 })),
    nextRun: await nextRun(store, clock),
    output: {
      rows: rows.length,
      parents: rows.filter((r) => r.IS_PARENT).length,
      cusips: new Set(rows.map((r) => r.CUSIP)).size,
    },
    sectors: [
      ...new Set(rows.map((r) => r.SECTOR).filter((s) => typeof s === 'string' && s !== '')),
    ].sort(),
  };
}
