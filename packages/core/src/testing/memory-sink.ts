import type { ExportSink } from '../ports/export-sink.js';

/** An in-memory `ExportSink` whose files a test can read back. */
export interface MemorySink extends ExportSink {
  /** The files written, by name (a copy of the current state). */
  files(): Map<string, Uint8Array>;
}

/**
 * An export sink in memory (tests, and hosts that hand files on rather than keep them): a file
 * appears whole once its bytes are read to the end, or not at all.
 *
 * @example
 * ```ts
 * const sink = createMemorySink();
 * await refreshExports({ store, sink, codec, clock, ids, timers });
 * sink.files().get('Processed_Colors_Output.xlsx');
 * ```
 */
export function createMemorySink(): MemorySink {
  const files = new Map<string, Uint8Array>();
  return {
    async write(name, bytes) {
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of bytes) {
        chunks.push(chunk);
        size += chunk.length;
      }
      const whole = new Uint8Array(size);
      let at = 0;
      for (const chunk of chunks) {
        whole.set(chunk, at);
        at += chunk.length;
      }
      files.set(name, whole);
    },
    async read(name) {
      return files.get(name) ?? null;
    },
    async *list() {
      yield* [...files.keys()];
    },
    async remove(name) {
      files.delete(name);
    },
    files: () => new Map(files),
  };
}
