import { type ErrorCode, isMarketPulseError } from '@market-pulse/core';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

/**
 * The one mapping of error codes to HTTP statuses (SPEC §13). A core VALIDATION_ERROR is a
 * request that is well formed but semantically invalid (422); a request that does not match its
 * schema is refused before core is called, as 400 (see `requestProblem`).
 */
export const STATUS_OF_CODE: Readonly<Record<ErrorCode, ContentfulStatusCode>> = {
  VALIDATION_ERROR: 422,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** The body of every error response: `{"error":{"code","message","details"}}`. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** An error the HTTP layer raises itself, with its status and the body's fields. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** A request that does not match its schema: 400, naming each field and what is wrong with it. */
export function requestProblem(target: string, issues: readonly z.core.$ZodIssue[]): HttpProblem {
  const fields = issues.map((issue) => ({
    field: [target, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  return new HttpProblem(
    400,
    'VALIDATION_ERROR',
    `invalid request: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
    { issues: fields },
  );
}

/**
 * The status and body of any thrown value. Market Pulse errors keep their code, message and
 * details; anything else is a 500 that says nothing of the internals (the log has the error).
 */
export function problemOf(err: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  if (err instanceof HttpProblem)
    return {
      status: err.status,
      body: { error: { code: err.code, message: err.message, details: err.details } },
    };
  if (isMarketPulseError(err))
    return {
      status: STATUS_OF_CODE[err.code] ?? 500,
      body: { error: { code: err.code, message: err.message, details: err.details } },
    };
  return {
    status: 500,
    body: {
      error: { code: 'INTERNAL', message: 'internal error; the request id names it in the log' },
    },
  };
}
