import { readColumnConfig } from '../column-store/column-store.js';
import type { ColumnConfig } from '../columns/column-config.js';
import { MarketPulseError } from '../errors.js';
import { type ExportsLag, exportsLag } from '../exports/exports-state.js';
import {
  type ExportDependencies,
  type ExportResult,
  refreshExports,
} from '../exports/refresh-exports.js';
import { DEFAULT_SECTOR_FORMATS, type SectorFormat } from '../exports/standing-set.js';
import type { ColorSource } from '../ports/color-source.js';
import type { Failpoints } from '../ports/failpoints.js';
import type { RunInput } from '../processing/process-colors.js';
import { runAutomation } from '../run/run-automation.js';
import type { RunGuards } from '../run/run-guards.js';
import type { RunRecord, RunTrigger } from '../run/run-record.js';
import type { JobSource } from '../schedule/job.js';
import { getJob } from '../schedule/job-store.js';
import { localDateAt } from '../schedule/zoned-time.js';
import { readColors } from '../sources/read-colors.js';
import { createLeases, type HeldLease } from '../store/lease.js';
import type { Compress } from '../store/row-partition.js';
import { pendingUploadInputs } from '../uploads/upload-buffer.js';

/** How a desk runs its automation (from the host's configuration). */
export interface PipelineSettings {
  /** The business time zone: a run's business date is today there. */
  businessTimeZone: string;
  rankDateField?: 'DATE_1' | 'DATE';
  guards?: RunGuards;
  /** The formats of the per-sector export files (default CSV only). */
  sectorFormats?: readonly SectorFormat[];
  /** Pipeline and exports lease TTL (default 60 s). */
  leaseTtlMs?: number;
  columns?: ColumnConfig;
}

/** What the pipeline needs from its host: the store and clock, exports, and the configured source. */
export interface PipelineDependencies extends ExportDependencies {
  settings: PipelineSettings;
  /** The configured source (`MP_SOURCE`), read on every run unless a request or its job names another. */
  source?: ColorSource;
  /** The color source a job names (a job's `source`); without it, such a job's run fails. */
  sourceOf?: (source: JobSource) => ColorSource;
  failpoints?: Failpoints;
  /** Compresses run partitions (default: core's pure-JS zlib); see `Compress`. */
  compress?: Compress;
  /** Parser notices and other remarks meant for a person. */
  onNotice?: (message: string) => void;
  /**
   * Called once per run after its exports step, with the outcome (notifications attach here). A
   * failure becomes a warning of the run: it never fails a committed run (SPEC §4 step 9).
   */
  afterRun?: (result: PipelineRunResult) => Promise<void> | void;
}

/** One run of the pipeline, whatever triggered it. */
export interface PipelineRunRequest {
  trigger: RunTrigger;
  /** The job the run is for: its own source and rules subset apply, unless the request overrides. */
  jobId?: string;
  /** The scheduled fire (nominal UTC ISO) that started the run. */
  fire?: string;
  /**
   * Who asks for the run, recorded on its run record: the caller's actor (`user:<email>`,
   * `cli:<os user>`) or `scheduler` for a scheduled fire.
   */
  requestedBy: string;
  /** A pipeline lease the caller already holds (the scheduler's). */
  pipelineLease?: HeldLease;
  /** Called once the run has its RUN_ID (see `RunRequest.onStarted`); if it throws, the run fails. */
  onStarted?: (runId: number) => Promise<void>;
  /** This run's source instead of its job's or the configured one. */
  source?: ColorSource;
  /** Only these rules (ids) of the active ones; default: the job's subset, else every active rule. */
  ruleIds?: readonly string[];
  /** The run's business date (`YYYY-MM-DD`); default: today in the business time zone. */
  businessDate?: string;
  /** Take the pending uploads too (default true; the demo processes its sample alone). */
  includePendingUploads?: boolean;
  /** Called as the run moves on: `processing`, then `writing exports`. */
  onStep?: (step: 'processing' | 'writing exports') => void;
}

/** A run's record and what happened after its commit. */
export interface PipelineRunResult {
  record: RunRecord;
  /** Export files written (sink names). */
  exports: string[];
  /** Problems after the commit (exports, notifications), which never fail a committed run. */
  warnings: string[];
}

/** The automation pipeline of a host (see {@link createPipeline}). */
export interface Pipeline {
  /**
   * One run: reads the inputs, runs and commits them, then refreshes the exports. Throws when
   * there is nothing to read, a source cannot be read, or another run holds the pipeline
   * (CONFLICT); a run that fails once started is returned with `status: 'failed'`.
   */
  run(request: PipelineRunRequest): Promise<PipelineRunResult>;
  /** Rewrites the standing exports, in the configured per-sector formats. */
  refreshExports(): Promise<ExportResult>;
  /** Whether the standing exports lag the data or the configured per-sector formats. */
  exportsLag(): Promise<ExportsLag>;
}

/**
 * The automation run (SPEC §4), one for every trigger — the CLI, a scheduled fire, "run now":
 * reads the source and every pending upload, runs them through the run service, refreshes the
 * standing exports after the commit, then calls `afterRun`.
 *
 * @example
 * ```ts
 * const pipeline = createPipeline({ store, clock, ids, timers, codec, sink, source,
 *   settings: { businessTimeZone: 'America/New_York' } });
 * const { record, exports, warnings } = await pipeline.run({ trigger: 'cli', requestedBy: 'cli:ops' });
 * ```
 */
