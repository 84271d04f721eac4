// The standing exports (SPEC §8, §12): which files a view makes and what each holds. Pure.
import { sectorFileName } from '../export/sector-file-name.js';
import type { SheetSpec } from '../ports/spreadsheet-codec.js';

type Row = Readonly<Record<string, unknown>>;

/** The desk's workbook of the current view: every row on "Colors", the parents on "Parents". */
export const OUTPUT_WORKBOOK = 'Processed_Colors_Output.xlsx';

/** The formats a per-sector file can be written in. */
export type SectorFormat = 'csv' | 'xlsx';

/** The per-sector files' formats when none are configured (`MP_SECTOR_EXPORT_FORMATS`). */
export const DEFAULT_SECTOR_FORMATS: readonly SectorFormat[] = ['csv'];

/** Where per-sector files go: the layout on S3 (SPEC §12), also in a local exports folder. */
export const SECTOR_FOLDER = 'processed_colors';

/**
 * One file of the standing exports: the output workbook, or one sector's file in one format (the
 * sector as its upper-cased key).
 */
export type StandingFile =
  | { kind: 'output' }
  | { kind: 'sector'; sector: string; format: SectorFormat };

/** A standing file with its name and the relative cost of writing it (biggest first). */
export interface PlannedFile {
  file: StandingFile;
  /** Path in the exports (`/`-separated). */
  name: string;
  cost: number;
}

/** Writing a CSV row costs about a third of an xlsx row (csv-stringify vs exceljs, measured). */
const CSV_ROW_COST = 0.35;

/**
 * `processed_colors/<name>/Processed_Colors_<name>.<ext>` (the S3 layout), `name` being the
 * sector's name made safe for any file system (`sectorFileName`).
 */
export function sectorFile(name: string, format: SectorFormat): string {
  return `${SECTOR_FOLDER}/${name}/Processed_Colors_${name}.${format}`;
}

/** One sector's rows and its file name (from its first spelling in sort order). */
export interface SectorRows {
  name: string;
  rows: Row[];
}

/**
 * The rows of each sector, by the sector upper-cased: SECTOR compares case-insensitively (SPEC §1),
 * so `Mm-Clo` and `MM-CLO` share one file, named after the spelling that sorts first.
 */
export function rowsBySector(rows: readonly Row[]): Map<string, SectorRows> {
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
  // Distinct sectors get distinct names: `sectorFileName` can be read back.
  const named = new Map<string, SectorRows>();
  for (const [key, { spelling, rows: sectorRows }] of bySector)
    named.set(key, { name: sectorFileName(spelling), rows: sectorRows });
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
  for (const row of rows) if (row.IS_PARENT) parents++;
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

/** The desk's workbook of a view: every row on "Colors", the parents (`IS_PARENT`) on "Parents". */
export function viewSheets(rows: readonly Row[]): SheetSpec[] {
  return [
    { name: 'Colors', rows },
    { name: 'Parents', rows: rows.filter((r) => r.IS_PARENT) },
  ];
}

const EXPORT_FILE = /^(?:processed_colors\/[^/]+\/)?Processed_Colors_[^/]+\.(xlsx|csv)$/;

/**
 * The export files among `listed` that the standing set `keep` no longer has (sectors or formats
 * no longer exported; per-sector files of the old flat layout). A listed name that is a kept name
 * in another case is kept when that spelling is not listed itself: a case-insensitive file system
 * lists a file under the case it was created with, and writing `ABS` into an existing `Abs` writes
 * into `Abs`.
 */
export function staleExports(listed: readonly string[], keep: readonly string[]): string[] {
  const listedSet = new Set(listed);
  const kept = new Set(keep);
  const keptLower = new Map<string, string[]>();
  for (const name of keep) {
    const spellings = keptLower.get(name.toLowerCase()) ?? [];
    spellings.push(name);
    keptLower.set(name.toLowerCase(), spellings);
  }
  return listed.filter((name) => {
    if (!EXPORT_FILE.test(name) || kept.has(name)) return false;
    const variants = keptLower.get(name.toLowerCase()) ?? [];
    return !variants.some((variant) => !listedSet.has(variant));
  });
}
