import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The suffix of a file being written: `<file>.tmp-<pid>-<hex>` (swept when its writer is dead). */
export const TEMP_FILE = /\.tmp-(\d+)-[0-9a-f]+$/;

/**
 * Writes `bytes` to a temp file next to `path` and renames it into place (creating the folder):
 * readers never see half a file, and a failed write leaves the old file as it was.
 */
export async function writeFileAtomically(
  path: string,
  bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const file = createWriteStream(temp);
  // The stream opens its file asynchronously: on a failure, wait until it is closed, or the
  // temp file could appear after we removed it.
  const closed = new Promise<void>((resolve) => file.once('close', () => resolve()));
  try {
    await pipeline(Readable.from(bytes, { objectMode: false }), file);
    await rename(temp, path);
  } catch (err) {
    file.destroy();
    await closed;
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
