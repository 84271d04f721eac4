import { type ExportSink, SECTOR_FOLDER } from '@market-pulse/core';
import type { S3Store } from './s3-store.js';

/**
 * The prefixes the export files are under: the per-sector folder, and the root files
 * (`Processed_Colors_Output.xlsx`, legacy per-sector files at the root). Listing only these keeps
 * a sink at the root of a bucket from listing the bucket — the store may live there too.
 */
const EXPORT_PREFIXES = [`${SECTOR_FOLDER}/`, 'Processed_Colors_'];

/**
 * An S3 prefix as core's `ExportSink`: each file is streamed into its object in parts (no whole
 * workbook in memory); S3 replaces an object atomically, so a reader sees the old file or the new
 * one. Names are the export paths (`processed_colors/MM-CLO/Processed_Colors_MM-CLO.csv`), under
 * the store's prefix — which may be a bucket's root, with other data beside it: only the export
 * files' keys are listed. Core's export refresh (records, lag, stale-file removal) is the same as
 * on a folder.
 *
 * @example
 * ```ts
 * const sink = createS3Sink(createS3Store({ bucket: 'desk', prefix: '', region }));
 * await refreshExports({ store, sink, codec, clock, ids, timers });
 * ```
 */
export function createS3Sink(store: S3Store): ExportSink {
  return {
    async write(name, bytes) {
      await store.putStream(name, bytes);
    },
    async read(name) {
      return (await store.get(name))?.body ?? null;
    },
    async *list() {
      for (const prefix of EXPORT_PREFIXES)
        for await (const item of store.list(prefix)) yield item.key;
    },
    async remove(name) {
      await store.delete(name);
    },
  };
}
