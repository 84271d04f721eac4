import { join } from 'node:path';
import type { RecordValue } from '@market-pulse/core';
import type { ColumnKinds } from '../spreadsheets/export-cells.js';
import { writeCsvFile, writeXlsxFile } from '../spreadsheets/write-files.js';

type Row = Readonly<Record<string, RecordValue | undefined>>;

export const OUTPUT_WORKBOOK = 'Processed_Colors_Output.xlsx';

/** One file of the standing exports: the output workbook, or one sector's xlsx or CSV. */
export type StandingFile =
  | { kind: 'output' }
  | { kind: 'sector'; sector: string; format: 'xlsx' | 'csv' };

/** What writing the standing files needs; plain data, so it can cross to a worker thread. */
export interface StandingSetJob {
  dir: string;
  /** The current view's rows, in view order. */
  rows: readonly Row[];
  columns: readonly string[];
  kinds: ColumnKinds;
}

export interface PlannedFile {
  file: StandingFile;
  /** File name in the exports folder. */
  name: string;
  /** Relative cost of writing it, to hand out the biggest files first. */
  cost: number;
}

/** Writing a CSV row costs about a third of an xlsx row (csv-stringify vs exceljs, measured). */
const CSV_ROW_COST = 0.35;

/** `Processed_Colors_<SECTOR>.<ext>`, the sector made safe for a file name. */
export const sectorFile = (sector: string, ext: 'xlsx' | 'csv') =>
  `Processed_Colors_${sector.replace(/[^A-Za-z0-9._-]+/g, '_')}.${ext}`;

const isParent = (row: Row) => Boolean(row.IS_PARENT);

function rowsBySector(rows: readonly Row[]): Map<string, Row[]> {
  const bySector = new Map<string, Row[]>();
  for (const row of rows) {
    const sector = String(row.SECTOR);
    const list = bySector.get(sector);
    if (list) list.push(row);
    else bySector.set(sector, [row]);
  }
  return bySector;
}

/**
 * The standing files of a view, in listing order: the output workbook, then each sector's xlsx and
 * CSV in sector order.
 */
export function planStandingSet(rows: readonly Row[]): PlannedFile[] {
  let parents = 0;
  for (const row of rows) if (isParent(row)) parents++;
  const planned: PlannedFile[] = [
    { file: { kind: 'output' }, name: OUTPUT_WORKBOOK, cost: rows.length + parents },
  ];
  const sectors = [...rowsBySector(rows)].sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [sector, sectorRows] of sectors) {
    planned.push(
      {
        file: { kind: 'sector', sector, format: 'xlsx' },
        name: sectorFile(sector, 'xlsx'),
        cost: sectorRows.length,
      },
      {
        file: { kind: 'sector', sector, format: 'csv' },
        name: sectorFile(sector, 'csv'),
        cost: sectorRows.length * CSV_ROW_COST,
      },
    );
  }
  return planned;
}

/**
 * A writer of the job's standing files, one at a time (atomically, each into place): the output
 * workbook holds every row on "Colors" and the parents on "Parents"; a sector's files hold its rows.
 */
export function standingFileWriter(job: StandingSetJob): (file: StandingFile) => Promise<void> {
  const { dir, columns, kinds } = job;
  let bySector: Map<string, Row[]> | undefined;
  return async (file) => {
    if (file.kind === 'output') {
      await writeXlsxFile(
        join(dir, OUTPUT_WORKBOOK),
        [
          { name: 'Colors', rows: job.rows },
          { name: 'Parents', rows: job.rows.filter(isParent) },
        ],
        { columns, kinds },
      );
      return;
    }
    bySector ??= rowsBySector(job.rows);
    const rows = bySector.get(file.sector) ?? [];
    const path = join(dir, sectorFile(file.sector, file.format));
    if (file.format === 'xlsx')
      await writeXlsxFile(path, [{ name: 'Colors', rows }], { columns, kinds });
    else await writeCsvFile(path, rows, { columns });
  };
}
