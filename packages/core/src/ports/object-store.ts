/** A stored object's identity: S3-style ETag (identical bytes may give identical ETags). */
export interface StoredObject {
  body: Uint8Array;
  etag: string;
}

/** One entry of {@link ObjectStore.list}: the key with the ETag and size of its current object. */
export interface ObjectListing {
  key: string;
  etag: string;
  size: number;
}

/** Write conditions — the only coordination primitive (DESIGN §2). */
export interface PutCondition {
  /** Succeeds only if the key holds this ETag; otherwise PRECONDITION_FAILED (or NOT_FOUND if missing). */
  ifMatch?: string;
  /** `'*'`: succeeds only if the key does not exist; otherwise PRECONDITION_FAILED. */
  ifNoneMatch?: '*';
}

/**
 * The one storage port; everything persists through it. Keys are `[A-Za-z0-9._/-]` paths
 * (case-sensitive, no empty, `.` or `..` segments). Failures are `MarketPulseError`s with codes
 * `PRECONDITION_FAILED`, `NOT_FOUND`, `VALIDATION_ERROR` (bad key) or `UNAVAILABLE`.
 */
export interface ObjectStore {
  /** The object, or `null` when the key does not exist. */
  get(key: string): Promise<StoredObject | null>;
  /**
   * Stores `body` under `key`, replacing any object there, if `condition` holds (see
   * {@link PutCondition}); returns the new object's ETag.
   */
  put(key: string, body: Uint8Array, condition?: PutCondition): Promise<{ etag: string }>;
  /** Deleting a missing key succeeds, unless `ifMatch` is given (then NOT_FOUND or PRECONDITION_FAILED). */
  delete(key: string, condition?: { ifMatch?: string }): Promise<void>;
  /** Keys starting with `prefix`, in ascending key order, strictly after `after`, at most `limit`. */
  list(prefix: string, options?: { after?: string; limit?: number }): AsyncIterable<ObjectListing>;
}

const KEY = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

/** True for a key every store can hold. */
export function isValidKey(key: string): boolean {
  return (
    key.length <= 1024 && KEY.test(key) && !key.split('/').some((s) => s === '.' || s === '..')
  );
}
