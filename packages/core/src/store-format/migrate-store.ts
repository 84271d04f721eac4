// `store migrate` (issue 15 item 7): converts a format-1 store (plain JSON-lines partitions, a
// current view copying its rows) to format 2, run by run, under the pipeline lease. Every step can
// be killed: a run's new objects are written before its commit record names them, its old objects
// removed only after, and the version document comes last — so the store reads the same at every
// step, and a second `migrate` picks up where the first stopped.
import { MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { type Failpoints, NO_FAILPOINTS } from '../ports/failpoints.js';
import type { IdSource } from '../ports/id-source.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { ProcessProbe } from '../ports/process-probe.js';
import { acquirePipelineLease } from '../run/abandoned-run.js';
import { lastRunId } from '../run/run-ids.js';
import { readExcludedLines, readRunLines, rowFormatOf } from '../run/run-protocol.js';
import { type RunRecord, runRecordSchema } from '../run/run-record.js';
import { fireSettlerOf } from '../schedule/fire-record.js';
import { digestOf } from '../store/checksum.js';
import { parseStored, readChecked, textOf } from '../store/damaged-object.js';
import { encodeDocument, readDocument, updateDocument } from '../store/json-document.js';
import { runKeys, STORE_FORMAT } from '../store/layout.js';
import { createLeases, holderProcess } from '../store/lease.js';
import { type Compress, encodeRowPartition, ROW_FORMAT } from '../store/row-partition.js';
import { rebuildCurrentView } from '../views/current-view.js';
import { isIndexed, readManifest } from '../views/view-store.js';
import { readStoreFormat, STORE_FORMAT_VERSION, storeFormatSchema } from './store-format.js';

/** The failpoints of `store migrate`, in order (crash tests kill the process at each). */
export const MIGRATE_STEPS = [
  'migrate.after-lease',
  'migrate.after-run-rows-written',
  'migrate.after-commit-rewritten',
  'migrate.after-old-rows-removed',
  'migrate.after-view',
] as const;
/** One step of `store migrate`. */
export type MigrateStep = (typeof MIGRATE_STEPS)[number];

/** The ports of {@link migrateStore}. */
export interface MigrateDependencies {
  store: ObjectStore;
  clock: Clock;
  ids: IdSource;
  probe?: ProcessProbe;
  failpoints?: Failpoints;
  compress?: Compress;
  /** Pipeline lease TTL (default 60 s). */
  leaseTtlMs?: number;
}

/** What `store migrate` found and did (or, with `dryRun`, would do). */
export interface MigrationReport {
  /** The store's format before (null: a new store with no data). */
  from: number | null;
  to: number;
  dryRun: boolean;
  /** Runs whose rows are stored in the old format (converted, or to convert). */
  runs: number[];
  /** Output and excluded rows of those runs. */
  rows: number;
  /** Bytes of their old objects (removed once converted). */
  oldBytes: number;
  /** Whether the current view is (or was) a copy of its rows, to be replaced by an index. */
  viewToIndex: boolean;
}

/**
 * Converts the store to the current format (see the file's comment); with `dryRun`, only says
 * what it would convert. Takes the pipeline lease (CONFLICT `pipeline-busy` while a run holds it).
 *
 * @example
 * ```ts
 * const plan = await migrateStore({ store, clock, ids }, { dryRun: true });
 * console.log(plan.runs.length, plan.oldBytes); // runs to convert, bytes they hold now
 * await migrateStore({ store, clock, ids }); // resumable: run it again after a crash
 * ```
 */
export async function migrateStore(
  deps: MigrateDependencies,
  options: { dryRun?: boolean } = {},
): Promise<MigrationReport> {
  const { store, clock } = deps;
  const step = (name: MigrateStep) => (deps.failpoints ?? NO_FAILPOINTS).hit(name);
  const from = await readStoreFormat(store);
  if (from !== null && from > STORE_FORMAT_VERSION)
    throw new MarketPulseError(
      'PRECONDITION_FAILED',
      `the store is in format ${from}, newer than this version of Market Pulse understands (${STORE_FORMAT_VERSION}); upgrade Market Pulse`,
      { details: { reason: 'store-format', found: from, expected: STORE_FORMAT_VERSION } },
    );
  const plan = await planMigration(store);
  const report: MigrationReport = {
    from,
    to: STORE_FORMAT_VERSION,
    dryRun: options.dryRun ?? false,
    ...plan.summary,
  };
  if (options.dryRun) return report;

  const leases = createLeases({
    store,
    clock,
    probe: deps.probe,
    ttlMs: deps.leaseTtlMs ?? 60_000,
  });
  const attempt = await acquirePipelineLease(
    leases,
    store,
    clock,
    { id: deps.ids.nextId(), purpose: 'store:migrate', ...holderProcess(deps.probe) },
    fireSettlerOf(store, clock),
  );
  if (!attempt.acquired)
    throw new MarketPulseError(
      'CONFLICT',
      `another process holds the pipeline (${attempt.holder.purpose ?? attempt.holder.id}); migrate when it is done`,
      { details: { reason: 'pipeline-busy', holder: attempt.holder } },
    );
  const lease = attempt.lease;
  try {
    await step('migrate.after-lease');
    for (const runId of plan.toConvert) {
      await convertRun(deps, runId, step);
      await lease.renew();
    }
    // Old objects a killed migration left behind (their run's record already names the new ones).
    for (const key of plan.leftovers) await store.delete(key);
    const manifest = await readManifest(store).catch(() => null);
    if (!manifest || !isIndexed(manifest)) await rebuildCurrentView(store, clock);
    await step('migrate.after-view');
    await updateDocument(store, STORE_FORMAT, storeFormatSchema, (current) =>
      current?.version === STORE_FORMAT_VERSION
        ? undefined
        : { version: STORE_FORMAT_VERSION, migratedAt: clock.now().toISOString() },
    );
  } finally {
    await lease.release().catch(() => undefined);
  }
  return report;
}

interface Plan {
  toConvert: number[];
  leftovers: string[];
  summary: Pick<MigrationReport, 'runs' | 'rows' | 'oldBytes' | 'viewToIndex'>;
}

/** The runs still in the old format, old objects left behind, and what they hold. */
async function planMigration(store: ObjectStore): Promise<Plan> {
  const sizes = new Map<string, number>();
  for await (const { key, size } of store.list('runs/')) sizes.set(key, size);
  const toConvert: number[] = [];
  const leftovers: string[] = [];
  let rows = 0;
  let oldBytes = 0;
  const last = await lastRunId(store);
  for (let runId = 1; runId <= last; runId++) {
    const record = (await readDocument(store, runKeys(runId).commit, runRecordSchema))?.value;
    if (record?.status !== 'success') continue;
    const oldKeys = [
      ...Array.from({ length: record.rowParts }, (_, p) => runKeys(runId).rowsPart(p, 'jsonl')),
      runKeys(runId).excluded,
    ].filter((key) => sizes.has(key));
    if (rowFormatOf(record) === ROW_FORMAT) {
      leftovers.push(...oldKeys);
      continue;
    }
    toConvert.push(runId);
    rows += record.counts.output + record.counts.excluded;
    for (const key of oldKeys) oldBytes += sizes.get(key) ?? 0;
  }
  const manifest = await readManifest(store).catch(() => null);
  return {
    toConvert,
    leftovers,
    summary: { runs: toConvert, rows, oldBytes, viewToIndex: !manifest || !isIndexed(manifest) },
  };
}

/**
 * One run to the current format: its rows and excluded rows written anew (checked on the way:
 * what is read is what the old record names), then its commit record rewritten to name them, then
 * the old objects removed.
 */
async function convertRun(
  deps: MigrateDependencies,
  runId: number,
  step: (name: MigrateStep) => void | Promise<void>,
): Promise<void> {
  const { store } = deps;
  const keys = runKeys(runId);
  const doc = await readDocument(store, keys.commit, runRecordSchema);
  if (!doc || rowFormatOf(doc.value) === ROW_FORMAT) return;
  const old = doc.value;
  const rowParts = [];
  for (const [p, { lines }] of (await readRunLines(store, old)).entries()) {
    const body = await encodeRowPartition(lines, ROW_FORMAT, deps.compress);
    await store.put(keys.rowsPart(p, ROW_FORMAT), body);
    rowParts.push(await digestOf(body, lines.length));
  }
  const excludedLines = (await store.get(keys.excluded)) ? await readExcludedLines(store, old) : [];
  const excludedBody = await encodeRowPartition(excludedLines, ROW_FORMAT, deps.compress);
  await store.put(keys.excludedRows(ROW_FORMAT), excludedBody);
  await step('migrate.after-run-rows-written');
  const record: RunRecord = {
    ...old,
    rowFormat: ROW_FORMAT,
    objects: {
      rowParts,
      excluded: await digestOf(excludedBody, excludedLines.length),
      rowErrors: old.objects?.rowErrors ?? (await rowErrorsDigest(store, keys.rowErrors)),
    },
  };
  // The record is the run's existence: replaced, never removed, and only if unchanged since read.
  await store.put(keys.commit, encodeDocument(doc.generation + 1, runRecordSchema.parse(record)), {
    ifMatch: doc.etag,
  });
  await step('migrate.after-commit-rewritten');
  for (let p = 0; p < old.rowParts; p++) await store.delete(keys.rowsPart(p, 'jsonl'));
  await store.delete(keys.excluded).catch(() => undefined);
  await step('migrate.after-old-rows-removed');
}

/** The digest of a run's row errors, for records from before checksums (they name none). */
async function rowErrorsDigest(store: ObjectStore, key: string) {
  const body = await readChecked(store, key);
  const errors = parseStored<unknown[]>(key, textOf(key, body));
  return digestOf(body, Array.isArray(errors) ? errors.length : 0);
}
