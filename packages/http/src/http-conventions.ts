import { z } from '@hono/zod-openapi';
import { isMarketPulseError } from '@market-pulse/core';
import type { Context } from 'hono';
import { HttpProblem } from './problems.js';

/** `skip`/`limit` of every list (SPEC §13). */
export const PageQuery = z.object({
  skip: z.coerce.number().int().min(0).max(1_000_000_000).default(0).openapi({ example: 0 }),
  limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({ example: 100 }),
});

/** A page of a list, with the list's `total`. */
export function pageOf<T>(all: readonly T[], page: { skip: number; limit: number }) {
  return {
    total: all.length,
    skip: page.skip,
    limit: page.limit,
    items: all.slice(page.skip, page.skip + page.limit),
  };
}

/** The documented shape of a page of `item`. */
export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      total: z.number().int(),
      skip: z.number().int(),
      limit: z.number().int(),
      items: z.array(item),
    })
    .openapi(name);
}

/** The `If-Match` header of operations on versioned documents. */
export const IfMatchHeaders = z.object({
  'if-match': z.string().optional().openapi({
    description: 'The version you read (its ETag, e.g. "v3"); a stale one is refused with 412',
    example: '"v3"',
  }),
});

/** The ETag of a document at `version`. */
export const versionTag = (version: number) => `"v${version}"`;

/**
 * The version an `If-Match` header names (`"v3"`, `W/"v3"`, `"3"`); undefined without one (or
 * with `*`); 400 when it names no version.
 */
export function expectedVersionOf(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const match = /^(?:W\/)?"?v?(\d{1,9})"?$/.exec(ifMatch.trim());
  if (!match)
    throw new HttpProblem(
      400,
      'VALIDATION_ERROR',
      `If-Match must be the ETag of the version you read, e.g. "v3" (got ${ifMatch})`,
      { issues: [{ field: 'header.if-match', message: 'expected an ETag like "v3"' }] },
    );
  return Number(match[1]);
}

/**
 * Runs a versioned change. Core refuses a stale expected version as CONFLICT (the CLI's exit 5);
 * over HTTP a stale `If-Match` is a failed precondition, 412.
 */
export async function withIfMatch<T>(
  ifMatch: string | undefined,
  change: (expectedVersion: number | undefined) => Promise<T>,
): Promise<T> {
  const expected = expectedVersionOf(ifMatch);
  try {
    return await change(expected);
  } catch (err) {
    const details = isMarketPulseError<{ expectedVersion?: unknown; reason?: unknown }>(
      err,
      'CONFLICT',
    )
      ? err.details
      : undefined;
    if (
      expected !== undefined &&
      details &&
      ('expectedVersion' in details || details.reason === 'stale-version')
    )
      throw new HttpProblem(412, 'PRECONDITION_FAILED', (err as Error).message, details);
    throw err;
  }
}

/** Sets a versioned document's ETag (the etag middleware answers `If-None-Match` with 304). */
export function tagVersion(c: Context, version: number): void {
  c.header('ETag', versionTag(version));
}

/** The `Idempotency-Key` header of uploads and "run now". */
export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional()
    .openapi({
      description:
        'Repeat the request with the same key to get the first answer again, never a second effect',
    }),
});
