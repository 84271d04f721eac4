import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MarketPulseError } from '@market-pulse/core';
import { assertReadableFile, unreadableFile } from '@market-pulse/node';
import type { CliIO } from './io.js';

/**
 * An input file named on the command line, resolved from the working directory; a missing or
 * unreadable one is refused the same way by every command: exit 3, `cannot read FILE: no such file`.
 */
export async function inputPath(io: CliIO, path: string): Promise<string> {
  const full = resolve(io.cwd, path);
  await assertReadableFile(full, path);
  return full;
}

/** A JSON file named on the command line (a rule file): unreadable → exit 3, not JSON → exit 3. */
export async function readJsonFile(io: CliIO, path: string, what = 'JSON'): Promise<unknown> {
  const full = await inputPath(io, path);
  const text = await readFile(full, 'utf8').catch((err: unknown) => {
    throw unreadableFile(err, path) ?? err;
  });
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `${path} is not a ${what} file: ${(err as Error).message}`,
      { details: { reason: 'not-json', path } },
    );
  }
}
