import type { ColorRecord, RowError } from '../parse/record.js';

/** One input of a run: the configured source, a pending upload or a session, already parsed. */
export interface RunInput {
  /** `source`, `upload:<id>` or `session:<id>` — the rows' ORIGIN. */
  origin: string;
  processingType: 'AUTOMATED' | 'MANUAL';
  records: readonly ColorRecord[];
  /** Rows the parser refused, with their errors (kept with the run). */
  rowErrors?: readonly RowError[];
  /** Hash of the input's bytes, for the unchanged-source guard. */
  contentHash?: string;
}
