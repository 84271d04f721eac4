// What an S3 failure means for the caller: the outcome core sees (precondition failed, not found,
// unavailable…) and whether the request may be tried again.

/** A failed S3 call, classified. */
export interface S3Failure {
  kind:
    | 'precondition' // 412: a condition did not hold
    | 'not-found' // 404 NoSuchKey
    | 'no-bucket' // 404 NoSuchBucket: configuration, not data
    | 'conflict' // 409: a concurrent conditional write; nothing was applied
    | 'refused' // 503, throttling, connection refused: nothing was applied
    | 'unknown-outcome' // 5xx, reset, timeout after sending: it may have been applied
    | 'denied' // 401/403: credentials or policy
    | 'aborted' // the caller's signal
    | 'other'; // any other 4xx: a bug or an unsupported request
  status: number | undefined;
  /** The server's error code, or the socket error code. */
  code: string;
}

const REFUSED_SOCKET = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);
const THROTTLED = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  // The body arrived damaged or too slowly: the server refused it, nothing was applied.
  'BadDigest',
  'RequestTimeout',
]);

/** Classifies an error thrown by the S3 client (or by our own timeout). */
export function classifyS3Error(err: unknown, aborted: boolean): S3Failure {
  const e = err as {
    name?: string;
    code?: string;
    Code?: string;
    $metadata?: { httpStatusCode?: number };
    cause?: { code?: string };
  };
  const status = e?.$metadata?.httpStatusCode;
  const code = e?.Code ?? e?.name ?? e?.code ?? 'Error';
  const socket = e?.code ?? e?.cause?.code;
  if (aborted) return { kind: 'aborted', status, code };
  if (status === 412 || code === 'PreconditionFailed')
    return { kind: 'precondition', status, code };
  if (code === 'NoSuchBucket') return { kind: 'no-bucket', status, code };
  if (status === 404 || code === 'NoSuchKey' || code === 'NotFound')
    return { kind: 'not-found', status, code };
  if (status === 409) return { kind: 'conflict', status, code };
  if (status === 503 || THROTTLED.has(code) || status === 429)
    return { kind: 'refused', status, code };
  if (socket && REFUSED_SOCKET.has(socket)) return { kind: 'refused', status, code: socket };
  if (status === 401 || status === 403) return { kind: 'denied', status, code };
  if (status !== undefined && status >= 400 && status < 500) return { kind: 'other', status, code };
  // 5xx, a reset or a timeout while waiting: the server may have applied the request.
  return { kind: 'unknown-outcome', status, code: socket ?? code };
}
