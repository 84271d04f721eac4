import type { ExportSink } from '../ports/export-sink.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { SheetLayout, SpreadsheetCodec } from '../ports/spreadsheet-codec.js';
import type { Decompress } from '../store/row-partition.js';
import { streamCurrentView } from '../views/current-view.js';
import { fanOut } from './fan-out.js';
import { type PlannedFile, rowsOfFile, streamedViewSheets } from './standing-set.js';

/** A standing file that could not be written, and why. */
export interface FailedExport {
  name: string;
  reason: string;
}

/** What writing standing files needs: the store the view is read from, where files go, and how. */
export interface StandingFilesDependencies {
  store: ObjectStore;
  sink: ExportSink;
  codec: SpreadsheetCodec;
  /** Inflates the view's partitions (default: core's pure-JS one; Node passes its native zlib). */
  decompress?: Decompress;
}

/**
 * Writes `files` (planned by `scanStandingSet`) into the sink from one read of the current view's
 * partitions, all at once, each taking its rows as they come (`fanOut`): memory follows the number
 * of files, not the view. The output workbook's "Parents" sheet reads the view a second time. A
 * file that cannot be written is reported and the others are still written (unrelated files must
 * not fail together); it resolves once every file is written or given up. A refresh calls it on
 * its own thread, and an export lane (a worker thread) calls it over its own store and sink.
 *
 * @example
 * ```ts
 * const scan = await scanStandingSet(streamCurrentView(store), config, ['csv']);
 * const failed = await writeStandingFiles({ store, sink, codec }, scan.files, scan.layout);
 * ```
 */
export async function writeStandingFiles(
  deps: StandingFilesDependencies,
  files: readonly PlannedFile[],
  layout: SheetLayout,
): Promise<FailedExport[]> {
  const failed: FailedExport[] = [];
  if (files.length === 0) return failed;
  const read = () => streamCurrentView(deps.store, { decompress: deps.decompress });
  const branches = fanOut(
    read(),
    files.map(({ file }) => ({ accepts: rowsOfFile(file) })),
  );
  await Promise.all(
    files.map(async ({ file, name }, i) => {
      const branch = branches[i] as (typeof branches)[number];
      try {
        const sheets =
          file.kind === 'output'
            ? streamedViewSheets(branch.rows, read)
            : [{ name: 'Colors', rows: branch.rows }];
        await deps.sink.write(
          name,
          deps.codec.write(file.kind === 'output' ? 'xlsx' : file.format, sheets, layout),
        );
      } catch (err) {
        failed.push({ name, reason: (err as Error)?.message ?? String(err) });
      } finally {
        // A write that failed part-way must not hold the others' rows back.
        branch.close();
      }
    }),
  );
  return failed;
}
