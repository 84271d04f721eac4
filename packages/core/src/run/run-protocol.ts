// The run protocol's low layer (SPEC §4): commit a run, declare a dead one failed, read what was
// committed. The run service, the current view, the upload buffer and the scheduler build on it;
// it imports nothing above the store kit.
import { z } from 'zod';
import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { damagedObject, parseStored, readCheckedLines } from '../store/damaged-object.js';
import { encodeDocument, readDocument } from '../store/json-document.js';
import { runKeys } from '../store/layout.js';
import { type Decompress, type RowFormat, readRowPartition } from '../store/row-partition.js';
import { type RunRecord, runningRecordSchema, runRecordSchema } from './run-record.js';

/** An output row as stored with its run (JSON types). */
export type StoredRow = Record<string, unknown> & {
  CUSIP: string;
  RUN_ID: number;
  IS_PARENT: boolean;
  SECTOR: string;
};

/** The counts of a run that produced nothing (failed). */
export const noCounts = (): RunRecord['counts'] => ({
  input: 0,
  inputByOrigin: {},
  invalid: 0,
  excluded: 0,
  excludedByRule: {},
  output: 0,
  parents: 0,
  children: 0,
});

/**
 * Creates a run's commit record — the run exists from here on. Losing the create means another
 * process declared this run failed first: CONFLICT with `details.reason: 'declared-failed'`.
 */
export async function commitRun(store: ObjectStore, record: RunRecord): Promise<void> {
  try {
    await store.put(runKeys(record.id).commit, encodeDocument(1, runRecordSchema.parse(record)), {
      ifNoneMatch: '*',
    });
  } catch (err) {
    if (isMarketPulseError(err, 'PRECONDITION_FAILED')) {
      throw new MarketPulseError(
        'CONFLICT',
        `run ${record.id} was declared failed by another process before it could commit`,
        { details: { reason: 'declared-failed', runId: record.id } },
      );
    }
    throw err;
  }
}

/** Records a run whose process died as failed — unless it committed first (the create decides). */
export async function declareFailed(
  store: ObjectStore,
  clock: Clock,
  runId: number,
  reason: string,
): Promise<void> {
  const keys = runKeys(runId);
  const running = await readDocument(store, keys.running, runningRecordSchema).catch(() => null);
  const now = clock.now().toISOString();
  const record: RunRecord = {
    id: runId,
    trigger: running?.value.trigger ?? 'cli',
    ...(running?.value.jobId !== undefined ? { jobId: running.value.jobId } : {}),
    ...(running?.value.fire !== undefined ? { fire: running.value.fire } : {}),
    ...(running?.value.requestedBy !== undefined ? { requestedBy: running.value.requestedBy } : {}),
    status: 'failed',
    startedAt: running?.value.startedAt ?? now,
    finishedAt: now,
    durationMs: running ? Date.parse(now) - Date.parse(running.value.startedAt) : 0,
    // The business date the run had (a UTC date would be the next day in New York's evening).
    businessDate: running?.value.businessDate ?? now.slice(0, 10),
    inputs: [],
    counts: noCounts(),
    rowParts: 0,
    uploadsConsumed: [],
    warnings: [],
    error: { code: 'UNAVAILABLE', message: reason },
  };
  try {
    await commitRun(store, record);
  } catch (err) {
    if (!isMarketPulseError(err, 'CONFLICT')) throw err; // it committed (or was declared) first
  }
}

/** The committed record of a run, or `null` while it is not committed (running, or never). */
export async function readRunRecord(store: ObjectStore, runId: number): Promise<RunRecord | null> {
  return (await readDocument(store, runKeys(runId).commit, runRecordSchema))?.value ?? null;
}

/** A run's visibility (hide/restore, SPEC §7): absent means visible. */
export const visibilitySchema = z.object({
  hidden: z.boolean(),
  at: z.string(),
  actor: z.string().optional(),
  reason: z.string().optional(),
});

/** Whether a run is hidden from every read path (SPEC §7). */
export async function isRunHidden(store: ObjectStore, runId: number): Promise<boolean> {
  return (
    (await readDocument(store, runKeys(runId).visibility, visibilitySchema))?.value.hidden ?? false
  );
}

/**
 * The JSON lines of a stored object; a missing object, or one that is not UTF-8, is a
 * damaged-object error naming the key.
 */
export async function readTextLines(store: ObjectStore, key: string): Promise<string[]> {
  return readCheckedLines(store, key);
}

/** How a committed run's row partitions are stored (runs before issue 15 name none: JSON lines). */
export const rowFormatOf = (record: RunRecord): RowFormat => record.rowFormat ?? 'jsonl';

/** The keys of a committed run's row partitions, in output order. */
export const runPartKeys = (record: RunRecord): string[] =>
  Array.from({ length: record.rowParts }, (_, p) =>
    runKeys(record.id).rowsPart(p, rowFormatOf(record)),
  );

/** One row partition of a run, as its stored JSON lines. */
export interface RunPartLines {
  key: string;
  lines: string[];
}

/**
 * A committed run's row partitions as stored lines, one at a time in output order, each checked
 * against the commit record: its SHA-256 and line count when the record carries them (`objects`),
 * and in any case the total against `counts.output`. A mismatch is a damaged-object error naming
 * the key. Holds one partition in memory at a time.
 */
export async function* runLineParts(
  store: ObjectStore,
  record: RunRecord,
  decompress?: Decompress,
): AsyncGenerator<RunPartLines> {
  const keys = runPartKeys(record);
  const digests = record.objects?.rowParts;
  if (digests && digests.length !== keys.length)
    throw damagedObject(
      runKeys(record.id).commit,
      `it names ${keys.length} row partitions but has checksums for ${digests.length}`,
    );
  let total = 0;
  for (const [p, key] of keys.entries()) {
    const lines = await readRowPartition(store, key, rowFormatOf(record), digests?.[p], decompress);
    total += lines.length;
    if (total > record.counts.output) break;
    yield { key, lines };
  }
  if (total !== record.counts.output) {
    // Only a record without checksums gets here: a single partition is the one that lost rows.
    const key = keys.length === 1 ? (keys[0] as string) : runKeys(record.id).commit;
    throw damagedObject(
      key,
      `run ${record.id} has ${total} stored rows where its commit record says ${record.counts.output}`,
    );
  }
}

/**
 * A committed run's row partitions as stored lines, in output order, each checked (see
 * {@link runLineParts}).
 */
export async function readRunLines(store: ObjectStore, record: RunRecord): Promise<RunPartLines[]> {
  const parts: RunPartLines[] = [];
  for await (const part of runLineParts(store, record)) parts.push(part);
  return parts;
}

/**
 * A committed run's excluded rows as stored lines, checked against the commit record's digest
 * (when it has one).
 */
export async function readExcludedLines(store: ObjectStore, record: RunRecord): Promise<string[]> {
  const format = rowFormatOf(record);
  return readRowPartition(
    store,
    runKeys(record.id).excludedRows(format),
    format,
    record.objects?.excluded,
  );
}

/** A committed run's output rows, in output order, checked (see {@link readRunLines}). */
export async function readRunRows(store: ObjectStore, record: RunRecord): Promise<StoredRow[]> {
  const rows: StoredRow[] = [];
  for (const { key, lines } of await readRunLines(store, record))
    for (const line of lines) rows.push(parseStored<StoredRow>(key, line));
  return rows;
}
