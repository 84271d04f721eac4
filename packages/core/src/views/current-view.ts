import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { lastRunId } from '../run/run-ids.js';
import {
  declareFailed,
  isRunHidden,
  readRunLines,
  readRunRecord,
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
import { CURRENT_VIEW_MANIFEST, runKeys } from '../store/layout.js';
import {
  type CurrentViewManifest,
  manifestSchema,
  publishView,
  readManifest,
  readViewBase,
  readViewParts,
  type ViewPart,
} from './view-store.js';

export type { CurrentViewManifest, StoredRow };
export { readManifest };

/**
 * Stored rows as their JSON lines, with the CUSIP the view merges on: the view is rebuilt from the
 * lines as stored, so its rows are never parsed and serialised again (most of a refresh's cost).
 */
export interface RowLines {
  lines: string[];
  cusips: string[];
}

/** The lines of stored parts with their CUSIPs; a line that does not parse names its part. */
function rowLinesOf(parts: readonly ViewPart[]): RowLines {
  const out: RowLines = { lines: [], cusips: [] };
  for (const { key, lines } of parts) {
    for (const line of lines) {
      out.lines.push(line);
      out.cusips.push(parseStored<StoredRow>(key, line).CUSIP);
    }
  }
  return out;
}

/** A committed run's rows as stored lines, checked against its commit record. */
async function runRowLines(store: ObjectStore, record: RunRecord): Promise<RowLines> {
  return rowLinesOf(await readRunLines(store, record));
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

/** The current view as read (see {@link readCurrentView}). */
export interface CurrentView {
  /** The stored view's manifest; null when there is no view yet, or when it could not be read. */
  manifest: CurrentViewManifest | null;
  rows: StoredRow[];
  /**
   * Set when the stored view could not be read (a damaged manifest or part): `rows` were then
   * rebuilt from the committed runs, which are the truth. The next run or export writes it anew.
   */
  damaged?: DamageDetails;
}

/**
 * The rows of the current view (for each CUSIP, the rows of the latest visible run containing it).
 * Every part is checked against the manifest; a view that cannot be read is rebuilt from the
 * committed runs (in memory: a read path writes nothing) and says so in `damaged`. Throws an error
 * naming the key only when a committed run cannot be read either.
 */
export async function readCurrentView(store: ObjectStore): Promise<CurrentView> {
  try {
    const manifest = await readManifest(store);
    if (!manifest) return { manifest, rows: [] };
    const rows: StoredRow[] = [];
    for (const { key, lines } of await readViewParts(store, manifest))
      for (const line of lines) rows.push(parseStored<StoredRow>(key, line));
    return { manifest, rows };
  } catch (err) {
    const damaged = damageOf(err);
    if (!damaged) throw err;
    const { lines } = await viewFromRuns(store);
    return { manifest: null, rows: lines.map((l) => JSON.parse(l) as StoredRow), damaged };
  }
}

/** Whether the stored view can be read: `ok` (or `empty`), or `damaged` with the key. */
export type CurrentViewHealth =
  | { state: 'ok'; manifest: CurrentViewManifest }
  | { state: 'empty' }
  | ({ state: 'damaged' } & DamageDetails);

/**
 * Checks the stored view without parsing its rows: the manifest, and every part against the
 * checksum and line count the manifest records (for `status`; it reads the view's bytes once).
 */
export async function checkCurrentView(store: ObjectStore): Promise<CurrentViewHealth> {
  try {
    const manifest = await readManifest(store);
    if (!manifest) return { state: 'empty' };
    await readViewParts(store, manifest);
    return { state: 'ok', manifest };
  } catch (err) {
    const damaged = damageOf(err);
    if (!damaged) throw err;
    return { state: 'damaged', ...damaged };
  }
}

/** Newest run first: a CUSIP keeps the rows of the first run that has it. */
function merge(newestFirst: RowLines[]): string[] {
  const taken = new Set<string>();
  const out: string[] = [];
  for (const { lines, cusips } of newestFirst) {
    const here = new Set<string>();
    for (let i = 0; i < lines.length; i++) {
      const cusip = cusips[i] as string;
      if (taken.has(cusip)) continue;
      here.add(cusip);
      out.push(lines[i] as string);
    }
    for (const cusip of here) taken.add(cusip);
  }
  return out;
}

/** The view's lines computed from every visible committed run: cost follows the history. */
async function viewFromRuns(store: ObjectStore): Promise<{ lines: string[]; through: number }> {
  const last = await lastRunId(store);
  const newestFirst: RowLines[] = [];
  let through = 0;
  for (let runId = 1; runId <= last; runId++) {
    const run = await committedRun(store, runId);
    if (!run) continue;
    through = runId;
    if (run.visible) newestFirst.unshift(await runRowLines(store, run.record));
  }
  return { lines: merge(newestFirst), through };
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
  /** The rows of a run this process just committed, exactly as stored, so they need not be read back. */
  committed?: { runId: number; rows: RowLines };
}

/**
 * Brings the current view up to date with the committed runs after it (normally just the run that
 * committed; more when a process died between its commit and this step). Reads the previous view
 * and the new runs only — never the history — unless the stored view cannot be read: then it is
 * rebuilt from every committed run, and `rebuiltFrom` says what was damaged.
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
    return { manifest: await rebuildCurrentView(store, clock), rebuiltFrom: damaged };
  }
}

async function refreshFromPrevious(
  store: ObjectStore,
  clock: Clock,
  { upToRunId, committed }: RefreshViewOptions,
): Promise<CurrentViewManifest | null> {
  const base = await readViewBase(store);
  if (base.damaged) throw damagedObject(base.damaged.key, base.damaged.reason);
  const previous = base.manifest;
  const last = upToRunId ?? (await lastRunId(store));
  const through = previous?.throughRunId ?? 0;
  if (last <= through) return previous;
  const newer: RowLines[] = [];
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
      newer.unshift(
        committed?.runId === runId ? committed.rows : await runRowLines(store, run.record),
      );
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
  const old = previous ? [rowLinesOf(await readViewParts(store, previous))] : [];
  return publishView(store, clock, base, merge([...newer, ...old]), considered);
}

/**
 * Rebuilds the current view from every visible run (after a hide or restore, or when the stored
 * view is damaged): cost follows the history.
 */
export async function rebuildCurrentView(
  store: ObjectStore,
  clock: Clock,
): Promise<CurrentViewManifest> {
  const base = await readViewBase(store);
  const { lines, through } = await viewFromRuns(store);
  return publishView(store, clock, base, lines, through);
}

/**
 * Hides a run's rows from every read path, or restores them (SPEC §7), and rebuilds the current
 * view. Only committed successful runs can be hidden; CONFLICT when already in that state.
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
    return await rebuildCurrentView(deps.store, deps.clock);
  } catch (err) {
    if (isMarketPulseError(err, 'CONFLICT')) return rebuildCurrentView(deps.store, deps.clock);
    throw err;
  }
}
