/**
 * Market Pulse on Node: translation between core's ports and the platform — the embedded file
 * store (the default, no service needed), the folder export sink, the xlsx/CSV codec and color
 * files (exceljs behind our own interface), configuration from the
 * environment, the system clock, timers and process probe — and `openNodeHost`, which wires core's
 * services to them. Programs that need only part of it import a subpath:
 * `@market-pulse/node/file-store` (no spreadsheet library) or `@market-pulse/node/spreadsheets`.
 *
 * @module @market-pulse/node
 */

export {
  type Argon2Parameters,
  argon2Hasher,
  DEFAULT_ARGON2,
  systemRandom,
} from './argon2-hasher.js';
export { TEMP_FILE, writeFileAtomically } from './atomic-file.js';
export {
  assertJobS3Source,
  colorSourceAt,
  isS3Url,
  type SourceConfig,
} from './color-source-at.js';
export {
  type EnvironmentVariables,
  type ExportsConfig,
  loadConfig,
  type NodeConfig,
  type StoreConfig,
} from './config.js';
export { failpointsFromEnv } from './env-failpoints.js';
export {
  exportRunRowSetToFile,
  exportSelectionToFile,
  writeRowsFile,
} from './exports/export-to-file.js';
export { createFolderSink } from './exports/folder-sink.js';
export {
  DEFAULT_LANE_MIN_ROWS,
  type ExportLaneData,
  type WorkerExportLaneOptions,
  workerExportLane,
} from './exports/worker-export-lane.js';
export { createFileStore, type FileStoreOptions } from './file-store.js';
export { assertReadableFile, checkedFileSource, unreadableFile } from './input-file.js';
export { nativeCompress, nativeDecompress } from './native-compress.js';
export {
  type NodeHost,
  type NodeHostOptions,
  openNodeHost,
  pipelineSettingsOf,
  randomIds,
} from './node-host.js';
export { createProcessProbe, isProcessAlive } from './process-probe.js';
export * from './spreadsheets/index.js';
export { fileStorage, type OpenStorageOptions, openStorage, type Storage } from './storage.js';
export { systemClock } from './system-clock.js';
export { systemTimers } from './system-timers.js';
