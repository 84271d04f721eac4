import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  addUser,
  type Clock,
  initializeStore,
  type Mailer,
  type Role,
  signIn,
} from '@market-pulse/core';
import { colorsToTable, generateColors, REALISTIC_RULES } from '@market-pulse/core/sample';
import { createSeededRandom, createTestHasher } from '@market-pulse/core/testing';
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

/** The password of every account {@link openTestApp} creates. */
export const TEST_PASSWORD = 'correct horse battery staple 42';

/**
 * An app over a fresh data folder with the realistic rules and a source of 200 colors, wired as
 * `serve` wires it (every non-public operation needs a bearer token). `request` and `json` send
 * the test admin's access token unless the request names its own `authorization` header.
 */
export async function openTestApp(
  options: {
    env?: Record<string, string>;
    corsOrigins?: string[];
    rows?: number;
    clock?: Clock;
    mailer?: Mailer;
  } = {},
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
    hasher: createTestHasher(),
    random: createSeededRandom(11),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.mailer ? { mailer: options.mailer } : {}),
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
  });
  const app = createApp(deps);
  const auth = await (deps.accounts as NonNullable<typeof deps.accounts>).auth();
  /** An account of `role` (created once, `<role>@test.example.com`) and a fresh access token. */
  const signInAs = async (role: Role, assetClasses: string[] = ['*']) => {
    const email = `${role}@test.example.com`;
    await addUser(
      auth,
      { email, name: `Test ${role}`, role, assetClasses, password: TEST_PASSWORD },
      'test-setup',
    ).catch((err: { code?: string }) => {
      if (err.code !== 'CONFLICT') throw err;
    });
    return signIn(auth, { email, password: TEST_PASSWORD }, `setup-${role}`);
  };
  const admin = await signInAs('admin');
  const bearer = (token: string) => `Bearer ${token}`;
  const withAdmin = (headers?: RequestInit['headers']) => {
    const out = new Headers(headers);
    if (!out.has('authorization')) out.set('authorization', bearer(admin.accessToken));
    return out;
  };
  const request = (path: string, init?: RequestInit) =>
    app.request(path, { ...init, headers: withAdmin(init?.headers) });
  const json = (
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) =>
    app.request(path, {
      method,
      headers: withAdmin({ 'content-type': 'application/json', ...headers }),
      body: JSON.stringify(body),
    });
  return {
    auth,
    admin,
    adminAuthorization: bearer(admin.accessToken),
    signInAs,
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
