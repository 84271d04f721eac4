import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { type Failpoints, NO_FAILPOINTS } from '../ports/failpoints.js';
import type { ObjectStore } from '../ports/object-store.js';
import { lastRunId } from '../run/run-ids.js';
import {
  declareFailed,
  isRunHidden,
  readRunRecord,
  runLineParts,
  type StoredRow,
  visibilitySchema,
} from '../run/run-protocol.js';
import type { RunRecord } from '../run/run-record.js';
import {
  type DamageDetails,
  damagedObject,
  damageOf,
  parseStored,
} from '../store/damaged-object.js';
import { updateDocument } from '../store/json-document.js';
import { CURRENT_VIEW_MANIFEST, currentViewIndexKey, runKeys } from '../store/layout.js';
import type { Decompress } from '../store/row-partition.js';
import { cusipCounts, release, takeOver, type ViewIndex } from './view-index.js';
import {
  type CurrentViewManifest,
  isIndexed,
  manifestSchema,
  publishView,
  readManifest,
  readViewBase,
  readViewIndex,
  readViewParts,
  type ViewBase,
} from './view-store.js';

export type { CurrentViewManifest, StoredRow };
export { readManifest };

/**
 * A run's rows as the run service hands them to the view: the CUSIP of each output row, in
 * output order (`lines`, when given, are not used: the view references the run's partitions).
 */
export interface RowLines {
  lines?: string[];
  cusips: readonly string[];
}

/** A run's commit record (null: not committed), and whether its rows are visible. */
async function committedRun(
  store: ObjectStore,
  runId: number,
): Promise<{ record: RunRecord; visible: boolean } | null> {
  const record = await readRunRecord(store, runId);
  if (!record) return null;
  return { record, visible: record.status === 'success' && !(await isRunHidden(store, runId)) };
}

/** The CUSIPs of a committed run's output rows, with their row counts (reads its partitions). */
async function cusipsOfRun(store: ObjectStore, record: RunRecord): Promise<Map<string, number>> {
  const cusips: string[] = [];
  for await (const { key, lines } of runLineParts(store, record))
    for (const line of lines) cusips.push(parseStored<StoredRow>(key, line).CUSIP);
  return cusipCounts(cusips);
}

/**
 * The rows an index names, run by run (newest first), each run's in output order, read from the
 * runs' partitions (checked against their commit records) one partition at a time. An index that
 * names a run without rows, or more or fewer rows than the run holds for its CUSIPs, is damaged.
 */
async function* indexedRows(
  store: ObjectStore,
  index: ViewIndex,
  indexKey: string,
  decompress?: Decompress,
): AsyncGenerator<StoredRow> {
  for (const { run, cusips } of index.runs) {
    const record = await readRunRecord(store, run);
    if (record?.status !== 'success')
      throw damagedObject(indexKey, `it names run ${run}, which has no committed rows`);
    let expected = 0;
    for (const n of cusips.values()) expected += n;
    let found = 0;
    for await (const { key, lines } of runLineParts(store, record, decompress)) {
      for (const line of lines) {
        const row = parseStored<StoredRow>(key, line);
        if (!cusips.has(row.CUSIP)) continue;
        found++;
        yield row;
      }
    }
    if (found !== expected)
      throw damagedObject(indexKey, `it counts ${expected} rows of run ${run}, which has ${found}`);
  }
}

/** The index of a view stored before issue 15 (a copy of its rows), from the rows' RUN_IDs. */
async function indexOfCopiedView(
  store: ObjectStore,
  manifest: CurrentViewManifest,
): Promise<ViewIndex> {
  if (isIndexed(manifest)) return readViewIndex(store, manifest);
  const byRun = new Map<number, string[]>();
  for (const { key, lines } of await readViewParts(store, manifest))
    for (const line of lines) {
      const row = parseStored<StoredRow>(key, line);
      byRun.set(row.RUN_ID, [...(byRun.get(row.RUN_ID) ?? []), row.CUSIP]);
    }
  const runs = [...byRun].map(([run, cusips]) => ({ run, cusips: cusipCounts(cusips) }));
  return { runs: runs.sort((a, b) => b.run - a.run) };
}

