/** Every error code Market Pulse raises. Adapters map vendor errors onto these; HTTP and CLI map them to statuses and exit codes. */
export type ErrorCode =
  | 'VALIDATION_ERROR'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAVAILABLE'
  | 'INTERNAL';

/**
 * The one error type of Market Pulse. Recognise it by `code` (see {@link isMarketPulseError}),
 * never by `instanceof`: two copies of the package must still understand each other's errors.
 *
 * @example
 * ```ts
 * try { compileRules(docs) } catch (err) {
 *   if (isMarketPulseError(err, 'VALIDATION_ERROR')) console.error(err.message, err.details);
 * }
 * ```
 */
export class MarketPulseError<D = unknown> extends Error {
  override readonly name = 'MarketPulseError';
  readonly code: ErrorCode;
  readonly details: D | undefined;

  constructor(code: ErrorCode, message: string, options: { details?: D; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/** True when `err` is a Market Pulse error (optionally with the given code), from any copy of the package. */
export function isMarketPulseError<D = unknown>(
  err: unknown,
  code?: ErrorCode,
): err is MarketPulseError<D> {
  if (typeof err !== 'object' || err === null) return false;
  const candidate = err as { name?: unknown; code?: unknown };
  if (candidate.name !== 'MarketPulseError' || typeof candidate.code !== 'string') return false;
  return code === undefined || candidate.code === code;
}
