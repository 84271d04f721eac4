import { z } from 'zod';
import { readColumnConfig } from '../column-store/column-store.js';
import type { ColumnConfig } from '../columns/column-config.js';
import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { CalendarDate } from '../parse/calendar-date.js';
import type { Clock } from '../ports/clock.js';
import { type Failpoints, NO_FAILPOINTS } from '../ports/failpoints.js';
import type { IdSource } from '../ports/id-source.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { ProcessProbe } from '../ports/process-probe.js';
import { processColors, type RunInput } from '../processing/process-colors.js';
import { compileRules } from '../rules/compile-rules.js';
import { fireSettlerOf } from '../schedule/fire-record.js';
import { digestOf, type ObjectDigest } from '../store/checksum.js';
import { allocateNumber } from '../store/counter.js';
import { createDocument, readDocument, updateDocument } from '../store/json-document.js';
import { RULES_DOCUMENT, RUN_ID_COUNTER, RUN_INDEX, runKeys } from '../store/layout.js';
import { createLeases, type HeldLease, holderProcess } from '../store/lease.js';
import { type Compress, encodeRowPartition, ROW_FORMAT } from '../store/row-partition.js';
import { requireStoreFormat } from '../store-format/store-format.js';
import { type RowLines, refreshCurrentView } from '../views/current-view.js';
import { acquirePipelineLease } from './abandoned-run.js';
import { checkGuards, type RunGuards } from './run-guards.js';
import { commitRun, noCounts, readRunRecord } from './run-protocol.js';
import type { RunRecord, RunTrigger } from './run-record.js';
import { type RunStep, runPurpose } from './run-steps.js';

export type { RunInput };

/** The ports and settings of {@link runAutomation}. */
export interface RunDependencies {
  store: ObjectStore;
  clock: Clock;
  ids: IdSource;
  /** On the embedded store: breaks at once the pipeline lease of a dead process on this host. */
  probe?: ProcessProbe;
  failpoints?: Failpoints;
  columns?: ColumnConfig;
  /** Compresses row partitions (default: pure JS; a host may pass a native zlib). */
  compress?: Compress;
  /** Pipeline lease TTL (default 60 s); the run renews its lease between steps. */
  leaseTtlMs?: number;
  /** A long-lived lease observer (a scheduler's), so expiry is judged across attempts; default: a new one. */
  leases?: ReturnType<typeof createLeases>;
  /**
   * The pipeline lease, already taken by the caller (a scheduler, which claims its fire under it
   * and settles the fire after the run): the run uses it and leaves releasing it to the caller.
   */
  pipelineLease?: HeldLease;
}

/** One run: what triggered it, its inputs, its business date and its guards. */
export interface RunRequest {
  trigger: RunTrigger;
  jobId?: string;
  /** The nominal UTC time (ISO) of the scheduled fire that started the run. */
  fire?: string;
  /**
   * Called once the run has its RUN_ID and is visible as running (e.g. "run now and cancel next"
   * claims the next fire with this id). If it throws, the run fails with that error.
   */
  onStarted?: (runId: number) => Promise<void>;
  /** The business date (`YYYY-MM-DD`, in the business time zone): relative rule dates and guards use it. */
  businessDate: CalendarDate;
  inputs: readonly RunInput[];
  guards?: RunGuards;
  rankDateField?: 'DATE_1' | 'DATE';
  /**
   * Only these rules, by id (a job's subset), of the active ones; absent: every active rule. A
   * named rule that no longer exists fails the run, naming it: the subset was asked for.
   */
  ruleIds?: readonly string[];
  /** Output rows per stored partition (default 50,000). */
  partRows?: number;
}

const rulesDocumentSchema = z.object({ rules: z.array(z.unknown()) });
const runIndexSchema = z.object({
  lastSuccess: z.object({ id: z.number().int(), sourceHash: z.string().optional() }).optional(),
});
const encoder = new TextEncoder();

