// Real `market-pulse` processes for tests: started from the TypeScript sources with tsx, stopped
// by the tests that started them (by PID, through their ChildProcess handles).
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
// Run from the package folder so `--import tsx` resolves; the data folder and files are absolute.
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `market-pulse <args>` on the data folder under `cwd`. */
export function start(cwd: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], {
    cwd: PACKAGE_DIR,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: TSCONFIG,
      MP_BUSINESS_TZ: 'America/New_York',
      MP_DATA_DIR: join(cwd, 'market-pulse-data'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  // 'close', not 'exit': 'exit' can come before the last output has been read from the pipes (on
  // a loaded machine it does), and a test reading the log would miss the process's last lines.
  const done = new Promise<Finished>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  const stderrIncludes = (text: string) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (stderr.includes(text)) {
          child.stderr.off('data', check);
          resolve();
        }
      };
      child.stderr.on('data', check);
      check();
    });
  return { child, done, stderrIncludes, stderr: () => stderr };
}

/** SIGKILLs every process started here that is still running, and waits for them to exit. */
export async function stopChildren(): Promise<void> {
  await Promise.all(
    children
      .splice(0)
      .filter((c) => c.exitCode === null && c.signalCode === null)
      .map((c) => {
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGKILL');
        return exited;
      }),
  );
}
