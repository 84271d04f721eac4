import { z } from 'zod';
import { objectDigestSchema } from '../store/checksum.js';

export const runTriggerSchema = z.enum([
  'scheduled',
  'catch_up',
  'manual',
  'override',
  'session',
  'cli',
]);
/**
 * What started a run (SPEC §5): a scheduled fire (`scheduled`, or `catch_up` when found late), a
 * manual run, "run now" (`override`), a saved manual session, or the CLI.
 *
 * @useDeclaredType
 */
export type RunTrigger = z.infer<typeof runTriggerSchema>;

const inputSummarySchema = z.object({
  origin: z.string(),
  processingType: z.enum(['AUTOMATED', 'MANUAL']),
  rows: z.number().int().nonnegative(),
  invalid: z.number().int().nonnegative(),
  contentHash: z.string().optional(),
});

/** The commit record of a run (SPEC §4 step 10): the run exists exactly when it exists. */
export const runRecordSchema = z.object({
  id: z.number().int().positive(),
  trigger: runTriggerSchema,
  jobId: z.string().optional(),
  /** The nominal UTC time of the scheduled fire that started the run. */
  fire: z.string().optional(),
  /**
   * Who asked for the run: a principal's actor (`user:<email>`, `cli:<os user>`, …) or
   * `scheduler` (absent in runs committed before it was recorded).
   */
  requestedBy: z.string().optional(),
  status: z.enum(['success', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number().nonnegative(),
  businessDate: z.string(),
  inputs: z.array(inputSummarySchema),
  counts: z.object({
    input: z.number().int().nonnegative(),
    inputByOrigin: z.record(z.string(), z.number().int().nonnegative()),
    invalid: z.number().int().nonnegative(),
    excluded: z.number().int().nonnegative(),
    excludedByRule: z.record(z.string(), z.number().int().nonnegative()),
    output: z.number().int().nonnegative(),
    parents: z.number().int().nonnegative(),
    children: z.number().int().nonnegative(),
  }),
  /** The names of the run's rules by id, as they were when it ran (absent in older runs). */
  ruleNames: z.record(z.string(), z.string()).optional(),
  /** Row partitions written (`rows/00000.jsonl.zlib`, …). */
  rowParts: z.number().int().nonnegative(),
  /** How the row partitions are stored; absent: plain JSON lines (runs before issue 15). */
  rowFormat: z.enum(['jsonl', 'jsonl.zlib']).optional(),
  /**
   * The line count and SHA-256 of every object the run wrote, checked by every reader. Absent in
   * failed runs (they wrote nothing) and in runs committed before checksums were recorded: their
   * rows are checked against `counts.output` only.
   */
  objects: z
    .object({
      rowParts: z.array(objectDigestSchema),
      excluded: objectDigestSchema,
      rowErrors: objectDigestSchema,
    })
    .optional(),
  uploadsConsumed: z.array(z.string()),
  warnings: z.array(z.string()),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
/**
 * A run's commit record, as {@link runRecordSchema} validates it.
 *
 * @useDeclaredType
 */
export type RunRecord = z.infer<typeof runRecordSchema>;

/** Written when a run starts, so a running run is visible with its progress. */
export const runningRecordSchema = z.object({
  id: z.number().int().positive(),
  trigger: runTriggerSchema,
  jobId: z.string().optional(),
  fire: z.string().optional(),
  requestedBy: z.string().optional(),
  businessDate: z.string().optional(),
  startedAt: z.string(),
  holder: z.string(),
});
