import { join } from 'node:path';
import type { ExportSink, ObjectStore } from '@market-pulse/core';
import type { StoreConfig } from './config.js';
import { createFolderSink } from './exports/folder-sink.js';
import { createFileStore } from './file-store.js';

/** The store and the export sink a host runs on, and what is known about them. */
export interface Storage {
  store: ObjectStore;
  sink: ExportSink;
  /** Where the store is: its folder, or `s3://bucket/prefix`. */
  storeLocation: string;
  /** Where the exports land: a folder, or `s3://bucket/prefix/exports`. */
  exportsLocation: string;
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
  return {
    store: createFileStore({ dir: join(dataDir, 'store') }),
    sink: createFolderSink(exportsDir),
    storeLocation: join(dataDir, 'store'),
    exportsLocation: exportsDir,
    conditionalWrites: { honoured: true, problems: [] },
    close: () => undefined,
  };
}

/**
 * The storage `MP_STORE` names: the data folder's file store, or an S3 bucket — the state under
 * the prefix, the exports under `<prefix>/exports/` (the data folder's layout) — with the
 * conditional-write self-test run once. `@market-pulse/storage-s3` (and the AWS SDK) is loaded
 * only here, only for an S3 store.
 *
 * @example
 * ```ts
 * const storage = await openStorage(loadConfig(process.env).store, './market-pulse-data');
 * if (!storage.conditionalWrites.honoured) throw new Error(storage.conditionalWrites.problems.join('; '));
 * ```
 */
export async function openStorage(
  config: StoreConfig,
  dataDir: string,
  options: { signal?: AbortSignal } = {},
): Promise<Storage> {
  if (config.kind === 'file') return fileStorage(dataDir);
  const s3 = await import('@market-pulse/storage-s3');
  const base = {
    bucket: config.bucket,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const store = s3.createS3Store({ ...base, prefix: config.prefix });
  const exportsPrefix = config.prefix ? `${config.prefix}/exports` : 'exports';
  const exportsStore = s3.createS3Store({ ...base, prefix: exportsPrefix });
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
