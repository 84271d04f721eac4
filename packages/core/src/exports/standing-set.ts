// The standing exports (SPEC §8, §12): which files a view makes and what each holds. Pure.
import type { ColumnConfig } from '../columns/column-config.js';
import { columnKinds } from '../export/cell-values.js';
import { exportColumns } from '../export/export-columns.js';
import { sectorFileName } from '../export/sector-file-name.js';
import type { SheetLayout, SheetSpec } from '../ports/spreadsheet-codec.js';
import { RowsDigest } from './view-digest.js';

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

/** A standing file with its name and what it holds. */
export interface PlannedFile {
  file: StandingFile;
  /** Path in the exports (`/`-separated). */
  name: string;
  /** A digest of its rows and layout: a refresh rewrites the file only when this changed. */
  digest: string;
  rows: number;
}

/**
 * `processed_colors/<name>/Processed_Colors_<name>.<ext>` (the S3 layout), `name` being the
 * sector's name made safe for any file system (`sectorFileName`).
 */
export function sectorFile(name: string, format: SectorFormat): string {
  return `${SECTOR_FOLDER}/${name}/Processed_Colors_${name}.${format}`;
}

/** What one read of a view found: its layout and every standing file with its digest. */
export interface StandingSetScan {
  layout: SheetLayout;
  /** In listing order: the output workbook, then each sector's files in sector order. */
  files: PlannedFile[];
  rows: number;
}

/** Which rows a file holds: every row for the output workbook, its sector's for a sector file. */
export function rowsOfFile(
  file: StandingFile,
): (row: Readonly<Record<string, unknown>>) => boolean {
  if (file.kind === 'output') return () => true;
  const { sector } = file;
  return (row) => String(row.SECTOR).toUpperCase() === sector;
}

/**
 * Reads a view's rows once, one at a time: the export columns (pass-through columns from every
 * row), and per standing file (the output workbook; per sector, its file in each of
 * `sectorFormats`) a digest of its rows. SECTOR compares case-insensitively (SPEC §1), so `Mm-Clo`
 * and `MM-CLO` share one file, named after the spelling that sorts first.
 */
export async function scanStandingSet(
  rows: AsyncIterable<Readonly<Record<string, unknown>>>,
  config: ColumnConfig,
  sectorFormats: readonly SectorFormat[],
): Promise<StandingSetScan> {
  const keys = new Set<string>();
  const all = new RowsDigest();
  const sectors = new Map<string, { spelling: string; digest: RowsDigest }>();
  for await (const row of rows) {
    for (const key in row) keys.add(key);
    all.add(row);
    const spelling = String(row.SECTOR);
    const key = spelling.toUpperCase();
    let sector = sectors.get(key);
    if (!sector) {
      sector = { spelling, digest: new RowsDigest() };
      sectors.set(key, sector);
    } else if (spelling < sector.spelling) sector.spelling = spelling;
    sector.digest.add(row);
  }
  const layout: SheetLayout = { columns: exportColumns(config, keys), kinds: columnKinds(config) };
  const files: PlannedFile[] = [
    { file: { kind: 'output' }, name: OUTPUT_WORKBOOK, digest: all.finish(layout), rows: all.rows },
  ];
  for (const [sector, { spelling, digest }] of [...sectors].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // Distinct sectors get distinct names: `sectorFileName` can be read back.
    const name = sectorFileName(spelling);
    const rowsDigest = digest.finish(layout);
    // The format is in the file's name, which the refresh record keys digests by.
    for (const format of sectorFormats)
      files.push({
        file: { kind: 'sector', sector, format },
        name: sectorFile(name, format),
        digest: rowsDigest,
        rows: digest.rows,
      });
  }
  return { layout, files, rows: all.rows };
}

/** The desk's workbook of a view: every row on "Colors", the parents (`IS_PARENT`) on "Parents". */
export function viewSheets(rows: readonly Row[]): SheetSpec[] {
  return [
    { name: 'Colors', rows },
    { name: 'Parents', rows: rows.filter((r) => r.IS_PARENT) },
  ];
}

/**
 * The desk's workbook of a view too large to hold: "Colors" from `rows`, then "Parents" from a
 * second read of the view (`again`, called when that sheet is started) keeping the parents.
 */
export function streamedViewSheets(
  rows: AsyncIterable<Readonly<Record<string, unknown>>>,
  again: () => AsyncIterable<Readonly<Record<string, unknown>>>,
): SheetSpec[] {
  async function* parents() {
    for await (const row of again()) if (row.IS_PARENT) yield row;
  }
  return [
    { name: 'Colors', rows },
    { name: 'Parents', rows: { [Symbol.asyncIterator]: () => parents() } },
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
