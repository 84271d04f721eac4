import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RecordValue } from '@market-pulse/core';
import type { ColumnKinds } from '../spreadsheets/export-cells.js';
import { writeCsvFile, writeXlsxFile } from '../spreadsheets/write-files.js';

type Row = Readonly<Record<string, RecordValue | undefined>>;

export const OUTPUT_WORKBOOK = 'Processed_Colors_Output.xlsx';

export type SectorFormat = 'csv' | 'xlsx';

/** The per-sector files' formats when none are configured (`MP_SECTOR_EXPORT_FORMATS`). */
export const DEFAULT_SECTOR_FORMATS: readonly SectorFormat[] = ['csv'];

/** One file of the standing exports: the output workbook, or one sector's file in one format. */
export type StandingFile =
  | { kind: 'output' }
  | { kind: 'sector'; sector: string; format: SectorFormat };

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
  /** Path in the exports folder (`/`-separated). */
  name: string;
  /** Relative cost of writing it, to hand out the biggest files first. */
  cost: number;
}

/** Writing a CSV row costs about a third of an xlsx row (csv-stringify vs exceljs, measured). */
const CSV_ROW_COST = 0.35;

/** Where per-sector files go in the exports folder: the layout on S3 (SPEC §12). */
export const SECTOR_FOLDER = 'processed_colors';

/**
 * `processed_colors/<SECTOR>/Processed_Colors_<SECTOR>.<ext>` (the S3 layout), the sector made
 * safe for a file name.
 */
export function sectorFile(sector: string, format: SectorFormat): string {
  const safe = sector.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${SECTOR_FOLDER}/${safe}/Processed_Colors_${safe}.${format}`;
}

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
 * The standing files of a view, in listing order: the output workbook, then each sector's files
 * (in the given formats) in sector order.
 */
export function planStandingSet(
  rows: readonly Row[],
  sectorFormats: readonly SectorFormat[],
): PlannedFile[] {
  let parents = 0;
  for (const row of rows) if (isParent(row)) parents++;
  const planned: PlannedFile[] = [
    { file: { kind: 'output' }, name: OUTPUT_WORKBOOK, cost: rows.length + parents },
  ];
  const sectors = [...rowsBySector(rows)].sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [sector, sectorRows] of sectors) {
    for (const format of sectorFormats) {
      planned.push({
        file: { kind: 'sector', sector, format },
        name: sectorFile(sector, format),
        cost: sectorRows.length * (format === 'csv' ? CSV_ROW_COST : 1),
      });
    }
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
    await mkdir(dirname(path), { recursive: true });
    if (file.format === 'xlsx')
      await writeXlsxFile(path, [{ name: 'Colors', rows }], { columns, kinds });
    else await writeCsvFile(path, rows, { columns });
  };
}
