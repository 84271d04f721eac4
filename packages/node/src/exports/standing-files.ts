import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MarketPulseError, type RecordValue } from '@market-pulse/core';
import type { ColumnKinds } from '../spreadsheets/export-cells.js';
import { writeCsvFile, writeViewWorkbook, writeXlsxFile } from '../spreadsheets/write-files.js';

type Row = Readonly<Record<string, RecordValue | undefined>>;

export const OUTPUT_WORKBOOK = 'Processed_Colors_Output.xlsx';

export type SectorFormat = 'csv' | 'xlsx';

/** The per-sector files' formats when none are configured (`MP_SECTOR_EXPORT_FORMATS`). */
export const DEFAULT_SECTOR_FORMATS: readonly SectorFormat[] = ['csv'];

/**
 * One file of the standing exports: the output workbook, or one sector's file in one format (the
 * sector as its upper-cased key).
 */
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
 * `processed_colors/<name>/Processed_Colors_<name>.<ext>` (the S3 layout), `name` being the
 * sector's name made safe for a file system.
 */
export function sectorFile(name: string, format: SectorFormat): string {
  return `${SECTOR_FOLDER}/${name}/Processed_Colors_${name}.${format}`;
}

/** Device names Windows reserves, with or without an extension. */
const WINDOWS_RESERVED = /^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$/i;

/**
 * A sector's name as a folder and file name on any file system: letters, digits, `.`, `_`, `-`,
 * no leading or trailing dot, no Windows device name. A name that had to change gets a short hash
 * of the sector, so that two sectors never share a file (`MM CLO` and `MM/CLO`).
 */
export function safeSectorName(sector: string): string {
  let safe = sector
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^\.+|\.+$/g, (dots) => '_'.repeat(dots.length));
  if (WINDOWS_RESERVED.test(safe)) safe = `_${safe}`;
  if (safe === sector) return safe;
  return `${safe}-${createHash('sha256').update(sector).digest('hex').slice(0, 8)}`;
}

const isParent = (row: Row) => Boolean(row.IS_PARENT);

interface SectorRows {
  /** Its file name (see `safeSectorName`) from its first spelling in sort order. */
  name: string;
  rows: Row[];
}

/**
 * The rows of each sector, by the sector upper-cased: SECTOR compares case-insensitively (SPEC §1),
 * so `Mm-Clo` and `MM-CLO` share one file, named after the spelling that sorts first.
 */
function rowsBySector(rows: readonly Row[]): Map<string, SectorRows> {
  const bySector = new Map<string, { spelling: string; rows: Row[] }>();
  for (const row of rows) {
    const spelling = String(row.SECTOR);
    const key = spelling.toUpperCase();
    const sector = bySector.get(key);
    if (!sector) bySector.set(key, { spelling, rows: [row] });
    else {
      sector.rows.push(row);
      if (spelling < sector.spelling) sector.spelling = spelling;
    }
  }
  const named = new Map<string, SectorRows>();
  const names = new Set<string>();
  for (const [key, { spelling, rows: sectorRows }] of bySector) {
    const name = safeSectorName(spelling);
    // Distinct sectors get distinct names (a hash collision of 32 bits would be the only way).
    if (names.has(name.toLowerCase()))
      throw new MarketPulseError('INTERNAL', `two sectors would share the export name ${name}`);
    names.add(name.toLowerCase());
    named.set(key, { name, rows: sectorRows });
  }
  return named;
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
  for (const [sector, { name, rows: sectorRows }] of sectors) {
    for (const format of sectorFormats) {
      planned.push({
        file: { kind: 'sector', sector, format },
        name: sectorFile(name, format),
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
  let bySector: Map<string, SectorRows> | undefined;
  return async (file) => {
    if (file.kind === 'output') {
      await writeViewWorkbook(join(dir, OUTPUT_WORKBOOK), job.rows, { columns, kinds });
      return;
    }
    bySector ??= rowsBySector(job.rows);
    const sector = bySector.get(file.sector);
    if (!sector) throw new MarketPulseError('INTERNAL', `no rows of sector ${file.sector}`);
    const { name, rows } = sector;
    const path = join(dir, sectorFile(name, file.format));
    await mkdir(dirname(path), { recursive: true });
    if (file.format === 'xlsx')
      await writeXlsxFile(path, [{ name: 'Colors', rows }], { columns, kinds });
    else await writeCsvFile(path, rows, { columns });
  };
}
