import { readdir, readFile, rmdir, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { ExportSink } from '@market-pulse/core';
import { TEMP_FILE, writeFileAtomically } from '../atomic-file.js';
import { isProcessAlive } from '../process-probe.js';

/**
 * A folder as core's `ExportSink` (the embedded default's `<data>/exports/`): files are written
 * to a temp file and renamed into place; listing skips files being written and sweeps the temp
 * files of writers that died; removing a file removes the folders it empties.
 *
 * @example
 * ```ts
 * const sink = createFolderSink('./market-pulse-data/exports');
 * await refreshExports({ store, sink, codec: spreadsheetCodec, clock: systemClock, ids: randomIds,
 *   timers: systemTimers });
 * for await (const name of sink.list()) console.log(name); // Processed_Colors_Output.xlsx, …
 * ```
 */
export function createFolderSink(dir: string): ExportSink {
  const pathOf = (name: string) => join(dir, ...name.split('/'));
  return {
    write: (name, bytes) => writeFileAtomically(pathOf(name), bytes),
    async read(name) {
      try {
        return await readFile(pathOf(name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async *list() {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return [];
          throw err;
        },
      );
      for (const entry of entries) {
        if (!entry.isFile()) continue;
        const path = join(entry.parentPath, entry.name);
        const temp = TEMP_FILE.exec(entry.name);
        if (temp) {
          // A writer killed mid-export leaves its temp file: remove those of dead processes.
          if (!isProcessAlive(Number(temp[1]))) await unlink(path).catch(() => undefined);
          continue;
        }
        yield relative(dir, path).split(sep).join('/');
      }
    },
    async remove(name) {
      await unlink(pathOf(name)).catch(() => undefined);
      // Remove the folders it emptied (a sector no longer exported), never the sink's own.
      for (let folder = dirname(pathOf(name)); relative(dir, folder) !== ''; ) {
        const removed = await rmdir(folder).then(
          () => true,
          () => false,
        );
        if (!removed) break;
        folder = dirname(folder);
      }
    },
  };
}
