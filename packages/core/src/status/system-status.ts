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
import { type DamageDetails, damageOf } from '../store/damaged-object.js';
import { PIPELINE_LEASE } from '../store/layout.js';
import { createLeases, type LeaseHolder } from '../store/lease.js';
import { readStoreFormat } from '../store-format/store-format.js';
import { listUploads } from '../uploads/upload-buffer.js';
import { type CurrentViewManifest, checkCurrentView } from '../views/current-view.js';

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
  /** The newest runs; one whose records cannot be read is listed as `unreadable`, with the key. */
  lastRuns: RunListing[];
  pendingUploads: number;
  /** Uploads that cannot be read (any of them may be pending), with the key that failed. */
  unreadableUploads: { id: string; key: string; reason: string }[];
  /**
   * The store's format (`STORE_FORMAT_VERSION` now; 1: written by an earlier version, to be
   * converted by `store migrate` before runs; null: a new store with no data; `unreadable`: its
   * version document is damaged).
   */
  storeFormat: number | null | 'unreadable';
  /** The current view's manifest (null: no view yet, or a damaged manifest). */
  currentView: CurrentViewManifest | null;
  /**
   * Set when the stored view cannot be read (its index is checked against the manifest's
   * checksum, and the runs it references against their records). Readers rebuild it from the committed runs
   * meanwhile; the next run or `export` writes it anew.
   */
  currentViewDamage?: DamageDetails;
  exports: ExportsLag;
  pipeline: { heldBy: LeaseHolder } | 'free';
  schedule: {
    /** Null when no job is active — or when `unreadable` is set. */
    nextRun: NextRun | null;
    deadMan: DeadManStatus | ({ state: 'unreadable' } & DamageDetails);
    /** Each scheduler's last heartbeat: running, stopped cleanly, or silent (not running). */
    schedulers: HeartbeatView[];
    /** A schedule document (a job, the settings) cannot be read: the next run is unknown. */
    unreadable?: DamageDetails;
  };
}

/** `read()`, or the details of the damaged object that stopped it (other failures go through). */
async function orDamage<T>(read: () => Promise<T>): Promise<{ value: T } | DamageDetails> {
  try {
    return { value: await read() };
  } catch (err) {
    const damage = damageOf(err);
    if (!damage) throw err;
    return damage;
  }
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
  const uploads = await listUploads(store);
  const view = await checkCurrentView(store);
  const format = await orDamage(() => readStoreFormat(store));
  const lag = await exportsLag(store, deps.sink, deps.sectorFormats);
  // Files written from a view that can no longer be read are not called up to date: a refresh
  // rewrites the view from the committed runs, then the files.
  const exports: ExportsLag =
    view.state === 'damaged' ? { ...lag, lagging: true, reason: 'view-damaged' } : lag;
  const lease = await createLeases({ store, clock, ttlMs: deps.leaseTtlMs }).inspect(
    PIPELINE_LEASE,
  );
  const next = await orDamage(() => nextRun(store, clock));
  const deadMan = await orDamage(async () =>
    checkDeadMan(store, clock, await readScheduleSettings(store), deps.checkedBy),
  );
  const unreadableSchedule = 'value' in next ? ('value' in deadMan ? undefined : deadMan) : next;
  return {
    lastRuns,
    pendingUploads: uploads.filter((u) => u.status.state === 'pending').length,
    unreadableUploads: uploads.flatMap((u) =>
      u.status.state === 'unreadable'
        ? [{ id: u.id, key: u.status.key, reason: u.status.reason }]
        : [],
    ),
    storeFormat: 'value' in format ? format.value : 'unreadable',
    currentView: view.state === 'ok' ? view.manifest : null,
    ...(view.state === 'damaged'
      ? { currentViewDamage: { key: view.key, reason: view.reason } }
      : {}),
    exports,
    pipeline: lease?.holder ? { heldBy: lease.holder } : 'free',
    schedule: {
      nextRun: 'value' in next ? next.value : null,
      deadMan: 'value' in deadMan ? deadMan.value : { state: 'unreadable', ...deadMan },
      schedulers: await listHeartbeats(store, clock.now().getTime()),
      ...(unreadableSchedule ? { unreadable: unreadableSchedule } : {}),
    },
  };
}
