import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { localDateAt, MarketPulseError, type ObjectStore } from '@market-pulse/core';
import {
  createFileStore,
  createPipeline,
  createProcessProbe,
  failpointsFromEnv,
  loadConfig,
  type NodeConfig,
  systemClock,
} from '@market-pulse/node';
import type { CliIO } from './io.js';

export interface DataFolder {
  config: NodeConfig;
  dir: string;
  exportsDir: string;
  store: ObjectStore;
}

/** The configuration, with `--data-dir` winning over `MP_DATA_DIR`. */
export function configOf(io: CliIO, dataDir?: string): NodeConfig {
  return loadConfig(io.env, { MP_DATA_DIR: dataDir });
}

/** Opens the data folder; creates it only when asked (`init`, `demo`, a real `run`). */
export async function openDataFolder(
  io: CliIO,
  options: { dataDir?: string; create: boolean },
): Promise<DataFolder> {
  const config = configOf(io, options.dataDir);
  const dir = resolve(io.cwd, config.dataDir);
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
  const exportsDir = join(dir, 'exports');
  if (options.create) await mkdir(exportsDir, { recursive: true });
  return { config, dir, exportsDir, store: createFileStore({ dir: join(dir, 'store') }) };
}

/** This process as the run service sees it: who it is (for leases) and its test failpoints. */
export function processPorts(io: CliIO) {
  return {
    probe: createProcessProbe(),
    failpoints: failpointsFromEnv(io.env.MP_FAILPOINT, { write: (t) => io.stderr(t) }),
  };
}

/**
 * The automation run of this process (source + pending uploads → run service → exports), and its
 * standing exports.
 */
export function pipelineOf(io: CliIO, folder: DataFolder) {
  return createPipeline({
    store: folder.store,
    config: folder.config,
    exportsDir: folder.exportsDir,
    cwd: io.cwd,
    ...processPorts(io),
    onNotice: (message) => io.stderr(`note: ${message}\n`),
  });
}

/** Today in the business time zone, as YYYY-MM-DD. */
export function businessDateNow(timeZone: string): string {
  return localDateAt(timeZone, systemClock.now().getTime());
}
