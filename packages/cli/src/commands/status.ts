import type { DeadManStatus, ExportsLag } from '@market-pulse/core';
import type { Command } from 'commander';
import { openDataFolder } from '../data-folder.js';
import { type CliIO, output } from '../io.js';

export function registerStatus(program: Command, io: CliIO, exit: (code: number) => void): void {
  program
    .command('status')
    .description(
      'the effective configuration, the data folder, the last runs, pending uploads and who holds the pipeline',
    )
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(async (o: { dataDir?: string; json?: boolean }) => {
      const f = await openDataFolder(io, { dataDir: o.dataDir, create: false });
      const { config } = f;
      const state = await f.status(`status:${process.pid}`);
      const status = { dataDir: f.dir, config, ...state };
      const { lastRuns: runs, currentView: manifest, exports, schedule, pipeline } = state;
      const holder = pipeline === 'free' ? null : pipeline.heldBy;
      output(io, o.json, status, () =>
        [
          `data folder: ${f.dir}`,
          `source: ${config.source ?? '(none: pass --source or set MP_SOURCE)'}; rank date: ${config.rankDateField}; business time zone: ${config.businessTimeZone}`,
          `pipeline: ${holder ? `held by ${holder.purpose ?? holder.id} (pid ${holder.pid ?? '?'} on ${holder.host ?? '?'})` : 'free'}`,
          `current view: ${state.currentViewDamage ? `DAMAGED (${state.currentViewDamage.key}: ${state.currentViewDamage.reason}); reads rebuild it from the committed runs until the next run or \`market-pulse export\` writes it anew` : manifest ? `${manifest.rows} rows, version ${manifest.version}, through run ${manifest.throughRunId}` : 'empty'}`,
          `exports: ${describeExports(exports)}`,
          `pending uploads: ${state.pendingUploads}`,
          ...state.unreadableUploads.map(
            (u) => `unreadable upload: ${u.id} (${u.key}: ${u.reason})`,
          ),
          `next run: ${schedule.unreadable ? `unknown (${schedule.unreadable.key}: ${schedule.unreadable.reason})` : schedule.nextRun ? `job ${schedule.nextRun.jobId} (${schedule.nextRun.jobName}) at ${schedule.nextRun.at}, in ${schedule.nextRun.secondsToGo} s` : 'none (no active job)'}`,
          `schedulers: ${schedule.schedulers.map((b) => `${b.instanceId} (pid ${b.pid ?? '?'} on ${b.host ?? '?'}) last heartbeat ${b.ageSeconds} s ago`).join('; ') || 'none has run here'}`,
          `dead-man check: ${describeDeadMan(schedule.deadMan)}`,
          `last runs: ${runs.map((r) => (r.state === 'committed' ? `${r.id} ${r.record.status}` : r.state === 'unreadable' ? `${r.id} unreadable (${r.key})` : `${r.id} ${r.state}`)).join(', ') || 'none'}`,
        ].join('\n'),
      );
      exit(0);
    });
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
