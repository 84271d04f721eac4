import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';

/**
 * A spreadsheet's bytes wherever they are (a local file, an S3 object), read by ranges: a CSV
 * file streams from start to end, an xlsx workbook's zip directory is read from its end and each
 * entry from its offset — nothing is held whole beyond the parts being read.
 */
export interface SpreadsheetInput {
  /** What the input is called in messages: a path, an `s3://` URL. */
  readonly name: string;
  /** The local file it is, if it is one (read through a file descriptor rather than by ranges). */
  readonly path?: string;
  /** Its size in bytes. */
  size(): Promise<number>;
  /** Its bytes from `start` up to and including `end` (default: all of them). */
  stream(range?: { start: number; end: number }): Readable;
}

/** A local file as a {@link SpreadsheetInput}. */
export function fileInput(path: string): SpreadsheetInput {
  return {
    name: path,
    path,
    size: async () => (await stat(path)).size,
    stream: (range) => createReadStream(path, range ?? {}),
  };
}

/**
 * Bytes already in memory (an HTTP upload's body) as a {@link SpreadsheetInput} named `name`:
 * read where they are, never written to disk.
 */
export function bytesInput(name: string, bytes: Uint8Array): SpreadsheetInput {
  return {
    name,
    size: async () => bytes.length,
    stream: (range) =>
      Readable.from([
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).subarray(
          range?.start ?? 0,
          range ? range.end + 1 : bytes.length,
        ),
      ]),
  };
}

/** `input` as a {@link SpreadsheetInput}: a path is a local file. */
export const inputOf = (input: string | SpreadsheetInput): SpreadsheetInput =>
  typeof input === 'string' ? fileInput(input) : input;

/** yauzl's random-access reader over an input's ranges (yauzl's `end` is exclusive). */
class RangeReader extends yauzl.RandomAccessReader {
  constructor(private readonly input: SpreadsheetInput) {
    super();
  }
  override _readStreamForRange(start: number, end: number): Readable {
    return this.input.stream({ start, end: end - 1 });
  }
}

/** Opens an input as a zip archive (lazy entries): a local file by path, anything else by ranges. */
export async function openZipInput(
  input: SpreadsheetInput,
  options: { autoClose: boolean },
): Promise<yauzl.ZipFile> {
  const zipOptions = { lazyEntries: true, autoClose: options.autoClose };
  if (input.path !== undefined) return yauzl.openPromise(input.path, zipOptions);
  return yauzl.fromRandomAccessReaderPromise(
    new RangeReader(input),
    await input.size(),
    zipOptions,
  );
}
