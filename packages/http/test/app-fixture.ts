import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { initializeStore } from '@market-pulse/core';
import { colorsToTable, generateColors, REALISTIC_RULES } from '@market-pulse/core/sample';
import { loadConfig, openNodeHost } from '@market-pulse/node';
import { createApp } from '../src/app.js';
import type { AccessLogger } from '../src/dependencies.js';
import { appDependenciesOf } from '../src/node-app.js';

/** A CSV of `rows` generated colors of `businessDate` (every field quoted). */
export function colorsCsv(rows: number, seed = 7, businessDate = '2026-03-13'): string {
  const table = colorsToTable(generateColors({ rows, seed, businessDate }));
  const line = (cells: readonly string[]) =>
    cells.map((v) => `"${v.replaceAll('"', '""')}"`).join(',');
  return `${[line(table.header), ...table.rows.map(line)].join('\r\n')}\r\n`;
}

/** The log lines an app wrote. */
export interface LogLine {
  level: 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/** An app over a fresh data folder with the realistic rules and a source of 200 colors. */
export async function openTestApp(
  options: { env?: Record<string, string>; corsOrigins?: string[]; rows?: number } = {},
) {
  const dir = await mkdtemp(join(tmpdir(), 'mp-http-test-'));
  const source = join(dir, 'colors.csv');
  await writeFile(source, colorsCsv(options.rows ?? 200));
  const dataDir = join(dir, 'data');
  await mkdir(join(dataDir, 'exports'), { recursive: true });
  const config = loadConfig({ MP_DATA_DIR: dataDir, MP_SOURCE: source, ...options.env });
  const host = openNodeHost({ config, dataDir, cwd: dir });
  await initializeStore(host.store, { rules: REALISTIC_RULES });
  const logs: LogLine[] = [];
  const logger: AccessLogger = {
    info: (fields, message) =>
      logs.push({ level: 'info', fields: fields as Record<string, unknown>, message }),
    warn: (fields, message) =>
      logs.push({ level: 'warn', fields: fields as Record<string, unknown>, message }),
    error: (fields, message) =>
      logs.push({ level: 'error', fields: fields as Record<string, unknown>, message }),
  };
  const deps = appDependenciesOf({
    host,
    config,
    version: '0.0.0-test',
    logger,
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
  });
  const app = createApp(deps);
  const request = (path: string, init?: RequestInit) => app.request(path, init);
  const json = (
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) =>
    app.request(path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  return {
    app,
    deps,
    dir,
    dataDir,
    host,
    logs,
    request,
    json,
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Every file of a folder with its bytes (to prove a store unchanged). */
export async function snapshotFolder(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir)) {
      const path = join(dir, entry);
      if ((await stat(path)).isDirectory()) await walk(path);
      else out.set(relative(root, path), (await readFile(path)).toString('base64'));
    }
  };
  await walk(root);
  return out;
}