/**
 * Runs the automation once (SPEC §4): claims the pipeline, allocates a RUN_ID, applies the active
 * rules to the union of the inputs, ranks it, writes the run's immutable objects and then creates
 * its commit record — the run exists exactly when that record exists. Returns the run record;
 * a run that fails (a guard, invalid rules, the store) returns it with `status: 'failed'`.
 * Throws CONFLICT (`details.reason: 'pipeline-busy'`) when another run holds the pipeline.
 *
 * Each protocol step is a failpoint (`RUN_STEPS`). A process that dies mid-run leaves no visible
 * run: the next run that takes the pipeline over records the dead run as failed, by creating the
 * same commit key — whichever create wins decides the run's fate.
 *
 * @example
 * ```ts
 * // Hosts normally go through createPipeline, which gathers the inputs and refreshes exports.
 * const { records, errors } = await readColors(source);
 * const record = await runAutomation(
 *   { store, clock, ids },
 *   {
 *     trigger: 'cli',
 *     businessDate: '2026-03-13',
 *     inputs: [
 *       { origin: 'source', processingType: 'AUTOMATED', records, rowErrors: errors },
 *       ...(await pendingUploadInputs(store)),
 *     ],
 *   },
 * );
 * if (record.status === 'failed') console.error(record.error?.message);
 * ```
 */
export async function runAutomation(
  deps: RunDependencies,
  request: RunRequest,
): Promise<RunRecord> {
  const failpoints = deps.failpoints ?? NO_FAILPOINTS;
  const step = (name: RunStep) => failpoints.hit(name);
  const startedAt = deps.clock.now();
  // Never write a run into a store of another format (format 1 is migrated first).
  await requireStoreFormat(deps.store);

  const lease = deps.pipelineLease ?? (await acquirePipeline(deps));
  let record: RunRecord;
  try {
    await step('run.after-lease');
    record = await runUnderLease(deps, request, lease, startedAt, step);
  } catch (err) {
    // The error says what went wrong; a lease left behind is broken by the next run anyway.
    if (!deps.pipelineLease) await lease.release().catch(() => undefined);
    throw err;
  }
  if (deps.pipelineLease) return record;
  try {
    await lease.release();
  } catch (err) {
    // After the commit every failure is a warning (SPEC §4 step 9), this one too: the lease
    // expires, and a process on this host breaks a dead holder's lease at once.
    return withWarning(record, `pipeline lease not released: ${messageOf(err)}`);
  }
  return record;
}

const messageOf = (err: unknown) => String((err as Error)?.message ?? err);
const withWarning = (record: RunRecord, warning: string): RunRecord => ({
  ...record,
  warnings: [...record.warnings, warning],
});

/** Takes the pipeline lease, cleaning up after a dead holder it takes over from. */
async function acquirePipeline(deps: RunDependencies): Promise<HeldLease> {
  const { store, clock } = deps;
  const leases =
    deps.leases ??
    createLeases({ store, clock, probe: deps.probe, ttlMs: deps.leaseTtlMs ?? 60_000 });
  const attempt = await acquirePipelineLease(
    leases,
    store,
    clock,
    { id: deps.ids.nextId(), purpose: 'run:starting', ...holderProcess(deps.probe) },
    fireSettlerOf(store, clock),
  );
  if (!attempt.acquired) {
    throw new MarketPulseError(
      'CONFLICT',
      `another run holds the pipeline (${attempt.holder.purpose ?? attempt.holder.id}); try again later`,
      {
        details: {
          reason: 'pipeline-busy',
          holder: attempt.holder,
          expiresInMs: attempt.expiresInMs,
        },
      },
    );
  }
  return attempt.lease;
}

