import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  type Clock,
  type Failpoints,
  type HeldLease,
  localDateAt,
  MarketPulseError,
  type ObjectStore,
  type ProcessProbe,
  pendingUploadInputs,
  type RunInput,
  type RunRecord,
  type RunTrigger,
  runAutomation,
} from '@market-pulse/core';
import type { NodeConfig } from './config.js';
import { type ExportsLag, exportsLag } from './exports/exports-state.js';
import {
  type ExportResult,
  type RefreshExportsOptions,
  refreshExports,
} from './exports/write-exports.js';
import { type ColorFile, readColorFile } from './spreadsheets/read-color-file.js';
import { systemClock } from './system-clock.js';

export interface PipelineOptions {
  store: ObjectStore;
  config: NodeConfig;
  /** Where the standing exports are written. */
  exportsDir: string;
  /** Relative source paths are resolved from here. */
  cwd: string;
  clock?: Clock;
  probe?: ProcessProbe;
  failpoints?: Failpoints;
  /** Parser notices and other remarks meant for a person. */
  onNotice?: (message: string) => void;
  /** How the standing exports are written (e.g. `{ workerMinRows: Infinity }` on one core). */
  exportOptions?: RefreshExportsOptions;
}

export interface PipelineRunRequest {
  trigger: RunTrigger;
  jobId?: string;
  /** The scheduled fire (nominal UTC ISO) that started the run. */
  fire?: string;
  /** A pipeline lease the caller already holds (the scheduler's). */
  pipelineLease?: HeldLease;
  onStarted?: (runId: number) => Promise<void>;
  /** The source file; default: the configured `MP_SOURCE`. */
  source?: string;
  /** Take the pending uploads too (default true; the demo processes its sample alone). */
  includePendingUploads?: boolean;
  /** Called as the run moves on: `processing`, then `writing exports`. */
  onStep?: (step: 'processing' | 'writing exports') => void;
}

export interface PipelineRunResult {
  record: RunRecord;
  /** Export files written (absolute paths). */
  exports: string[];
  /** Problems after the commit (exports), which never fail a committed run. */
  warnings: string[];
}

/**
 * Reads a color file (xlsx or CSV) through the parser, with its bytes and their hash (for the
 * unchanged-source guard and duplicate uploads).
 */
export async function readSourceFile(
  file: string,
  limits: NodeConfig['uploadLimits'],
): Promise<{ parsed: ColorFile; bytes: Uint8Array; contentHash: string }> {
  const parsed = await readColorFile(file, { limits });
  const bytes = await readFile(file);
  return { parsed, bytes, contentHash: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * The automation run of a Node process (SPEC §4), whatever triggered it — the CLI, a scheduled
 * fire, "run now": reads the configured source and every pending upload, runs them through the
 * run service and refreshes the standing exports after the commit.
 */
export function createPipeline(options: PipelineOptions) {
  const { store, config, exportsDir } = options;
  const clock = options.clock ?? systemClock;

  async function gatherInputs(
    source: string | undefined,
    includePendingUploads: boolean,
  ): Promise<RunInput[]> {
    const inputs: RunInput[] = [];
    if (source) {
      const { parsed, contentHash } = await readSourceFile(
        resolve(options.cwd, source),
        config.uploadLimits,
      );
      for (const notice of parsed.notices) options.onNotice?.(notice.message);
      inputs.push({
        origin: 'source',
        processingType: 'AUTOMATED',
        records: parsed.records,
        rowErrors: parsed.errors,
        contentHash,
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

  /** Reads the inputs and runs them; the parsed inputs are garbage once it returns. */
  async function readAndRun(request: PipelineRunRequest): Promise<RunRecord> {
    const inputs = await gatherInputs(
      request.source ?? config.source,
      request.includePendingUploads ?? true,
    );
    request.onStep?.('processing');
    return runAutomation(
      {
        store,
        clock,
        ids: { nextId: () => randomUUID() },
        ...(options.probe ? { probe: options.probe } : {}),
        ...(options.failpoints ? { failpoints: options.failpoints } : {}),
        ...(request.pipelineLease ? { pipelineLease: request.pipelineLease } : {}),
        leaseTtlMs: config.lease.ttlSeconds * 1000,
      },
      {
        trigger: request.trigger,
        ...(request.jobId !== undefined ? { jobId: request.jobId } : {}),
        ...(request.fire !== undefined ? { fire: request.fire } : {}),
        ...(request.onStarted ? { onStarted: request.onStarted } : {}),
        businessDate: localDateAt(config.businessTimeZone, clock.now().getTime()),
        inputs,
        guards: config.guards,
        rankDateField: config.rankDateField,
      },
    );
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
        exports = refreshed.files.map((f) => resolve(exportsDir, f));
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
    return { record, exports, warnings };
  }

  /** Rewrites the standing exports, in the configured per-sector formats. */
  function refreshStandingExports(): Promise<ExportResult> {
    return refreshExports(store, exportsDir, {
      sectorFormats: config.sectorExportFormats,
      ...options.exportOptions,
    });
  }

  /** Whether the standing exports lag the data or the configured per-sector formats. */
  function standingExportsLag(): Promise<ExportsLag> {
    return exportsLag(store, exportsDir, config.sectorExportFormats);
  }

  return { run, refreshExports: refreshStandingExports, exportsLag: standingExportsLag };
}

export type Pipeline = ReturnType<typeof createPipeline>;
