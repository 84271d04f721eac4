import { type ExportsLag, exportsLag } from '../exports/exports-state.js';
import type { SectorFormat } from '../exports/standing-set.js';
import type { Clock } from '../ports/clock.js';
import type { ExportSink } from '../ports/export-sink.js';
import type { ObjectStore } from '../ports/object-store.js';
import { listRuns, type RunListing } from '../run/run-queries.js';
import { checkDeadMan, type DeadManStatus } from '../schedule/dead-man.js';
import { type HeartbeatView, listHeartbeats } from '../schedule/heartbeats.js';
import { type NextRun, nextRun } from '../schedule/projections.js';
import { readScheduleSettings } from '../schedule/settings.js';
import { PIPELINE_LEASE } from '../store/layout.js';
import { createLeases, type LeaseHolder } from '../store/lease.js';
import { listUploads } from '../uploads/upload-buffer.js';
import { type CurrentViewManifest, readManifest } from '../views/current-view.js';

/** What a status check reads (SPEC §12 system status). */
export interface StatusDependencies {
  store: ObjectStore;
  clock: Clock;
  /** The standing exports, to tell whether they lag the data. */
  sink: ExportSink;
  sectorFormats: readonly SectorFormat[];
  /** The pipeline lease TTL, to judge its holder. */
  leaseTtlMs: number;
  /** Who checks: recorded when the check raises the dead-man alert (e.g. `status:<pid>`). */
  checkedBy: string;
}

/** The state of a Market Pulse store, as `status` and `/api/admin/system-status` show it. */
export interface SystemStatus {
  lastRuns: RunListing[];
  pendingUploads: number;
  /** The current view's manifest (its rows are not read: status stays cheap). */
  currentView: CurrentViewManifest | null;
  exports: ExportsLag;
  pipeline: { heldBy: LeaseHolder } | 'free';
  schedule: {
    nextRun: NextRun | null;
    deadMan: DeadManStatus;
    /** Each scheduler's last heartbeat: running, stopped cleanly, or silent (not running). */
    schedulers: HeartbeatView[];
  };
}

/**
 * Reads the store's state: the last runs, pending uploads, the current view, whether exports lag,
 * who holds the pipeline, the next run, the schedulers' heartbeats and the dead-man check — which
 * any process may raise (SPEC §9: a system cron running `status` is enough).
 *
 * @example
 * ```ts
 * const status = await readSystemStatus({ store, clock, sink, sectorFormats: ['csv'],
 *   leaseTtlMs: 60_000, checkedBy: 'status:1234' });
 * ```
 */
export async function readSystemStatus(
  deps: StatusDependencies,
  options: { lastRuns?: number } = {},
): Promise<SystemStatus> {
  const { store, clock } = deps;
  const lastRuns = await listRuns(store, { limit: options.lastRuns ?? 5 });
  const pending = (await listUploads(store)).filter((u) => u.status.state === 'pending');
  const currentView = await readManifest(store);
  const exports = await exportsLag(store, deps.sink, deps.sectorFormats);
  const lease = await createLeases({ store, clock, ttlMs: deps.leaseTtlMs }).inspect(
    PIPELINE_LEASE,
  );
  const settings = await readScheduleSettings(store);
  return {
    lastRuns,
    pendingUploads: pending.length,
    currentView,
    exports,
    pipeline: lease?.holder ? { heldBy: lease.holder } : 'free',
    schedule: {
      nextRun: await nextRun(store, clock),
      deadMan: await checkDeadMan(store, clock, settings, deps.checkedBy),
      schedulers: await listHeartbeats(store, clock.now().getTime()),
    },
  };
}