async function runUnderLease(
  deps: RunDependencies,
  request: RunRequest,
  lease: HeldLease,
  startedAt: Date,
  step: (name: RunStep) => void | Promise<void>,
): Promise<RunRecord> {
  const { store, clock } = deps;
  const runId = await allocateNumber(store, RUN_ID_COUNTER);
  await lease.renew({ purpose: runPurpose(runId) });
  await step('run.after-run-id');
  const keys = runKeys(runId);
  // What the running record and the run record both say about the run.
  const identity = {
    id: runId,
    trigger: request.trigger,
    ...(request.jobId !== undefined ? { jobId: request.jobId } : {}),
    ...(request.fire !== undefined ? { fire: request.fire } : {}),
    businessDate: request.businessDate,
    startedAt: startedAt.toISOString(),
  };
  await createDocument(store, keys.running, { ...identity, holder: lease.holder.id });
  await step('run.after-running-record');

  const base = {
    ...identity,
    inputs: request.inputs.map((i) => ({
      origin: i.origin,
      processingType: i.processingType,
      rows: i.records.length,
      invalid: i.rowErrors?.length ?? 0,
      ...(i.contentHash !== undefined ? { contentHash: i.contentHash } : {}),
    })),
    uploadsConsumed: request.inputs
      .filter((i) => i.origin.startsWith('upload:'))
      .map((i) => i.origin.slice('upload:'.length)),
    warnings: [] as string[],
  };

  let record: RunRecord;
  let rows: RowLines | undefined;
  try {
    await request.onStarted?.(runId);
    ({ record, rows } = await processRun(deps, request, runId, lease, base, step));
  } catch (err) {
    if (
      isMarketPulseError(err, 'CONFLICT') &&
      (err.details as { reason?: string } | undefined)?.reason === 'declared-failed'
    )
      throw err;
    const error = isMarketPulseError(err)
      ? { code: err.code, message: err.message }
      : { code: 'INTERNAL', message: String((err as Error)?.message ?? err) };
    record = {
      ...base,
      status: 'failed',
      finishedAt: clock.now().toISOString(),
      durationMs: clock.now().getTime() - startedAt.getTime(),
      counts: noCounts(),
      rowParts: 0,
      uploadsConsumed: [],
      error,
    };
    await commitRun(store, record).catch(() => undefined);
    // A store can fail a write it made (a timeout, a full disk after the file was linked): the
    // commit record, not the error, says whether the run exists.
    const stored = await readRunRecord(store, runId).catch(() => null);
    if (stored?.status === 'success') {
      record = withWarning(
        stored,
        `the commit reported an error after it was written: ${error.message}`,
      );
      rows = undefined;
    }
  }
  await step('run.after-commit');
  return record.status === 'success' ? afterCommit(deps, record, rows) : record;
}

/**
 * The steps after a successful commit — the current view, the run index. The run exists whatever
 * happens here: a failure is a warning on the run (SPEC §4 step 9), made good later (the next run
 * catches the view up; the next success rewrites the index).
 */
async function afterCommit(
  deps: RunDependencies,
  committed: RunRecord,
  rows: RowLines | undefined,
): Promise<RunRecord> {
  const { store, clock } = deps;
  const runId = committed.id;
  let record = committed;
  try {
    const { rebuiltFrom } = await refreshCurrentView(store, clock, {
      upToRunId: runId,
      ...(rows ? { committed: { runId, rows } } : {}),
      ...(deps.failpoints ? { failpoints: deps.failpoints } : {}),
    });
    if (rebuiltFrom)
      record = withWarning(
        record,
        `the current view was damaged (${rebuiltFrom.key}: ${rebuiltFrom.reason}); rebuilt from the committed runs`,
      );
  } catch (err) {
    record = withWarning(record, `current view not refreshed: ${messageOf(err)}`);
  }
  const sourceHash = record.inputs.find((i) => i.origin === 'source')?.contentHash;
  try {
    await updateDocument(store, RUN_INDEX, runIndexSchema, (index) =>
      (index?.lastSuccess?.id ?? 0) > runId
        ? undefined
        : { lastSuccess: { id: runId, ...(sourceHash ? { sourceHash } : {}) } },
    );
  } catch (err) {
    record = withWarning(
      record,
      `run index not updated (${messageOf(err)}): the unchanged-source guard compares with an older run until the next success`,
    );
  }
  return record;
}

/** The stored rule documents a run uses: all, or the subset `ruleIds` names (each must exist). */
function rulesInUse(docs: readonly unknown[], ruleIds: readonly string[] | undefined): unknown[] {
  if (!ruleIds) return [...docs];
  const idOf = (doc: unknown) => (doc as { id?: unknown } | null)?.id;
  const missing = ruleIds.filter((id) => !docs.some((d) => idOf(d) === id));
  if (missing.length > 0)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `the job's rules ${missing.join(', ')} no longer exist: change the job's rules`,
      { details: { field: 'rules', missing } },
    );
  return docs.filter((d) => ruleIds.includes(idOf(d) as string));
}

