import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  addUpload,
  cancelUpload,
  clearUploads,
  getUpload,
  isUploadView,
  listUploads,
  readColors,
  type UploadStatus,
  type UploadView,
} from '@market-pulse/core';
import { randomIds, systemClock } from '@market-pulse/node';
import type { Command } from 'commander';
import { openDataFolder, sourceFile } from '../data-folder.js';
import { type CliIO, output } from '../io.js';

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
    ? `${u.id}  ${u.uploadedAt}  ${u.fileName}  ${u.rows} rows${u.errors.length ? ` (${u.errors.length} errors skipped)` : ''}  ${statusText(u.status)}`
    : `${u.id}  ${statusText(u.status)}`;

export function registerBuffer(program: Command, io: CliIO, exit: (code: number) => void): void {
  const buffer = program
    .command('buffer')
    .description('the upload buffer: manual colors consumed by the next run');
  const folder = (dataDir?: string) => openDataFolder(io, { dataDir, create: false });
  const dataDir = '--data-dir <dir>';

  buffer
    .command('add <file>')
    .description(
      'validate a spreadsheet or CSV and add it as pending (refused with the full report on any row error)',
    )
    .option('--accept-valid-rows', 'store the valid rows even if some rows have errors')
    .option('--force', 'accept content already pending or consumed')
    .option(dataDir)
    .option('--json', 'print JSON')
    .action(
      async (
        file: string,
        options: { acceptValidRows?: boolean; force?: boolean; dataDir?: string; json?: boolean },
      ) => {
        const f = await folder(options.dataDir);
        const path = resolve(io.cwd, file);
        const source = sourceFile(io, path, f.config);
        // Parsed first: the safety checks run before anything else reads the file.
        const parsed = await readColors(source);
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
          },
        );
        output(io, options.json, upload, () => `added ${line(upload)}`);
        exit(0);
      },
    );

  buffer
    .command('list')
    .description('every upload with its status (pending, consumed in run N, cancelled, unreadable)')
    .option(dataDir)
    .option('--json', 'print JSON')
    .action(async (options: { dataDir?: string; json?: boolean }) => {
      const uploads = await listUploads((await folder(options.dataDir)).store);
      output(io, options.json, uploads, () =>
        uploads.length ? uploads.map(line).join('\n') : 'no uploads',
      );
      exit(0);
    });

  buffer
    .command('show <id>')
    .description('one upload with its row errors and notices')
    .option(dataDir)
    .option('--json', 'print JSON')
    .action(async (id: string, options: { dataDir?: string; json?: boolean }) => {
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

  buffer
    .command('cancel <id>')
    .description('cancel a pending upload')
    .option(dataDir)
    .option('--json', 'print JSON')
    .action(async (id: string, options: { dataDir?: string; json?: boolean }) => {
      const upload = await cancelUpload(
        { store: (await folder(options.dataDir)).store, clock: systemClock },
        id,
      );
      output(io, options.json, upload, () => `cancelled ${line(upload)}`);
      exit(0);
    });

  buffer
    .command('clear')
    .description('cancel every pending upload')
    .option('--dry-run', 'list what would be cancelled')
    .option(dataDir)
    .option('--json', 'print JSON')
    .action(async (options: { dryRun?: boolean; dataDir?: string; json?: boolean }) => {
      const f = await folder(options.dataDir);
      const ids = options.dryRun
        ? (await listUploads(f.store)).filter((u) => u.status.state === 'pending').map((u) => u.id)
        : await clearUploads({ store: f.store, clock: systemClock });
      output(
        io,
        options.json,
        { cancelled: ids, dryRun: options.dryRun ?? false },
        () =>
          `${options.dryRun ? 'would cancel' : 'cancelled'} ${ids.length} upload(s)${ids.length ? `: ${ids.join(', ')}` : ''}`,
      );
      exit(0);
    });
}
