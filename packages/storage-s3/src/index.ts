/**
 * Market Pulse on S3 (`@market-pulse/storage-s3`): core's `ObjectStore` on an S3 bucket — AWS, or
 * any S3 server that honours conditional writes (Ceph RGW does; check with
 * {@link checkConditionalWrites}) — and an `ExportSink` that writes exports into the bucket.
 *
 * @module @market-pulse/storage-s3
 */

export { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
export { openS3Object, parseS3Url, type S3Object, type S3ObjectOptions } from './s3-object.js';
export { createS3Sink } from './s3-sink.js';
export { createS3Store, type S3Store, type S3StoreOptions } from './s3-store.js';
export { type ConditionalWriteCheck, checkConditionalWrites } from './self-test.js';