type Base = Omit<
  RunRecord,
  'status' | 'finishedAt' | 'durationMs' | 'counts' | 'rowParts' | 'error'
>;

async function processRun(
  deps: RunDependencies,
  request: RunRequest,
  runId: number,
  lease: HeldLease,
  base: Base,
  step: (name: RunStep) => void | Promise<void>,
): Promise<{ record: RunRecord; rows: RowLines }> {
  const { store, clock } = deps;
  const keys = runKeys(runId);
  const source = request.inputs.find((i) => i.origin === 'source');
  const index = await readDocument(store, RUN_INDEX, runIndexSchema);
  const refused = checkGuards(
    request.guards ?? {},
    source
      ? {
          rows: source.records.length,
          records: source.records,
          ...(source.contentHash ? { contentHash: source.contentHash } : {}),
        }
      : undefined,
    index?.value.lastSuccess?.sourceHash,
    request.businessDate,
  );
  if (refused)
    throw new MarketPulseError('VALIDATION_ERROR', `run guard: ${refused}`, {
      details: { reason: 'guard' },
    });

  const rulesDoc = await readDocument(store, RULES_DOCUMENT, rulesDocumentSchema);
  const rules = compileRules(rulesInUse(rulesDoc?.value.rules ?? [], request.ruleIds), {
    // The stored column configuration unless the host fixed one (the rules were saved against it).
    columns: deps.columns ?? (await readColumnConfig(store)),
    businessDate: request.businessDate,
  });

  const processed = processColors(request.inputs, rules, {
    runId,
    processedAt: clock.now().toISOString(),
    rankDateField: request.rankDateField ?? 'DATE_1',
  });
  await step('run.after-rules');
  await lease.renew();

  const partRows = request.partRows ?? 50_000;
  let parts = 0;
  // The rows' CUSIPs, handed to the current view so that it need not read the rows back.
  const cusips: string[] = [];
  const rowParts: ObjectDigest[] = [];
  for (let from = 0; from < processed.length; from += partRows) {
    const lines: string[] = [];
    for (let k = from; k < Math.min(from + partRows, processed.length); k++) {
      const row = processed.rowAt(k);
      const line = JSON.stringify(row);
      lines.push(line);
      cusips.push(row.CUSIP as string);
    }
    const body = await encodeRowPartition(lines, ROW_FORMAT, deps.compress);
    rowParts.push(await digestOf(body, lines.length));
    await store.put(keys.rowsPart(parts++, ROW_FORMAT), body, { ifNoneMatch: '*' });
    await lease.renew();
  }
  await step('run.after-rows-written');

  const excludedLines: string[] = [];
  for (let n = 0; n < processed.counts.excluded; n++)
    excludedLines.push(JSON.stringify(processed.excludedRowAt(n)));
  const excludedBody = await encodeRowPartition(excludedLines, ROW_FORMAT, deps.compress);
  await store.put(keys.excludedRows(ROW_FORMAT), excludedBody, { ifNoneMatch: '*' });
  await step('run.after-excluded-written');
  const errorsBody = encoder.encode(JSON.stringify(processed.rowErrors));
  await store.put(keys.rowErrors, errorsBody, { ifNoneMatch: '*' });
  await step('run.after-errors-written');

  const finishedAt = clock.now();
  const record: RunRecord = {
    ...base,
    status: 'success',
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - Date.parse(base.startedAt),
    counts: processed.counts,
    // Names as they were when the run ran: a rule renamed or removed later still reads right.
    ruleNames: Object.fromEntries(rules.rules.map((r) => [r.id, r.name])),
    rowParts: parts,
    rowFormat: ROW_FORMAT,
    objects: {
      rowParts,
      excluded: await digestOf(excludedBody, excludedLines.length),
      rowErrors: await digestOf(errorsBody, processed.rowErrors.length),
    },
  };
  await commitRun(store, record);
  return { record, rows: { cusips } };
}
