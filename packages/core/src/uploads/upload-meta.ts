// What the upload buffer stores per upload, and the content-hash claim that makes an upload exist.
import { z } from 'zod';
import { objectDigestSchema } from '../store/checksum.js';

export const uploadMetaSchema = z.object({
  id: z.string(),
  fileName: z.string(),
  contentHash: z.string(),
  uploadedAt: z.string(),
  /** The last RUN_ID when the upload arrived: only later runs can have consumed it. */
  afterRunId: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  acceptedValidRows: z.boolean(),
  errors: z.array(
    z.object({ row: z.number(), column: z.string(), value: z.unknown(), reason: z.string() }),
  ),
  notices: z.array(
    z.object({ kind: z.string(), columns: z.array(z.string()), message: z.string() }),
  ),
  actor: z.string().optional(),
  /**
   * Line count and SHA-256 of `records.jsonl`, checked whenever the records are read. Uploads
   * stored before it was recorded have none (their records are checked against `rows`), and
   * exist without a claim (see `contentClaimSchema`).
   */
  recordsDigest: objectDigestSchema.optional(),
});
/**
 * What is stored about one upload (`uploads/<id>/upload.json`): the file's name and hash, when it
 * arrived, its valid rows and its parser report.
 *
 * @useDeclaredType
 */
export type UploadMeta = z.infer<typeof uploadMetaSchema>;

/**
 * `uploads/by-hash/<hash>.json`: every upload of one content, in the order they were added. An
 * upload exists exactly when its content's claim names it — the claim is written last, by
 * compare-and-swap, after deciding that no upload it names is still live — so two uploads of one
 * file racing each other cannot both land. (Before claims listed uploads, a claim named one.)
 */
export const contentClaimSchema = z.union([
  z.object({ uploads: z.array(z.string()) }),
  z.object({ uploadId: z.string() }),
]);
export type ContentClaim = z.infer<typeof contentClaimSchema>;

/** The uploads a claim names, oldest first. */
export const claimedUploads = (claim: ContentClaim | null | undefined): string[] =>
  !claim ? [] : 'uploads' in claim ? claim.uploads : [claim.uploadId];

/** An upload cancelled before a run consumed it. */
export const cancelledSchema = z.object({ at: z.string(), actor: z.string().optional() });