export function createPipeline(deps: PipelineDependencies): Pipeline {
  const { store, clock, settings } = deps;
  const sectorFormats = settings.sectorFormats ?? DEFAULT_SECTOR_FORMATS;
  // One lease observer for the pipeline's life: a holder that went silent (a run whose release was
  // lost, on a live process or another host) is taken over once its lease has stood unchanged for
  // the TTL across this pipeline's attempts; a new observer per run would never see it expire.
  const leases = createLeases({
    store,
    clock,
    ttlMs: settings.leaseTtlMs ?? 60_000,
    ...(deps.probe ? { probe: deps.probe } : {}),
  });

  async function gatherInputs(
    source: ColorSource | undefined,
    includePendingUploads: boolean,
    columns: ColumnConfig,
  ): Promise<RunInput[]> {
    const inputs: RunInput[] = [];
    if (source) {
      const [parsed, contentHash] = await Promise.all([
        readColors(source, { columns }),
        source.contentHash?.(),
      ]);
      for (const notice of parsed.notices) deps.onNotice?.(notice.message);
      inputs.push({
        origin: 'source',
        processingType: 'AUTOMATED',
        records: parsed.records,
        rowErrors: parsed.errors,
        ...(contentHash !== undefined ? { contentHash } : {}),
      });
    }
    if (includePendingUploads) inputs.push(...(await pendingUploadInputs(store)));
    if (inputs.length === 0) {
      throw new MarketPulseError(
        'VALIDATION_ERROR',
        'nothing to process: no source is configured (MP_SOURCE or --source) and no upload is pending',
      );
    }
    return inputs;
  }

  /** What a run reads and applies: the request's choices, else its job's, else the configuration. */
  async function choicesOf(request: PipelineRunRequest) {
    const job = request.jobId !== undefined ? await getJob(store, request.jobId) : undefined;
    let source = request.source;
    if (!source && job?.source) {
      if (!deps.sourceOf)
        throw new MarketPulseError(
          'UNAVAILABLE',
          `job ${job.id} names a source this host cannot read`,
        );
      source = deps.sourceOf(job.source);
    }
    return { source: source ?? deps.source, ruleIds: request.ruleIds ?? job?.rules };
  }

  /** Reads the inputs and runs them; the parsed inputs are garbage once it returns. */
  async function readAndRun(request: PipelineRunRequest): Promise<RunRecord> {
    const { source, ruleIds } = await choicesOf(request);
    // One column configuration for the whole run: the configured one, else the store's.
    const columns = settings.columns ?? (await readColumnConfig(store));
    const inputs = await gatherInputs(source, request.includePendingUploads ?? true, columns);
    request.onStep?.('processing');
    return runAutomation(
      {
        store,
        clock,
        ids: deps.ids,
        ...(deps.probe ? { probe: deps.probe } : {}),
        ...(deps.failpoints ? { failpoints: deps.failpoints } : {}),
        ...(deps.compress ? { compress: deps.compress } : {}),
        ...(request.pipelineLease ? { pipelineLease: request.pipelineLease } : {}),
        columns,
        leaseTtlMs: settings.leaseTtlMs ?? 60_000,
        leases,
      },
      {
        trigger: request.trigger,
        ...(request.jobId !== undefined ? { jobId: request.jobId } : {}),
        ...(request.fire !== undefined ? { fire: request.fire } : {}),
        requestedBy: request.requestedBy,
        ...(request.onStarted ? { onStarted: request.onStarted } : {}),
        businessDate:
          request.businessDate ?? localDateAt(settings.businessTimeZone, clock.now().getTime()),
        inputs,
        ...(ruleIds ? { ruleIds } : {}),
        ...(settings.guards ? { guards: settings.guards } : {}),
        rankDateField: settings.rankDateField ?? 'DATE_1',
      },
    );
  }

  function refreshStandingExports(): Promise<ExportResult> {
    return refreshExports(deps, {
      sectorFormats,
      ...(settings.columns ? { config: settings.columns } : {}),
      // The configured lease TTL holds for the exports lease too: a refresh cut short by a lost
      // answer leaves its lease, which the next refresh takes over after this long.
      ...(settings.leaseTtlMs ? { lease: { ttlMs: settings.leaseTtlMs } } : {}),
    });
  }

  async function run(request: PipelineRunRequest): Promise<PipelineRunResult> {
    // The inputs (a source's records can be a million objects) are not kept alive while the
    // exports are written: they would make every garbage collection of the export writers slower.
    const record = await readAndRun(request);
    const warnings: string[] = [];
    let exports: string[] = [];
    if (record.status === 'success') {
      request.onStep?.('writing exports');
      try {
        const refreshed = await refreshStandingExports();
        exports = refreshed.files;
        for (const { name, reason } of refreshed.failed ?? [])
          warnings.push(`export file ${name} not written (${reason}); the next refresh retries it`);
        if (refreshed.upToDate === false)
          warnings.push(
            'exports lag the data (the view kept changing while they were written); the next refresh catches up',
          );
      } catch (err) {
        warnings.push(
          `exports not refreshed (${(err as Error).message}); the next run rebuilds them`,
        );
      }
    }
    const result = { record, exports, warnings };
    try {
      await deps.afterRun?.(result);
    } catch (err) {
      warnings.push(`after the run: ${(err as Error).message}`);
    }
    return result;
  }

  return {
    run,
    refreshExports: refreshStandingExports,
    exportsLag: () => exportsLag(store, deps.sink, sectorFormats),
  };
}
