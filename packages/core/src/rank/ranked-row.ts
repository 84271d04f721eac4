import type { ColorRecord } from '../parse/record.js';

/** Hierarchy columns added by ranking (SPEC §1.3). */
export interface HierarchyColumns {
  IS_PARENT: boolean;
  /** Group size − 1 on the parent; 0 on children. */
  CHILDREN_COUNT: number;
  /** On children: the parent's MESSAGE_ID (display only — not unique). */
  PARENT_MESSAGE_ID: string | null;
  /** `<runId>-<n>`, or `preview-<n>` without a run. */
  ROW_ID: string;
  /** On children: the ROW_ID of their parent. */
  PARENT_ROW_ID: string | null;
}

/** A record as ranking returns it: a copy with the {@link HierarchyColumns} added. */
export type RankedRow<R extends ColorRecord = ColorRecord> = R & HierarchyColumns;