/**
 * The rows of the stored view a manifest names, one at a time, checked: from the runs its index
 * references, or (a view stored before issue 15) from its own parts.
 */
async function* manifestRows(
  store: ObjectStore,
  manifest: CurrentViewManifest,
  decompress?: Decompress,
): AsyncGenerator<StoredRow> {
  if (isIndexed(manifest)) {
    const index = await readViewIndex(store, manifest);
    yield* indexedRows(store, index, currentViewIndexKey(manifest.version), decompress);
    return;
  }
  for (const { key, lines } of await readViewParts(store, manifest))
    for (const line of lines) yield parseStored<StoredRow>(key, line);
}

/** The current view as read (see {@link readCurrentView}). */
export interface CurrentView {
  /** The stored view's manifest; null when there is no view yet, or when it could not be read. */
  manifest: CurrentViewManifest | null;
  rows: StoredRow[];
  /**
   * Set when the stored view could not be read (a damaged manifest or index): `rows` were then
   * rebuilt from the committed runs, which are the truth. The next run or export writes it anew.
   */
  damaged?: DamageDetails;
}

/**
 * The rows of the current view (for each CUSIP, the rows of the latest visible run containing it),
 * read from the runs' partitions the view's index references, every object checked against the
 * record that names it. A view that cannot be read is rebuilt from the committed runs (in memory:
 * a read path writes nothing) and says so in `damaged`. Throws an error naming the key only when
 * a committed run cannot be read either.
 */
export async function readCurrentView(store: ObjectStore): Promise<CurrentView> {
  try {
    const manifest = await readManifest(store);
    if (!manifest) return { manifest, rows: [] };
    const rows: StoredRow[] = [];
    for await (const row of manifestRows(store, manifest)) rows.push(row);
    return { manifest, rows };
  } catch (err) {
    const damaged = damageOf(err);
    if (!damaged) throw err;
    const { index } = await indexFromRuns(store);
    const rows: StoredRow[] = [];
    for await (const row of indexedRows(store, index, CURRENT_VIEW_MANIFEST)) rows.push(row);
    return { manifest: null, rows, damaged };
  }
}

/**
 * The rows of the current view one at a time, in the order {@link readCurrentView} returns them,
 * holding one run partition in memory at a time (for exports of a large view). A view that
 * cannot be read is an error naming the key (no rebuild: see `readCurrentView`). `decompress`
 * inflates the partitions (default: core's pure-JS one; a host may pass a native one).
 */
export async function* streamCurrentView(
  store: ObjectStore,
  options: { decompress?: Decompress } = {},
): AsyncGenerator<StoredRow> {
  const manifest = await readManifest(store);
  if (manifest) yield* manifestRows(store, manifest, options.decompress);
}

/** Whether the stored view can be read: `ok` (or `empty`), or `damaged` with the key. */
export type CurrentViewHealth =
  | { state: 'ok'; manifest: CurrentViewManifest }
  | { state: 'empty' }
  | ({ state: 'damaged' } & DamageDetails);

/**
 * Checks the stored view without reading its rows: the manifest, its index (checksum and counts)
 * and that every run it references is committed — or, for a view stored before issue 15, every
 * part against its checksum and line count (for `status`).
 */
export async function checkCurrentView(store: ObjectStore): Promise<CurrentViewHealth> {
  try {
    const manifest = await readManifest(store);
    if (!manifest) return { state: 'empty' };
    if (isIndexed(manifest)) {
      const index = await readViewIndex(store, manifest);
      for (const { run } of index.runs)
        if ((await readRunRecord(store, run))?.status !== 'success')
          throw damagedObject(
            currentViewIndexKey(manifest.version),
            `it names run ${run}, which has no committed rows`,
          );
    } else await readViewParts(store, manifest);
    return { state: 'ok', manifest };
  } catch (err) {
    const damaged = damageOf(err);
    if (!damaged) throw err;
    return { state: 'damaged', ...damaged };
  }
}

