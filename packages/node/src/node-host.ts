import { randomUUID } from 'node:crypto';
import {
  createPipeline,
  type ExportDependencies,
  type Failpoints,
  type IdSource,
  type ObjectStore,
  type Pipeline,
  type PipelineDependencies,
  type PipelineSettings,
  type ProcessProbe,
  readSystemStatus,
  type SystemStatus,
} from '@market-pulse/core';
import { assertJobS3Source, colorSourceAt } from './color-source-at.js';
import type { NodeConfig } from './config.js';
import { nativeCompress, nativeDecompress } from './native-compress.js';
import { createProcessProbe } from './process-probe.js';
import type { FileColorSource } from './spreadsheets/file-color-source.js';
import { spreadsheetCodec } from './spreadsheets/spreadsheet-codec.js';
import { fileStorage, type Storage } from './storage.js';
import { systemClock } from './system-clock.js';
import { systemTimers } from './system-timers.js';

/** Ids for leases and uploads: random UUIDs. */
export const randomIds: IdSource = Object.freeze({ nextId: () => randomUUID() });

/** The pipeline settings of a Node configuration. */
export function pipelineSettingsOf(config: NodeConfig): PipelineSettings {
  return {
    businessTimeZone: config.businessTimeZone,
    rankDateField: config.rankDateField,
    guards: config.guards,
    sectorFormats: config.sectorExportFormats,
    leaseTtlMs: config.lease.ttlSeconds * 1000,
  };
}

/** Where a Node host keeps its data, and who it is. */
export interface NodeHostOptions {
  config: NodeConfig;
  /** The data folder: the store in `store/`, the exports in `exports/` (unless `storage` is given). */
  dataDir: string;
  /** The store and export sink (see `openStorage`); the data folder's file store by default. */
  storage?: Storage;
  /** Relative source paths are resolved from here. */
  cwd: string;
  failpoints?: Failpoints;
  /** Parser notices and other remarks meant for a person. */
  onNotice?: (message: string) => void;
  /** Called after each pipeline run (notifications attach here). */
  afterRun?: PipelineDependencies['afterRun'];
}

/** Core's services wired to Node's adapters over one data folder. */
export interface NodeHost {
  store: ObjectStore;
  /** Where the exports land: a folder, or `s3://bucket/prefix/exports`. */
  exportsDir: string;
  /** The store and export sink the host runs on. */
  storage: Storage;
  probe: ProcessProbe;
  /** What the standing exports (and export refreshes) need. */
  exports: ExportDependencies;
  pipeline: Pipeline;
  /**
   * A color file (xlsx or CSV), relative to `cwd`, or an `s3://bucket/key` object, with the
   * configured upload limits; a missing or unreadable one is refused as `cannot read PATH: no
   * such file` (or object) when it is read.
   */
  source(path: string): FileColorSource;
  /** The store's state (`status`): `checkedBy` names who may raise the dead-man alert. */
  status(checkedBy: string): Promise<SystemStatus>;
}

/**
 * Wires core's services to Node's adapters over a data folder: the file store, the folder export
 * sink, the exceljs/CSV codec, the system clock, timers and process probe.
 *
 * @example
 * ```ts
 * const host = openNodeHost({ config: loadConfig(process.env), dataDir: './data', cwd: process.cwd() });
 * const { record } = await host.pipeline.run({ trigger: 'cli', source: host.source('colors.xlsx') });
 * ```
 */
export function openNodeHost(options: NodeHostOptions): NodeHost {
  const { config } = options;
  const storage = options.storage ?? fileStorage(options.dataDir);
  const { store } = storage;
  const exportsDir = storage.exportsLocation;
  const probe = createProcessProbe();
  const exports: ExportDependencies = {
    store,
    clock: systemClock,
    ids: randomIds,
    timers: systemTimers,
    probe,
    sink: storage.sink,
    codec: spreadsheetCodec,
    decompress: nativeDecompress,
    ...(storage.lane ? { lane: storage.lane } : {}),
  };
  const source = (location: string): FileColorSource =>
    colorSourceAt(location, options.cwd, config);
  const pipeline = createPipeline({
    ...exports,
    settings: pipelineSettingsOf(config),
    ...(config.source ? { source: source(config.source) } : {}),
    // A job's own source: a file path, or an S3 object under an allowed prefix (queries later).
    sourceOf: (jobSource) => {
      assertJobS3Source(jobSource.path, config.jobS3Sources);
      return source(jobSource.path);
    },
    ...(options.failpoints ? { failpoints: options.failpoints } : {}),
    compress: nativeCompress,
    ...(options.onNotice ? { onNotice: options.onNotice } : {}),
    ...(options.afterRun ? { afterRun: options.afterRun } : {}),
  });
  return {
    store,
    exportsDir,
    storage,
    probe,
    exports,
    pipeline,
    source,
    status: (checkedBy) =>
      readSystemStatus({
        store,
        clock: systemClock,
        sink: exports.sink,
        sectorFormats: config.sectorExportFormats,
        leaseTtlMs: config.lease.ttlSeconds * 1000,
        checkedBy,
      }),
  };
}
