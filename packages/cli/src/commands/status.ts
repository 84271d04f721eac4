import type { DeadManStatus, ExportsLag, HeartbeatView, NextRun } from '@market-pulse/core';
import { systemClock } from '@market-pulse/node';
import type { Command } from 'commander';
import { withCommon } from '../common-options.js';
import { openDataFolder } from '../data-folder.js';
import { type CliIO, output } from '../io.js';
import { fromNow, zonedTime } from '../times.js';

export function registerStatus(program: Command, io: CliIO, exit: (code: number) => void): void {
  withCommon(
    program
      .command('status')
      .description(
        'the effective configuration, the data folder, the last runs, pending uploads, who holds the pipeline, the next run and the schedulers',
      ),
  ).action(async (o: { dataDir?: string; json?: boolean }) => {
    const f = await openDataFolder(io, {
      dataDir: o.dataDir,
      create: false,
      allowUnsafeStore: true,
    });
    const { config } = f;
    const state = await f.status(`status:${process.pid}`);
    const store = {
      location: f.storage.storeLocation,
      exports: f.storage.exportsLocation,
      conditionalWrites: f.storage.conditionalWrites,
    };
    const status = { dataDir: f.dir, store, config, ...state };
    const { lastRuns: runs, currentView: manifest, exports, schedule, pipeline } = state;
    const holder = pipeline === 'free' ? null : pipeline.heldBy;
    output(io, o.json, status, () =>
      [
        config.store.kind === 's3'
          ? `store: ${store.location} (exports in ${store.exports}); conditional writes: ${store.conditionalWrites.honoured ? 'honoured' : `IGNORED by the server (${store.conditionalWrites.problems.join('; ')}): runs and the scheduler refuse to use it`}`
          : `data folder: ${f.dir}`,
        `source: ${config.source ?? '(none: pass --source or set MP_SOURCE)'}; rank date: ${config.rankDateField}; business time zone: ${config.businessTimeZone}`,
        `store format: ${state.storeFormat === 1 ? '1 (written by an earlier version: run `market-pulse store migrate` before the next run)' : (state.storeFormat ?? 'new')}`,
        `pipeline: ${holder ? `held by ${holder.purpose ?? holder.id} (pid ${holder.pid ?? '?'} on ${holder.host ?? '?'})` : 'free'}`,
        `current view: ${state.currentViewDamage ? `DAMAGED (${state.currentViewDamage.key}: ${state.currentViewDamage.reason}); reads rebuild it from the committed runs until the next run or \`market-pulse export\` writes it anew` : manifest ? `${manifest.rows} rows, version ${manifest.version}, through run ${manifest.throughRunId}` : 'empty'}`,
        `exports: ${describeExports(exports)}`,
        `pending uploads: ${state.pendingUploads}`,
        ...state.unreadableUploads.map((u) => `unreadable upload: ${u.id} (${u.key}: ${u.reason})`),
        `next run: ${schedule.unreadable ? `unknown (${schedule.unreadable.key}: ${schedule.unreadable.reason})` : describeNextRun(schedule.nextRun)}`,
        `schedulers: ${describeSchedulers(schedule.schedulers, config.businessTimeZone)}`,
        `dead-man check: ${describeDeadMan(schedule.deadMan)}`,
        `last runs: ${runs.map((r) => (r.state === 'committed' ? `${r.id} ${r.record.status}` : r.state === 'unreadable' ? `${r.id} unreadable (${r.key})` : `${r.id} ${r.state}`)).join(', ') || 'none'}`,
      ].join('\n'),
    );
    exit(0);
  });
}

function describeNextRun(next: NextRun | null): string {
  if (!next) return 'none (no active job)';
  const at = Date.parse(next.at);
  return `job ${next.jobId} (${next.jobName}) at ${zonedTime(at, next.timezone)} (${next.timezone}), ${fromNow(at, systemClock.now().getTime())}`;
}

/** Each scheduler as its heartbeat tells: running, stopped cleanly, or silent (died or hangs). */
function describeSchedulers(beats: readonly HeartbeatView[], zone: string): string {
  if (beats.length === 0) return 'none has run here';
  const now = systemClock.now().getTime();
  const seen = (iso: string) =>
    `${zonedTime(Date.parse(iso), zone)}, ${fromNow(Date.parse(iso), now)}`;
  return beats
    .map((b) => {
      const who = `${b.instanceId} (pid ${b.pid ?? '?'} on ${b.host ?? '?'})`;
      if (b.state === 'stopped') return `${who} stopped (cleanly, ${seen(b.stoppedAt ?? b.at)})`;
      if (b.state === 'not-running') return `${who} not running (last seen ${seen(b.at)})`;
      return `${who} running (last heartbeat ${b.ageSeconds} s ago)`;
    })
    .join('\n            ');
}

function describeDeadMan(
  status: DeadManStatus | { state: 'unreadable'; key: string; reason: string },
): string {
  switch (status.state) {
    case 'unreadable':
      return `unknown (${status.key}: ${status.reason})`;
    case 'off':
      return 'off';
    case 'waiting':
      return status.deadline
        ? `waiting for the deadline ${status.deadline}`
        : `not a business day (${status.date})`;
    case 'ok':
      return `ok: run ${status.runId} succeeded at ${status.finishedAt}`;
    case 'alert':
      return `ALERT: no successful run by ${status.deadline} (raised ${status.alert.raisedAt} by ${status.alert.raisedBy})`;
  }
}

function describeExports(lag: ExportsLag): string {
  if (!lag.lagging)
    return lag.viewVersion === null ? 'none yet' : `up to date (view version ${lag.viewVersion})`;
  const why = {
    'no-record': 'no complete refresh is recorded',
    'view-moved': `they show view version ${lag.exportsVersion}, the view is at ${lag.viewVersion}`,
    'formats-changed': 'the per-sector formats (MP_SECTOR_EXPORT_FORMATS) changed',
    'files-failed': `the last refresh could not write ${lag.failedFiles?.join(', ') ?? 'some files'}`,
    'view-damaged': 'the current view cannot be read',
  }[lag.reason ?? 'no-record'];
  return `lag the data (${why}): \`market-pulse export\` rebuilds them, as does \`serve\` when it starts`;
}
