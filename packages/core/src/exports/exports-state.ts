import { z } from 'zod';
import type { ExportSink } from '../ports/export-sink.js';
import type { ObjectStore } from '../ports/object-store.js';
import { damageOf } from '../store/damaged-object.js';
import { readManifest } from '../views/current-view.js';
import type { SectorFormat } from './standing-set.js';

/** Written last by a refresh, next to the files: what they show. */
export const EXPORTS_STATE_FILE = '.market-pulse-exports.json';

const stateSchema = z.object({
  /** The current view's data version the files show (null: the view was empty). */
  shownViewVersion: z.number().int().nullable(),
  sectorFormats: z.array(z.enum(['csv', 'xlsx'])),
  writtenAt: z.string(),
  /** Files this refresh could not write (they keep older content): the next refresh retries. */
  failedFiles: z.array(z.string()).optional(),
  /**
   * What each file in place holds (name → digest of its rows and layout, `RowsDigest`): the next
   * refresh rewrites only the files whose digest changed. Absent in records of older versions
   * (every file is then rewritten once).
   */
  files: z.record(z.string(), z.string()).optional(),
  /**
   * Set, before any file is rewritten, on a record that keeps the digests of the files left as
   * they are: a refresh cut short leaves the exports recorded as lagging (`no-record`), and the
   * files it was rewriting without a digest, so the next refresh rewrites them.
   */
  writing: z.array(z.string()).optional(),
});
/**
 * What a complete refresh of the standing exports recorded ({@link EXPORTS_STATE_FILE}).
 *
 * @useDeclaredType
 */
export type ExportsState = z.infer<typeof stateSchema>;

/** Whether the standing exports show the current view (SPEC §4 step 9), and if not, why. */
export interface ExportsLag {
  /** True when the standing exports do not show the current view in the configured formats. */
  lagging: boolean;
  /**
   * Why they lag: no complete refresh recorded them (never written, or one cut short), the view moved on since, the per-sector formats changed, some files could not
   * be written (`failedFiles`), or the view's manifest cannot be read (a refresh rebuilds it from
   * the committed runs).
   */
  reason?: 'no-record' | 'view-moved' | 'formats-changed' | 'files-failed' | 'view-damaged';
  /** The current view's data version (null: no view yet). */
  viewVersion: number | null;
  /** The version the exports show (null: none recorded — never written, or a refresh cut short). */
  exportsVersion: number | null;
  /** Files the last refresh could not write. */
  failedFiles?: string[];
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** What the standing exports in `sink` show, or null when no complete refresh recorded it. */
export async function readExportsState(sink: ExportSink): Promise<ExportsState | null> {
  const bytes = await sink.read(EXPORTS_STATE_FILE).catch(() => null);
  if (bytes === null) return null;
  try {
    return stateSchema.parse(JSON.parse(decoder.decode(bytes)));
  } catch {
    return null; // an unreadable record counts as none: the exports are rebuilt
  }
}

/** Records what the standing exports show; called once every file is in place. */
export async function writeExportsState(sink: ExportSink, state: ExportsState): Promise<void> {
  const bytes = encoder.encode(`${JSON.stringify(state, null, 2)}\n`);
  await sink.write(
    EXPORTS_STATE_FILE,
    (async function* () {
      yield bytes;
    })(),
  );
}

/**
 * Whether the standing exports lag the data (SPEC §4 step 9: a refresh that failed or was cut
 * short after a commit is made good at the next start): they do when no refresh recorded them
 * (unless there is no view yet), when they show another view version, or other per-sector formats
 * than `sectorFormats`.
 */
export async function exportsLag(
  store: ObjectStore,
  sink: ExportSink,
  sectorFormats: readonly SectorFormat[],
): Promise<ExportsLag> {
  const [manifest, state] = await Promise.all([
    readManifest(store).catch((err: unknown) => {
      if (!damageOf(err)) throw err;
      return 'damaged' as const;
    }),
    readExportsState(sink),
  ]);
  if (manifest === 'damaged')
    return {
      lagging: true,
      reason: 'view-damaged',
      viewVersion: null,
      exportsVersion: state?.shownViewVersion ?? null,
    };
  const viewVersion = manifest?.version ?? null;
  const reason = lagReason(state, viewVersion, sectorFormats);
  return {
    lagging: reason !== undefined,
    ...(reason ? { reason } : {}),
    viewVersion,
    exportsVersion: state?.shownViewVersion ?? null,
    ...(state?.failedFiles?.length ? { failedFiles: state.failedFiles } : {}),
  };
}

function lagReason(
  state: ExportsState | null,
  viewVersion: number | null,
  sectorFormats: readonly SectorFormat[],
): ExportsLag['reason'] {
  if (state === null) return viewVersion === null ? undefined : 'no-record'; // nothing to show yet
  if (state.writing) return 'no-record'; // a refresh was cut short while rewriting files
  if (state.shownViewVersion !== viewVersion) return 'view-moved';
  const sorted = (formats: readonly string[]) => [...formats].sort().join();
  if (sorted(state.sectorFormats) !== sorted(sectorFormats)) return 'formats-changed';
  if (state.failedFiles?.length) return 'files-failed';
  return undefined;
}
