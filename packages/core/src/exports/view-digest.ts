// What each standing file of a view holds, as a digest (issue 15 item 3): a refresh compares the
// digests with those its record says the files show, and rewrites only the files that differ.
// Runs never change once committed, so a row is known by its run, CUSIP and ROW_ID: a digest of
// those, in file order, plus the layout, names a file's content without hashing its cells.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { SheetLayout } from '../ports/spreadsheet-codec.js';

/** Identities buffered before they are hashed (hashing many short strings one by one is slow). */
const FLUSH_CHARS = 64 * 1024;
const encoder = new TextEncoder();

/** An incremental digest of the rows of one file, in order. */
export class RowsDigest {
  private readonly hash = sha256.create();
  private pending = '';
  /** Rows added. */
  rows = 0;

  /** Adds the next row of the file (its RUN_ID, CUSIP and ROW_ID). */
  add(row: Readonly<Record<string, unknown>>): void {
    this.pending += `${row.RUN_ID}\t${row.CUSIP}\t${row.ROW_ID ?? ''}\n`;
    this.rows++;
    if (this.pending.length >= FLUSH_CHARS) this.flush();
  }

  /** The digest of the rows added, under `layout` (columns and date columns are part of the bytes). */
  finish(layout: SheetLayout): string {
    this.flush();
    const kinds = [...layout.kinds].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.hash.update(encoder.encode(JSON.stringify([layout.columns, kinds])));
    return bytesToHex(this.hash.digest());
  }

  private flush(): void {
    if (this.pending === '') return;
    this.hash.update(encoder.encode(this.pending));
    this.pending = '';
  }
}
