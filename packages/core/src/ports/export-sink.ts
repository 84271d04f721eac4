/**
 * Where export files go: a folder on disk, or the object store (S3). Names are `/`-separated
 * relative paths (`processed_colors/MM-CLO/Processed_Colors_MM-CLO.csv`).
 */
export interface ExportSink {
  /** Writes a whole file: a reader sees the old file or the new one, never half of one. */
  write(name: string, bytes: AsyncIterable<Uint8Array>): Promise<void>;
  /** A file's bytes, or `null` when it does not exist. */
  read(name: string): Promise<Uint8Array | null>;
  /** The names of the files in the sink (not files still being written). */
  list(): AsyncIterable<string>;
  /** Removes a file if it exists (and a folder it leaves empty). */
  remove(name: string): Promise<void>;
}
