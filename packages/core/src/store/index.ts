/**
 * The store kit, for adapter authors and the services' own protocols: documents with
 * compare-and-swap, counters, leases, the store's key layout and the low run protocol. Desk code
 * uses the services at the package root instead.
 *
 * @module @market-pulse/core/store
 */

export {
  acquirePipelineLease,
  recoverAbandoned,
  type SettleAbandonedFire,
} from '../run/abandoned-run.js';
export { lastRunId } from '../run/run-ids.js';
export {
  commitRun,
  declareFailed,
  noCounts,
  type RunPartLines,
  readRunLines,
  readTextLines,
  runLineParts,
  runPartKeys,
  visibilitySchema,
} from '../run/run-protocol.js';
export { runIdOfPurpose, runPurpose } from '../run/run-steps.js';
export {
  type RefreshViewOptions,
  type RowLines,
  rebuildCurrentView,
  refreshCurrentView,
  type ViewRefresh,
} from '../views/current-view.js';
export {
  digestOf,
  type ObjectDigest,
  objectDigestSchema,
  sha256Hex,
  sha256HexPure,
} from './checksum.js';
export { allocateNumber, readNumber } from './counter.js';
export {
  type DamageDetails,
  damagedKey,
  damagedObject,
  damageOf,
  parseStored,
  readChecked,
  readCheckedLines,
  textOf,
} from './damaged-object.js';
export {
  createDocument,
  encodeDocument,
  readDocument,
  type StoredDocument,
  type UpdateOutcome,
  updateDocument,
} from './json-document.js';
export * from './layout.js';
export {
  createLeases,
  type HeldLease,
  holderProcess,
  type LeaseAttempt,
  type LeaseHolder,
  type LeaseOptions,
  type LeaseRecord,
  type Leases,
} from './lease.js';
export {
  decodeRowPartition,
  encodeRowPartition,
  readRowPartition,
} from './row-partition.js';
