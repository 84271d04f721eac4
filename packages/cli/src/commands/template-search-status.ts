import { resolve } from 'node:path';
import {
  checkDeadMan,
  createLeases,
  type DeadManStatus,
  defaultColumnConfig,
  listHeartbeats,
  listRuns,
  listUploads,
  MarketPulseError,
  nextRun,
  PIPELINE_LEASE,
  readCurrentView,
  readManifest,
  readScheduleSettings,
  type StoredRow,
} from '@market-pulse/core';
import {
  type ExportsLag,
  systemClock,
  writeTemplateCsv,
  writeTemplateXlsx,
} from '@market-pulse/node';
import type { Command } from 'commander';
import { openDataFolder, pipelineOf } from '../data-folder.js';
import { type CliIO, output } from '../io.js';

export function registerTemplateSearchStatus(
  program: Command,
  io: CliIO,
  exit: (code: number) => void,
): void {
  program
    .command('template')
    .description(
      'write the upload template (.xlsx with instructions and a BIAS pick-list, or .csv); needs no data folder',
    )
    .requiredOption('--out <file>', 'template.xlsx or template.csv')
    .action(async (o: { out: string }) => {
      const out = resolve(io.cwd, o.out);
      if (out.endsWith('.xlsx')) await writeTemplateXlsx(out, defaultColumnConfig);
      else if (out.endsWith('.csv')) await writeTemplateCsv(out, defaultColumnConfig);
      else
        throw new MarketPulseError(
          'VALIDATION_ERROR',
          `--out must end in .xlsx or .csv (got ${o.out})`,
        );
      io.stdout(`wrote ${o.out}\n`);
      exit(0);
    });

  program
    .command('search <identifier>')
    .description(
      'find a CUSIP, MESSAGE_ID or TICKER text in the current view, with the whole group of each matched CUSIP',
    )
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(async (identifier: string, o: { dataDir?: string; json?: boolean }) => {
      const needle = identifier.trim();
      if (needle === '')
        throw new MarketPulseError(
          'VALIDATION_ERROR',
          'give a CUSIP, MESSAGE_ID or ticker text to search for',
        );
      const { rows } = await readCurrentView(
        (await openDataFolder(io, { dataDir: o.dataDir, create: false })).store,
      );
      const upper = needle.toUpperCase();
      const matched = new Set(
        rows
          .filter(
            (r) =>
              r.CUSIP === upper ||
              r.MESSAGE_ID === needle ||
              String(r.TICKER ?? '')
                .toUpperCase()
                .includes(upper),
          )
          .map((r) => r.CUSIP),
      );
      const found: StoredRow[] = rows.filter((r) => matched.has(r.CUSIP));
      output(io, o.json, { identifier: needle, cusips: [...matched], rows: found }, () =>
        found.length
          ? found
              .map(
                (r) =>
                  `${r.IS_PARENT ? '*' : ' '} ${r.CUSIP}  ${r.TICKER ?? ''}  ${r.SOURCE}  ${r.BIAS}  PX ${r.PX ?? ''}  ${r.DATE_1 ?? r.DATE}  msg ${r.MESSAGE_ID}  run ${r.RUN_ID}`,
              )
              .join('\n')
          : `nothing in the current view matches ${needle}`,
      );
      exit(0);
    });

  program
    .command('status')
    .description(
      'the effective configuration, the data folder, the last runs, pending uploads and who holds the pipeline',
    )
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(async (o: { dataDir?: string; json?: boolean }) => {
      const f = await openDataFolder(io, { dataDir: o.dataDir, create: false });
      const config = f.config;
      const runs = await listRuns(f.store, { limit: 5 });
      const pending = (await listUploads(f.store)).filter((u) => u.status.state === 'pending');
      const manifest = await readManifest(f.store); // not the rows: status stays cheap
      const exports = await pipelineOf(io, f).exportsLag();
      const lease = await createLeases({
        store: f.store,
        clock: systemClock,
        ttlMs: config.lease.ttlSeconds * 1000,
      }).inspect(PIPELINE_LEASE);
      const holder = lease?.holder ?? null;
      const settings = await readScheduleSettings(f.store);
      const schedule = {
        nextRun: await nextRun(f.store, systemClock),
        // Any process may raise the dead-man alert: a system cron running `status` is enough.
        deadMan: await checkDeadMan(f.store, systemClock, settings, `status:${process.pid}`),
        schedulers: await listHeartbeats(f.store, systemClock.now().getTime()),
      };
      const status = {
        dataDir: f.dir,
        config,
        lastRuns: runs,
        pendingUploads: pending.length,
        currentView: manifest,
        exports,
        pipeline: holder ? { heldBy: holder } : 'free',
        schedule,
      };
      output(io, o.json, status, () =>
        [
          `data folder: ${f.dir}`,
          `source: ${config.source ?? '(none: pass --source or set MP_SOURCE)'}; rank date: ${config.rankDateField}; business time zone: ${config.businessTimeZone}`,
          `pipeline: ${holder ? `held by ${holder.purpose ?? holder.id} (pid ${holder.pid ?? '?'} on ${holder.host ?? '?'})` : 'free'}`,
          `current view: ${manifest ? `${manifest.rows} rows, version ${manifest.version}, through run ${manifest.throughRunId}` : 'empty'}`,
          `exports: ${describeExports(exports)}`,
          `pending uploads: ${pending.length}`,
          `next run: ${schedule.nextRun ? `job ${schedule.nextRun.jobId} (${schedule.nextRun.jobName}) at ${schedule.nextRun.at}, in ${schedule.nextRun.secondsToGo} s` : 'none (no active job)'}`,
          `schedulers: ${schedule.schedulers.map((b) => `${b.instanceId} (pid ${b.pid ?? '?'} on ${b.host ?? '?'}) last heartbeat ${b.ageSeconds} s ago`).join('; ') || 'none has run here'}`,
          `dead-man check: ${describeDeadMan(schedule.deadMan)}`,
          `last runs: ${runs.map((r) => (r.state === 'committed' ? `${r.id} ${r.record.status}` : `${r.id} ${r.state}`)).join(', ') || 'none'}`,
        ].join('\n'),
      );
      exit(0);
    });
}

function describeDeadMan(status: DeadManStatus): string {
  switch (status.state) {
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
  }[lag.reason ?? 'no-record'];
  return `lag the data (${why}): \`market-pulse export\` rebuilds them, as does \`serve\` when it starts`;
}