/** The view's index computed from every visible committed run: cost follows the history. */
async function indexFromRuns(store: ObjectStore): Promise<{ index: ViewIndex; through: number }> {
  const last = await lastRunId(store);
  let index: ViewIndex = { runs: [] };
  let through = 0;
  // Newest first, so an older run only reads the rows of CUSIPs no newer run took.
  for (let runId = last; runId >= 1; runId--) {
    const run = await committedRun(store, runId);
    if (!run) continue;
    through = Math.max(through, runId);
    if (run.visible) index = takeOver(index, runId, await cusipsOfRun(store, run.record));
  }
  return { index, through };
}

/** What a refresh of the view did. */
export interface ViewRefresh {
  /** The view's manifest after the refresh (unchanged when nothing new is visible). */
  manifest: CurrentViewManifest | null;
  /** The stored view could not be read, so it was rebuilt from the committed runs. */
  rebuiltFrom?: DamageDetails;
}

/** How a refresh is called (see {@link refreshCurrentView}). */
export interface RefreshViewOptions {
  /**
   * The run holding the pipeline: runs below it that never committed are declared failed instead
   * of stopping the refresh.
   */
  upToRunId?: number;
  /** The CUSIPs of a run this process just committed, in output order, so they need not be read back. */
  committed?: { runId: number; rows: RowLines };
  /** Named steps of the view update (`VIEW_STEPS`), for crash tests. */
  failpoints?: Failpoints;
}

/**
 * Brings the current view up to date with the committed runs after it (normally just the run that
 * committed; more when a process died between its commit and this step). Reads the previous
 * view's index and the new runs' CUSIPs only, and writes a new index — never rows, never the
 * history — unless the stored view cannot be read: then it is rebuilt from every committed run,
 * and `rebuiltFrom` says what was damaged.
 */
export async function refreshCurrentView(
  store: ObjectStore,
  clock: Clock,
  options: RefreshViewOptions = {},
): Promise<ViewRefresh> {
  try {
    return { manifest: await refreshFromPrevious(store, clock, options) };
  } catch (err) {
    const damaged = damageOf(err);
    // Only the view's own objects are rebuilt; a damaged run is an error naming it.
    if (!damaged?.key.startsWith('views/')) throw err;
    return {
      manifest: await rebuildCurrentView(store, clock, options.failpoints),
      rebuiltFrom: damaged,
    };
  }
}

const stepsOf = (failpoints: Failpoints | undefined) => (name: string) =>
  (failpoints ?? NO_FAILPOINTS).hit(name);

async function refreshFromPrevious(
  store: ObjectStore,
  clock: Clock,
  { upToRunId, committed, failpoints }: RefreshViewOptions,
): Promise<CurrentViewManifest | null> {
  const base = await readViewBase(store);
  if (base.damaged) throw damagedObject(base.damaged.key, base.damaged.reason);
  const previous = base.manifest;
  const last = upToRunId ?? (await lastRunId(store));
  const through = previous?.throughRunId ?? 0;
  if (last <= through) return previous;
  const newer: { runId: number; cusips: () => Promise<Map<string, number>> }[] = [];
  let considered = through;
  for (let runId = through + 1; runId <= last; runId++) {
    const run = await committedRun(store, runId);
    if (!run) {
      // No commit below the run that holds the pipeline: its process died (a paused one can no
      // longer commit: its lease renewal fails first). Without a holder it stops the scan.
      if (upToRunId === undefined) break;
      await declareFailed(store, clock, runId, 'the process running it stopped before committing');
    }
    considered = runId;
    if (run?.visible)
      newer.push({
        runId,
        cusips: async () =>
          committed?.runId === runId
            ? cusipCounts(committed.rows.cusips)
            : cusipsOfRun(store, run.record),
      });
  }
  if (considered === through) return previous;
  if (newer.length === 0 && previous) {
    // Only failed or hidden runs since: the visible data and its version stay as they are.
    const outcome = await updateDocument(store, CURRENT_VIEW_MANIFEST, manifestSchema, (current) =>
      current?.version === previous.version ? { ...current, throughRunId: considered } : undefined,
    );
    if (!outcome.written)
      throw new MarketPulseError(
        'CONFLICT',
        'the current view changed while it was being refreshed; retry',
      );
    return outcome.value;
  }
  // `base` is what the publish compares against: a view changed since makes it refuse anyway.
  let index = previous ? await indexOfCopiedView(store, previous) : { runs: [] };
  for (const { runId, cusips } of newer) index = takeOver(index, runId, await cusips());
  return publishView(store, clock, base, index, considered, stepsOf(failpoints));
}

