import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { localDateAt, MarketPulseError } from '@market-pulse/core';
import {
  colorSourceAt,
  type FileColorSource,
  failpointsFromEnv,
  loadConfig,
  type NodeConfig,
  type NodeHost,
  openNodeHost,
  openStorage,
  systemClock,
} from '@market-pulse/node';
import type { CliIO } from './io.js';

/** A data folder opened with core's services wired to Node's adapters. */
export interface DataFolder extends NodeHost {
  config: NodeConfig;
  dir: string;
}

/** The configuration, with `--data-dir` winning over `MP_DATA_DIR`. */
export function configOf(io: CliIO, dataDir?: string): NodeConfig {
  return loadConfig(io.env, { MP_DATA_DIR: dataDir });
}

/** This process's test failpoints (`MP_FAILPOINT`, off unless set). */
export function failpointsOf(io: CliIO) {
  return failpointsFromEnv(io.env.MP_FAILPOINT, { write: (t) => io.stderr(t) });
}

/**
 * Opens the data folder — or the S3 store `MP_STORE` names — and creates a data folder only when
 * asked (`init`, `demo`, a real `run`). An S3 server that ignores conditional writes is refused
 * (UNAVAILABLE, saying what it got wrong): runs, uploads and the scheduler would have no locks
 * there. `status` passes `allowUnsafeStore` to report it instead.
 */
export async function openDataFolder(
  io: CliIO,
  options: { dataDir?: string; create: boolean; allowUnsafeStore?: boolean },
): Promise<DataFolder> {
  const config = configOf(io, options.dataDir);
  const dir = resolve(io.cwd, config.dataDir);
  if (config.store.kind === 's3') return openS3Folder(io, config, dir, options.allowUnsafeStore);
  const exists = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!exists && !options.create) {
    throw new MarketPulseError(
      'NOT_FOUND',
      `no data folder at ${dir}: run "market-pulse init" (or "market-pulse demo"), or pass --data-dir`,
    );
  }
  if (options.create) await mkdir(join(dir, 'exports'), { recursive: true });
  const host = openNodeHost({
    config,
    dataDir: dir,
    cwd: io.cwd,
    failpoints: failpointsOf(io),
    onNotice: (message) => io.stderr(`note: ${message}\n`),
  });
  return { ...host, config, dir };
}

async function openS3Folder(
  io: CliIO,
  config: NodeConfig,
  dir: string,
  allowUnsafeStore = false,
): Promise<DataFolder> {
  const storage = await openStorage(config.store, dir, { exports: config.exports });
  if (!storage.conditionalWrites.honoured && !allowUnsafeStore) {
    storage.close();
    throw new MarketPulseError(
      'UNAVAILABLE',
      `the S3 server of ${storage.storeLocation} ignores conditional writes (${storage.conditionalWrites.problems.join('; ')}): runs and schedules there would have no locks, so Market Pulse refuses to use it. Use AWS S3 or another server that honours If-None-Match and If-Match (Ceph RGW does), or MP_STORE=file://<folder>`,
      { details: { store: storage.storeLocation, problems: storage.conditionalWrites.problems } },
    );
  }
  const host = openNodeHost({
    config,
    dataDir: dir,
    storage,
    cwd: io.cwd,
    failpoints: failpointsOf(io),
    onNotice: (message) => io.stderr(`note: ${message}\n`),
  });
  return { ...host, config, dir };
}

/**
 * A color file named on the command line, relative to the working directory (or an
 * `s3://bucket/key` object), read with the
 * configured upload limits and parse options; missing or unreadable, it is refused (exit 3) as
 * `cannot read FILE: no such file` when read.
 */
export function sourceFile(io: CliIO, path: string, config: NodeConfig): FileColorSource {
  return colorSourceAt(path, io.cwd, config);
}

/** Where an export file is: a path in the exports folder, or its `s3://` URL. */
export function exportPath(folder: { exportsDir: string }, name: string): string {
  return folder.exportsDir.startsWith('s3://')
    ? `${folder.exportsDir}/${name}`
    : resolve(folder.exportsDir, name);
}

/** Today in the business time zone, as YYYY-MM-DD. */
export function businessDateNow(timeZone: string): string {
  return localDateAt(timeZone, systemClock.now().getTime());
}
