import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach } from 'vitest';
import { runCli } from '../src/cli.js';

export interface Invocation {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process in `cwd` with `env` (plus MP_DATA_DIR unset unless given). */
export async function cli(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
  stopSignal?: AbortSignal,
): Promise<Invocation> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: { TZ: process.env.TZ, MP_BUSINESS_TZ: 'America/New_York', ...env },
    cwd,
    stderrIsTTY: false,
    ...(stopSignal ? { stopSignal } : {}),
  });
  return { code, stdout, stderr };
}

export async function tempDir(
  prefix: string,
): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Temp folders for a test file, removed after each test (after `beforeRemoving`, e.g. stopping the
 * processes that use them): `const workspace = useWorkspaces('mp-x-')`, then `await workspace()`.
 */
export function useWorkspaces(prefix: string, beforeRemoving?: () => Promise<void>) {
  const disposers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await beforeRemoving?.();
    await Promise.all(disposers.splice(0).map((d) => d()));
  });
  return async () => {
    const t = await tempDir(prefix);
    disposers.push(t.dispose);
    return t.dir;
  };
}

/** Every file under `dir` with its size: a fingerprint to prove a refused command changed nothing. */
export async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string) {
    for (const entry of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.push(`${relative(dir, path)} ${(await stat(path)).size}`);
    }
  }
  await walk(dir);
  return out.sort();
}
