import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  addUpload,
  cancelUpload,
  clearUploads,
  getUpload,
  isUploadView,
  listUploads,
  readColors,
  readColumnConfig,
  type UploadStatus,
  type UploadView,
} from '@market-pulse/core';
import { randomIds, systemClock } from '@market-pulse/node';
import type { Command } from 'commander';
import { withCommon } from '../common-options.js';
import { openDataFolder, sourceFile } from '../data-folder.js';
import { inputPath } from '../input-files.js';
import { type CliIO, output } from '../io.js';
import { operatorOf } from '../operator.js';
import { plural } from '../words.js';

const statusText = (status: UploadStatus) =>
  status.state === 'consumed'
    ? `consumed in run ${status.runId}`
    : status.state === 'cancelled'
      ? `cancelled ${status.at}`
      : status.state === 'unreadable'
        ? `unreadable: ${status.key}: ${status.reason}`
        : status.state;
const line = (u: { id: string; status: UploadStatus } | UploadView) =>
  isUploadView(u)
    ? `${u.id}  ${u.uploadedAt}  ${u.fileName}  ${plural(u.rows, 'row')}${u.errors.length ? ` (${plural(u.errors.length, 'row error')} skipped)` : ''}  ${statusText(u.status)}`
    : `${u.id}  ${statusText(u.status)}`;

export function registerBuffer(program: Command, io: CliIO, exit: (code: number) => void): void {
  const buffer = program
    .command('buffer')
    .description('the upload buffer: manual colors consumed by the next run');
  const folder = (dataDir?: string) => openDataFolder(io, { dataDir, create: false });

  withCommon(
    buffer
      .command('add')
      .description(
        'validate a spreadsheet or CSV and add it as pending (refused with the full report on any row error)',
      )
      .argument('<file>', 'the colors: .xlsx or .csv, header and rows as in the template')
      .option('--accept-valid-rows', 'store the valid rows even if some rows have errors')
      .option('--force', 'upload content that is already pending or consumed'),
  ).action(
    async (
      file: string,
      options: { acceptValidRows?: boolean; force?: boolean; dataDir?: string; json?: boolean },
    ) => {
      const path = await inputPath(io, file);
      const f = await folder(options.dataDir);
      const source = sourceFile(io, file, f.config);
      // Parsed first (with the store's columns): the safety checks run before anything else reads the file.
      const parsed = await readColors(source, { columns: await readColumnConfig(f.store) });
      for (const notice of parsed.notices) io.stderr(`note: ${notice.message}\n`);
      const [bytes, contentHash] = await Promise.all([readFile(path), source.contentHash()]);
      const upload = await addUpload(
        { store: f.store, clock: systemClock, ids: randomIds },
        {
          fileName: basename(path),
          bytes,
          contentHash,
          parsed,
          acceptValidRows: options.acceptValidRows ?? false,
          force: options.force ?? false,
          actor: operatorOf(io),
        },
      );
      output(io, options.json, upload, () => `added ${line(upload)}`);
      exit(0);
    },
  );

  withCommon(
    buffer
      .command('list')
      .description(
        'every upload with its status (pending, consumed in run N, cancelled, unreadable)',
      ),
  ).action(async (options: { dataDir?: string; json?: boolean }) => {
    const uploads = await listUploads((await folder(options.dataDir)).store);
    output(io, options.json, uploads, () =>
      uploads.length ? uploads.map(line).join('\n') : 'no uploads',
    );
    exit(0);
  });

  withCommon(
    buffer
      .command('show')
      .description('one upload with its row errors and notices')
      .argument('<id>', 'the upload id (buffer list shows them)'),
  ).action(async (id: string, options: { dataDir?: string; json?: boolean }) => {
    const upload = await getUpload((await folder(options.dataDir)).store, id);
    output(io, options.json, upload, () =>
      [
        line(upload),
        ...upload.errors.map((e) => `  row ${e.row} ${e.column}: ${e.reason}`),
        ...upload.notices.map((n) => `  note: ${n.message}`),
      ].join('\n'),
    );
    exit(0);
  });

  withCommon(
    buffer
      .command('cancel')
      .description('cancel a pending upload (the next run will not take it)')
      .argument('<id>', 'the upload id'),
  ).action(async (id: string, options: { dataDir?: string; json?: boolean }) => {
    const upload = await cancelUpload(
      { store: (await folder(options.dataDir)).store, clock: systemClock },
      id,
      { actor: operatorOf(io) },
    );
    output(io, options.json, upload, () => `cancelled ${line(upload)}`);
    exit(0);
  });

  withCommon(
    buffer
      .command('clear')
      .description('cancel every pending upload')
      .option('--dry-run', 'list what would be cancelled, cancel nothing'),
  ).action(async (options: { dryRun?: boolean; dataDir?: string; json?: boolean }) => {
    const f = await folder(options.dataDir);
    const ids = options.dryRun
      ? (await listUploads(f.store)).filter((u) => u.status.state === 'pending').map((u) => u.id)
      : await clearUploads({ store: f.store, clock: systemClock }, { actor: operatorOf(io) });
    output(
      io,
      options.json,
      { cancelled: ids, dryRun: options.dryRun ?? false },
      () =>
        `${options.dryRun ? 'would cancel' : 'cancelled'} ${plural(ids.length, 'upload')}${ids.length ? `: ${ids.join(', ')}` : ''}`,
    );
    exit(0);
  });
}
