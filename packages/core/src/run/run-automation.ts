import { z } from 'zod';
import type { ColumnConfig } from '../columns/column-config.js';
import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { CalendarDate } from '../parse/calendar-date.js';
import type { ColorRecord, RowError } from '../parse/record.js';
import type { Clock } from '../ports/clock.js';
import { type Failpoints, NO_FAILPOINTS } from '../ports/failpoints.js';
import type { IdSource } from '../ports/id-source.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { ProcessProbe } from '../ports/process-probe.js';
import { rankOrder } from '../rank/rank-colors.js';
import { compileRules } from '../rules/compile-rules.js';
import { allocateNumber } from '../store/counter.js';
import { createDocument, readDocument, updateDocument } from '../store/json-document.js';
import { createLeases, type HeldLease, holderProcess } from '../store/lease.js';
import { type RowLines, refreshCurrentView } from '../views/current-view.js';
import { acquirePipelineLease } from './abandoned-run.js';
import {
  RULES_DOCUMENT,
  RUN_ID_COUNTER,
  RUN_INDEX,
  type RunStep,
  runKeys,
  runPurpose,
} from './layout.js';
import { checkGuards, type RunGuards } from './run-guards.js';
import {
  type RunRecord,
  type RunTrigger,
  runningRecordSchema,
  runRecordSchema,
} from './run-record.js';

/** One input of a run: the configured source, a pending upload or a session, already parsed. */
export interface RunInput {
  /** `source`, `upload:<id>` or `session:<id>` — the rows' ORIGIN. */
  origin: string;
  processingType: 'AUTOMATED' | 'MANUAL';
  records: readonly ColorRecord[];
  /** Rows the parser refused, with their errors (kept with the run). */
  rowErrors?: readonly RowError[];
  /** Hash of the input's bytes, for the unchanged-source guard. */
  contentHash?: string;
}

export interface RunDependencies {
  store: ObjectStore;
  clock: Clock;
  ids: IdSource;
  /** On the embedded store: breaks at once the pipeline lease of a dead process on this host. */
  probe?: ProcessProbe;
  failpoints?: Failpoints;
  columns?: ColumnConfig;
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
  /** Output rows per stored partition (default 50,000). */
  partRows?: number;
}

/** The counts of a run that produced nothing (failed). */
const noCounts = (): RunRecord['counts'] => ({
  input: 0,
  inputByOrigin: {},
  invalid: 0,
  excluded: 0,
  excludedByRule: {},
  output: 0,
  parents: 0,
  children: 0,
});

const rulesDocumentSchema = z.object({ rules: z.array(z.unknown()) });
const runIndexSchema = z.object({
  lastSuccess: z.object({ id: z.number().int(), sourceHash: z.string().optional() }).optional(),
});
const encoder = new TextEncoder();
const json = (value: unknown) => encoder.encode(JSON.stringify(value));

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
 */
export async function runAutomation(
  deps: RunDependencies,
  request: RunRequest,
): Promise<RunRecord> {
  const failpoints = deps.failpoints ?? NO_FAILPOINTS;
  const step = (name: RunStep) => failpoints.hit(name);
  const startedAt = deps.clock.now();

  const lease = deps.pipelineLease ?? (await acquirePipeline(deps));
  await step('run.after-lease');
  try {
    return await runUnderLease(deps, request, lease, startedAt, step);
  } finally {
    if (!deps.pipelineLease) await lease.release();
  }
}