/**
 * Rebuilds the current view from every visible run (when the stored view is damaged, or by
 * `store migrate`): reads every visible run's CUSIPs, so its cost follows the history.
 */
export async function rebuildCurrentView(
  store: ObjectStore,
  clock: Clock,
  failpoints?: Failpoints,
): Promise<CurrentViewManifest> {
  const base = await readViewBase(store);
  const { index, through } = await indexFromRuns(store);
  return publishView(store, clock, base, index, through, stepsOf(failpoints));
}

/**
 * The view after run `runId` is hidden or restored, changed in place when the stored view can be
 * read: a restored run takes back its CUSIPs from older runs; a hidden run's CUSIPs go to the
 * newest older visible run that has them (older runs are read only until all are placed).
 */
async function viewWithRun(
  store: ObjectStore,
  clock: Clock,
  record: RunRecord,
  hidden: boolean,
): Promise<CurrentViewManifest> {
  const base = await readViewBase(store);
  if (base.damaged || !base.manifest) return rebuildCurrentView(store, clock);
  let index = await indexOfCopiedView(store, base.manifest);
  if (!hidden) index = takeOver(index, record.id, await cusipsOfRun(store, record));
  else {
    const released = release(index, record.id);
    index = released.index;
    const orphans = released.orphans;
    for (let runId = record.id - 1; runId >= 1 && orphans.size > 0; runId--) {
      const run = await committedRun(store, runId);
      if (!run?.visible) continue;
      const found = new Map<string, number>();
      for (const [cusip, rows] of await cusipsOfRun(store, run.record))
        if (orphans.delete(cusip)) found.set(cusip, rows);
      if (found.size > 0) index = takeOver(index, runId, found);
    }
  }
  return publishView(store, clock, base, index, base.manifest.throughRunId);
}

/**
 * Hides a run's rows from every read path, or restores them (SPEC §7), and updates the current
 * view's index. Only committed successful runs can be hidden; CONFLICT when already in that state.
 *
 * @example
 * ```ts
 * const manifest = await setRunHidden({ store, clock }, 42, true, 'jane@desk');
 * console.log(manifest.version); // the view's new data version, without run 42's rows
 * ```
 */
export async function setRunHidden(
  deps: { store: ObjectStore; clock: Clock },
  runId: number,
  hidden: boolean,
  actor?: string,
): Promise<CurrentViewManifest> {
  const record = await readRunRecord(deps.store, runId);
  if (!record)
    throw new MarketPulseError('NOT_FOUND', `run ${runId} does not exist (or has not committed)`);
  if (record.status !== 'success')
    throw new MarketPulseError(
      'CONFLICT',
      `run ${runId} failed; it has no rows to ${hidden ? 'hide' : 'restore'}`,
    );
  const outcome = await updateDocument(
    deps.store,
    runKeys(runId).visibility,
    visibilitySchema,
    (current) =>
      (current?.hidden ?? false) === hidden
        ? undefined
        : { hidden, at: deps.clock.now().toISOString(), ...(actor ? { actor } : {}) },
  );
  if (!outcome.written)
    throw new MarketPulseError(
      'CONFLICT',
      `run ${runId} is already ${hidden ? 'hidden' : 'visible'}`,
    );
  try {
    return await viewWithRun(deps.store, deps.clock, record, hidden);
  } catch (err) {
    if (isMarketPulseError(err, 'CONFLICT'))
      return viewWithRun(deps.store, deps.clock, record, hidden);
    // A view that cannot be read is rebuilt from the runs, which are the truth.
    if (damageOf(err)?.key.startsWith('views/')) return rebuildCurrentView(deps.store, deps.clock);
    throw err;
  }
}

export type { ViewBase };
