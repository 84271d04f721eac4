import { join } from 'node:path';
import type { RecordValue } from '@market-pulse/core';
import type { ColumnKinds } from '../spreadsheets/export-cells.js';
import { writeCsvFile, writeXlsxFile } from '../spreadsheets/write-files.js';

type Row = Readonly<Record<string, RecordValue | undefined>>;

/** What the per-sector files need; plain data, so it can cross to a worker thread. */
export interface SectorFilesJob {
  dir: string;
  rows: readonly Row[];
  columns: readonly string[];
  kinds: ColumnKinds;
}

/** `Processed_Colors_<SECTOR>.<ext>`, the sector made safe for a file name. */
export const sectorFile = (sector: string, ext: 'xlsx' | 'csv') =>
  `Processed_Colors_${sector.replace(/[^A-Za-z0-9._-]+/g, '_')}.${ext}`;

/** Writes `Processed_Colors_<SECTOR>.xlsx` and `.csv` for each sector, in sector order; returns their names. */
export async function writeSectorFiles(job: SectorFilesJob): Promise<string[]> {
  const { dir, columns, kinds } = job;
  const bySector = new Map<string, Row[]>();
  for (const row of job.rows) {
    const sector = String(row.SECTOR);
    const list = bySector.get(sector);
    if (list) list.push(row);
    else bySector.set(sector, [row]);
  }
  const files: string[] = [];
  for (const [sector, rows] of [...bySector].sort(([a], [b]) => (a < b ? -1 : 1))) {
    await writeXlsxFile(join(dir, sectorFile(sector, 'xlsx')), [{ name: 'Colors', rows }], {
      columns,
      kinds,
    });
    await writeCsvFile(join(dir, sectorFile(sector, 'csv')), rows, { columns });
    files.push(sectorFile(sector, 'xlsx'), sectorFile(sector, 'csv'));
  }
  return files;
}