/** Takes the pipeline lease, cleaning up after a dead holder it takes over from. */
async function acquirePipeline(deps: RunDependencies): Promise<HeldLease> {
  const { store, clock } = deps;
  const leases =
    deps.leases ??
    createLeases({ store, clock, probe: deps.probe, ttlMs: deps.leaseTtlMs ?? 60_000 });
  const attempt = await acquirePipelineLease(leases, store, clock, {
    id: deps.ids.nextId(),
    purpose: 'run:starting',
    ...holderProcess(deps.probe),
  });
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
    await commit(store, keys.commit, record).catch(() => undefined);
  }
  await step('run.after-commit');
  if (record.status === 'success') {
    try {
      await refreshCurrentView(store, clock, runId, rows && { runId, rows });
    } catch (err) {
      // The run is committed: a view failure is a warning, and the next run catches the view up.
      record = {
        ...record,
        warnings: [...record.warnings, `current view not refreshed: ${(err as Error).message}`],
      };
    }
    const sourceHash = record.inputs.find((i) => i.origin === 'source')?.contentHash;
    await updateDocument(store, RUN_INDEX, runIndexSchema, (index) =>
      (index?.lastSuccess?.id ?? 0) > runId
        ? undefined
        : { lastSuccess: { id: runId, ...(sourceHash ? { sourceHash } : {}) } },
    );
  }
  return record;
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
  const rules = compileRules(rulesDoc?.value.rules ?? [], {
    columns: deps.columns,
    businessDate: request.businessDate,
  });

  // The union of the inputs, in order: source, then uploads, then sessions (the caller's order).
  const union: ColorRecord[] = [];
  const inputOf: number[] = [];
  request.inputs.forEach((input, i) => {
    for (const r of input.records) {
      union.push(r);
      inputOf.push(i);
    }
  });
  const applied = rules.apply(union);
  await step('run.after-rules');
  await lease.renew();

  const plan = rankOrder(applied.kept, { runId, dateField: request.rankDateField ?? 'DATE_1' });
  const processedAt = clock.now().toISOString();
  const describeInput = (unionIndex: number) =>
    request.inputs[inputOf[unionIndex] as number] as RunInput;
  const partRows = request.partRows ?? 50_000;
  let parts = 0;
  let parents = 0;
  // The rows as stored, handed to the current view so that it need not read them back.
  const stored: RowLines = { lines: [], cusips: [] };
  for (let from = 0; from < plan.length; from += partRows) {
    const lines: string[] = [];
    for (let k = from; k < Math.min(from + partRows, plan.length); k++) {
      const row = plan.rowAt(k) as Record<string, unknown>;
      const input = describeInput(applied.keptIndex[plan.order[k] as number] as number);
      row.RUN_ID = runId;
      row.PROCESSED_AT = processedAt;
      row.PROCESSING_TYPE = input.processingType;
      row.ORIGIN = input.origin;
      if (row.IS_PARENT) parents++;
      const line = JSON.stringify(row);
      lines.push(line);
      stored.lines.push(line);
      stored.cusips.push(row.CUSIP as string);
    }
    await store.put(keys.rowsPart(parts++), encoder.encode(`${lines.join('\n')}\n`), {
      ifNoneMatch: '*',
    });
    await lease.renew();
  }
  await step('run.after-rows-written');

  const excludedLines = applied.excluded.map((e, n) => {
    const input = describeInput(e.index);
    // Same keys and order as a spread into a literal, which V8 serialises ~5x slower.
    const row: Record<string, unknown> = Object.assign({}, e.row);
    row.RUN_ID = runId;
    row.PROCESSED_AT = processedAt;
    row.PROCESSING_TYPE = input.processingType;
    row.ROW_ID = `${runId}-x${n + 1}`;
    row.ORIGIN = input.origin;
    row.EXCLUDED_BY = e.ruleId;
    row.WITNESS = e.witness;
    return JSON.stringify(row);
  });
  await store.put(
    keys.excluded,
    encoder.encode(excludedLines.length ? `${excludedLines.join('\n')}\n` : ''),
    { ifNoneMatch: '*' },
  );
  await step('run.after-excluded-written');
  const rowErrors = request.inputs.flatMap((i) =>
    (i.rowErrors ?? []).map((e) => ({ origin: i.origin, ...e })),
  );
  await store.put(keys.rowErrors, json(rowErrors), { ifNoneMatch: '*' });
  await step('run.after-errors-written');

  const inputByOrigin: Record<string, number> = {};
  for (const i of request.inputs)
    inputByOrigin[i.origin] = (inputByOrigin[i.origin] ?? 0) + i.records.length;
  const finishedAt = clock.now();
  const record: RunRecord = {
    ...base,
    status: 'success',
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - Date.parse(base.startedAt),
    counts: {
      input: union.length,
      inputByOrigin,
      invalid:
        rowErrors.length === 0 ? 0 : new Set(rowErrors.map((e) => `${e.origin}#${e.row}`)).size,
      excluded: applied.excluded.length,
      excludedByRule: applied.countsByRule,
      output: plan.length,
      parents,
      children: plan.length - parents,
    },
    rowParts: parts,
  };
  await commit(store, keys.commit, record);
  return { record, rows: stored };
}

/** Creates the commit record; losing the create means another process declared this run failed. */
async function commit(store: ObjectStore, key: string, record: RunRecord): Promise<void> {
  try {
    await store.put(key, json({ generation: 1, value: runRecordSchema.parse(record) }), {
      ifNoneMatch: '*',
    });
  } catch (err) {
    if (isMarketPulseError(err, 'PRECONDITION_FAILED')) {
      throw new MarketPulseError(
        'CONFLICT',
        `run ${record.id} was declared failed by another process before it could commit`,
        {
          details: { reason: 'declared-failed', runId: record.id },
        },
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
    await store.put(keys.commit, json({ generation: 1, value: record }), { ifNoneMatch: '*' });
  } catch (err) {
    if (!isMarketPulseError(err, 'PRECONDITION_FAILED')) throw err; // it committed (or was declared) first
  }
}

/** The committed record of a run, or `null` while it is not committed (running, or never). */
export async function readRunRecord(store: ObjectStore, runId: number): Promise<RunRecord | null> {
  return (await readDocument(store, runKeys(runId).commit, runRecordSchema))?.value ?? null;
}
