import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { localDateAt, MarketPulseError } from '@market-pulse/core';
import {
  checkedFileSource,
  type FileColorSource,
  failpointsFromEnv,
  fileColorSource,
  loadConfig,
  type NodeConfig,
  type NodeHost,
  openNodeHost,
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

/**
 * A color file named on the command line, relative to the working directory, read with the
 * configured upload limits and parse options; missing or unreadable, it is refused (exit 3) as
 * `cannot read FILE: no such file` when read.
 */
export function sourceFile(io: CliIO, path: string, config: NodeConfig): FileColorSource {
  const full = resolve(io.cwd, path);
  return checkedFileSource(
    fileColorSource(full, { limits: config.uploadLimits, parse: config.parse }),
    full,
    path,
  );
}

/** Today in the business time zone, as YYYY-MM-DD. */
export function businessDateNow(timeZone: string): string {
  return localDateAt(timeZone, systemClock.now().getTime());
}
