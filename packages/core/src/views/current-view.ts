import { z } from 'zod';
import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import {
  declareFailed,
  isRunHidden,
  readRunRecord,
  readTextLines,
  runPartKeys,
  type StoredRow,
  visibilitySchema,
} from '../run/run-protocol.js';
import type { RunRecord } from '../run/run-record.js';
import { readNumber } from '../store/counter.js';
import { readDocument, updateDocument } from '../store/json-document.js';
import {
  CURRENT_VIEW_MANIFEST,
  currentViewPartKey,
  RUN_ID_COUNTER,
  runKeys,
} from '../store/layout.js';

export type { StoredRow };

const manifestSchema = z.object({
  /** Changes whenever visible data changes (SPEC §8 data-version tag). */
  version: z.number().int().nonnegative(),
  /** Every run up to this id has been considered. */
  throughRunId: z.number().int().nonnegative(),
  parts: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  builtAt: z.string(),
});
/**
 * The current view's manifest: its data version, the last run it has considered, and how many
 * rows it holds in how many parts.
 *
 * @useDeclaredType
 */
export type CurrentViewManifest = z.infer<typeof manifestSchema>;

const PART_ROWS = 50_000;
const encoder = new TextEncoder();

/**
 * Stored rows as their JSON lines, with the CUSIP the view merges on: the view is rebuilt from the
 * lines as stored, so its rows are never parsed and serialised again (most of a refresh's cost).
 */
export interface RowLines {
  lines: string[];
  cusips: string[];
}

async function readLines(store: ObjectStore, key: string): Promise<StoredRow[]> {
  return (await readTextLines(store, key)).map((l) => JSON.parse(l) as StoredRow);
}

async function readRowLines(store: ObjectStore, keys: string[]): Promise<RowLines> {
  const out: RowLines = { lines: [], cusips: [] };
  for (const key of keys) {
    for (const line of await readTextLines(store, key)) {
      out.lines.push(line);
      out.cusips.push((JSON.parse(line) as StoredRow).CUSIP);
    }
  }
  return out;
}

const viewPartKeys = (manifest: CurrentViewManifest) =>
  Array.from({ length: manifest.parts }, (_, p) => currentViewPartKey(manifest.version, p));

/** A run's commit record (null: not committed), and whether its rows are visible. */
async function committedRun(
  store: ObjectStore,
  runId: number,
): Promise<{ record: RunRecord; visible: boolean } | null> {
  const record = await readRunRecord(store, runId);
  if (!record) return null;
  return { record, visible: record.status === 'success' && !(await isRunHidden(store, runId)) };
}

/** The current view's manifest, without its rows; `null` while no view has been built. */
export async function readManifest(store: ObjectStore): Promise<CurrentViewManifest | null> {
  return (await readDocument(store, CURRENT_VIEW_MANIFEST, manifestSchema))?.value ?? null;
}

/** The rows of the current view (for each CUSIP, the rows of the latest visible run containing it). */
export async function readCurrentView(
  store: ObjectStore,
): Promise<{ manifest: CurrentViewManifest | null; rows: StoredRow[] }> {
  const manifest = await readManifest(store);
  if (!manifest) return { manifest, rows: [] };
  const rows: StoredRow[] = [];
  for (const key of viewPartKeys(manifest)) rows.push(...(await readLines(store, key)));
  return { manifest, rows };
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

async function publish(
  store: ObjectStore,
  clock: Clock,
  previous: CurrentViewManifest | null,
  rows: string[],
  throughRunId: number,
): Promise<CurrentViewManifest> {
  const version = (previous?.version ?? 0) + 1;
  let parts = 0;
  for (let from = 0; from < rows.length || parts === 0; from += PART_ROWS) {
    const chunk = rows.slice(from, from + PART_ROWS);
    await store.put(currentViewPartKey(version, parts++), encoder.encode(chunk.join('\n')));
    if (rows.length === 0) break;
  }
  const manifest: CurrentViewManifest = {
    version,
    throughRunId,
    parts,
    rows: rows.length,
    builtAt: clock.now().toISOString(),
  };
  const outcome = await updateDocument(store, CURRENT_VIEW_MANIFEST, manifestSchema, (current) =>
    (current?.version ?? 0) === (previous?.version ?? 0) ? manifest : undefined,
  );
  if (!outcome.written)
    throw new MarketPulseError(
      'CONFLICT',
      'the current view changed while it was being rebuilt; retry',
    );
  if (previous) {
    for (let p = 0; p < previous.parts; p++)
      await store.delete(currentViewPartKey(previous.version, p)).catch(() => undefined);
  }
  return manifest;
}

/**
 * Brings the current view up to date with the committed runs after it (normally just the run that
 * committed; more when a process died between its commit and this step). Reads the previous view
 * and the new runs only — never the history. `upToRunId`: the run holding the pipeline, which
 * lets runs below it that never committed be declared failed instead of stopping the refresh.
 * Returns the manifest, unchanged when nothing new is visible. `committed`: the rows of a run this
 * process just committed, exactly as stored, so they need not be read back.
 */
export async function refreshCurrentView(
  store: ObjectStore,
  clock: Clock,
  upToRunId?: number,
  committed?: { runId: number; rows: RowLines },
): Promise<CurrentViewManifest | null> {
  const previous = await readManifest(store);
  const last = upToRunId ?? (await readNumber(store, RUN_ID_COUNTER));
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
        committed?.runId === runId
          ? committed.rows
          : await readRowLines(store, runPartKeys(run.record)),
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
  // `previous` is what publish compares against: a view changed since makes it refuse anyway.
  const old = previous ? [await readRowLines(store, viewPartKeys(previous))] : [];
  return publish(store, clock, previous, merge([...newer, ...old]), considered);
}

/** Rebuilds the current view from every visible run (after a hide or restore): cost follows the history. */
export async function rebuildCurrentView(
  store: ObjectStore,
  clock: Clock,
): Promise<CurrentViewManifest> {
  const previous = await readManifest(store);
  const last = await readNumber(store, RUN_ID_COUNTER);
  const newestFirst: RowLines[] = [];
  let through = 0;
  for (let runId = 1; runId <= last; runId++) {
    const run = await committedRun(store, runId);
    if (!run) continue;
    through = runId;
    if (run.visible) newestFirst.unshift(await readRowLines(store, runPartKeys(run.record)));
  }
  return publish(store, clock, previous, merge(newestFirst), through);
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
