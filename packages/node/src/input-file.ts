import { stat } from 'node:fs/promises';
import { MarketPulseError } from '@market-pulse/core';
import type { FileColorSource } from './spreadsheets/file-color-source.js';

/** What a person can do about a file the system refused to open. */
const WHY: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder, not a file',
};

/**
 * An input file that cannot be read, as VALIDATION_ERROR `cannot read FILE: no such file`
 * (`details.reason: 'unreadable-file'`); `undefined` for errors that are not about the file.
 */
export function unreadableFile(err: unknown, shownAs: string): MarketPulseError | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why = code ? WHY[code] : undefined;
  if (!why) return undefined;
  return new MarketPulseError('VALIDATION_ERROR', `cannot read ${shownAs}: ${why}`, {
    cause: err,
    details: { reason: 'unreadable-file', path: shownAs, errno: code },
  });
}

/** Refuses (see {@link unreadableFile}) an input path that is missing, a folder or forbidden. */
export async function assertReadableFile(path: string, shownAs = path): Promise<void> {
  const info = await stat(path).catch((err: unknown) => {
    throw unreadableFile(err, shownAs) ?? err;
  });
  if (info.isDirectory()) throw unreadableFile({ code: 'EISDIR' }, shownAs);
}

/**
 * A file color source whose missing or unreadable file is refused in those words (a scheduled
 * fire's reason, a command's message) before any reading starts.
 */
export function checkedFileSource<S extends FileColorSource>(
  source: S,
  path: string,
  shownAs: string,
): S {
  return {
    ...source,
    name: source.name,
    async *tables() {
      await assertReadableFile(path, shownAs);
      yield* source.tables();
    },
    async contentHash() {
      await assertReadableFile(path, shownAs);
      return source.contentHash();
    },
  };
}
