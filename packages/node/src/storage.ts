import { join } from 'node:path';
import type { ExportSink, ObjectStore, OpenExportLane } from '@market-pulse/core';
import type { ExportsConfig, StoreConfig } from './config.js';
import { createFolderSink } from './exports/folder-sink.js';
import { workerExportLane } from './exports/worker-export-lane.js';
import { createFileStore } from './file-store.js';

/** The store and the export sink a host runs on, and what is known about them. */
export interface Storage {
  store: ObjectStore;
  sink: ExportSink;
  /** Where the store is: its folder, or `s3://bucket/prefix`. */
  storeLocation: string;
  /** Where the exports land: a folder, or `s3://bucket[/prefix]`. */
  exportsLocation: string;
  /**
   * A second writer of the standing exports (a worker thread that opens the store itself; the
   * file store only): see `workerExportLane`.
   */
  lane?: OpenExportLane;
  /**
   * The conditional-write self-test: `problems` says what the store's server got wrong. The
   * file store honours the conditions by construction (no test is run).
   */
  conditionalWrites: { honoured: boolean; problems: string[] };
  /** Releases connections (S3). */
  close(): void;
}

/** The file store and export folder of a data folder (`<dir>/store`, `<dir>/exports`). */
export function fileStorage(dataDir: string): Storage {
  const exportsDir = join(dataDir, 'exports');
  const storeDir = join(dataDir, 'store');
  return {
    store: createFileStore({ dir: storeDir }),
    // Views of 20,000 rows or more share their standing exports with a worker thread.
    lane: workerExportLane({ storeDir, exportsDir }),
    sink: createFolderSink(exportsDir),
    storeLocation: storeDir,
    exportsLocation: exportsDir,
    conditionalWrites: { honoured: true, problems: [] },
    close: () => undefined,
  };
}

/** How {@link openStorage} opens the storage. */
export interface OpenStorageOptions {
  /**
   * Where the exports land on S3 (`MP_EXPORTS`, with an S3 store only). Default: the root of
   * the store's bucket.
   */
  exports?: ExportsConfig | undefined;
  signal?: AbortSignal;
}

/**
 * The storage `MP_STORE` names — the data folder's file store and its `exports/` folder, or an
 * S3 bucket under a prefix, with the conditional-write self-test run once, and the exports where
 * `MP_EXPORTS` says: by default at the root of the store's bucket, so the per-sector
 * files are at `s3://bucket/processed_colors/<SECTOR>/…` (SPEC §12) whatever the store's prefix.
 * `@market-pulse/storage-s3` (and the AWS SDK) is loaded only when S3 is configured.
 *
 * @example
 * ```ts
 * const config = loadConfig(process.env);
 * const storage = await openStorage(config.store, './market-pulse-data', { exports: config.exports });
 * if (!storage.conditionalWrites.honoured) throw new Error(storage.conditionalWrites.problems.join('; '));
 * ```
 */
export async function openStorage(
  config: StoreConfig,
  dataDir: string,
  options: OpenStorageOptions = {},
): Promise<Storage> {
  if (config.kind === 'file') return fileStorage(dataDir);
  const s3 = await import('@market-pulse/storage-s3');
  const connection = {
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const exportsStore = s3.createS3Store({
    ...connection,
    ...(options.exports
      ? { ...options.exports, setting: 'MP_EXPORTS' }
      : { bucket: config.bucket, prefix: '' }),
  });
  const store = s3.createS3Store({ ...connection, bucket: config.bucket, prefix: config.prefix });
  try {
    const check = await s3.checkConditionalWrites(store);
    exportsStore.setConditionalDelete(check.conditionalDelete);
    return {
      store,
      sink: s3.createS3Sink(exportsStore),
      storeLocation: store.location,
      exportsLocation: exportsStore.location,
      conditionalWrites: { honoured: check.honoured, problems: check.problems },
      close: () => {
        store.destroy();
        exportsStore.destroy();
      },
    };
  } catch (err) {
    store.destroy();
    exportsStore.destroy();
    throw err;
  }
}
