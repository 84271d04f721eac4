/**
 * The embedded file store alone (`@market-pulse/node/file-store`): core's `ObjectStore` on a local
 * folder, for programs that need the store without loading a spreadsheet library.
 *
 * @module @market-pulse/node/file-store
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  damagedObject,
  isValidKey,
  MarketPulseError,
  type ObjectListing,
  type ObjectStore,
  type PutCondition,
  type StoredObject,
} from '@market-pulse/core';
import {
  decodeSegment,
  OBJECT_DIR_SUFFIX,
  objectDirSegments,
  prefixDirSegments,
} from './key-path.js';
import { isProcessAlive } from './process-probe.js';

/** Where the file store keeps its data, how durable its writes are, how long old versions stay. */
export interface FileStoreOptions {
  /** The folder that holds the store (created when missing). */
  dir: string;
  /** fsync each version and its directory before a write returns (default true). */
  durable?: boolean;
  /**
   * How long a superseded version is kept (as a header) so a writer that stalled mid-write finds
   * out it lost (default 10 minutes). Shorter keeps folders of hot keys small; any value is safe.
   */
  retireAfterMs?: number;
}

// Each key is a directory of numbered, immutable versions; the highest number is the current one.
// A write creates version n+1 with link(2), which fails with EEXIST when another process created
// it first: create-if-absent and compare-and-swap both become "win the next version", atomic
// across processes, with no lock a killed process could leave behind (at worst a temp file).
//
// A version file is a header line — `MP1 <D|X> <etag> <nonce> <base>`: data or deleted, the body's
// ETag, the writer's nonce and the nonce of the version it replaced — then the body.
//
// Superseded versions are truncated to their header, so their numbers stay taken, and are deleted
// only once superseded for RETIRE_MS. A writer that still links into a retired number (it stalled
// that long) finds a higher version after its link; a write stands only if it is the highest or
// version n+1 was built on it (its `base` is our nonce) — otherwise it is withdrawn and retried.
// A reader re-lists after reading: if its version is still the highest, it was never truncated.

const VERSION_DIGITS = 16;
const VERSION_NAME = /^\d{16}$/;
const HEADER_END = 0x0a;
const HEADER_MAX = 128;
const MAX_ATTEMPTS = 1_000;
const RETIRE_MS = 10 * 60_000;

interface Header {
  deleted: boolean;
  etag: string;
  nonce: string;
  base: string;
  length: number;
}

interface Version extends Header {
  number: number;
  body: Uint8Array;
}

/** A version file's header, or null when it is not one (a damaged file). */
function parseHeader(raw: Uint8Array): Header | null {
  const newline = raw.indexOf(HEADER_END);
  const fields = Buffer.from(raw.subarray(0, Math.max(newline, 0)))
    .toString('latin1')
    .split(' ');
  const [magic, kind, etag, nonce, base] = fields;
  if (
    newline < 0 ||
    magic !== 'MP1' ||
    (kind !== 'D' && kind !== 'X') ||
    !etag ||
    !nonce ||
    !base
  ) {
    return null;
  }
  return { deleted: kind === 'X', etag, nonce, base, length: newline + 1 };
}

function etagOf(body: Uint8Array): string {
  return createHash('md5').update(body).digest('hex');
}

const EMPTY_ETAG = etagOf(new Uint8Array(0));

/**
 * A version whose header does not parse, as writers see it: it exists, with an ETag no reader was
 * ever given (''), so an unconditional put or a delete replaces it and a create-if-absent fails.
 */
const damagedHeader = (length: number): Header => ({
  deleted: false,
  etag: '',
  nonce: '-',
  base: '-',
  length,
});

/** Why a current version's bytes are not what its writer wrote, or undefined when they are. */
function damageOf(version: Version | null, raw: Buffer): string | undefined {
  if (!version) return undefined;
  if (version.etag === '') return `its version file ${version.number} has no valid header`;
  const expected = version.deleted ? EMPTY_ETAG : version.etag;
  if (etagOf(version.body) !== expected || (version.deleted && raw.length !== version.length))
    return 'its checksum (MD5) does not match its contents';
  return undefined;
}

function versionName(n: number): string {
  return String(n).padStart(VERSION_DIGITS, '0');
}

function checkKey(key: string): void {
  if (!isValidKey(key)) {
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `invalid store key "${key}": use [A-Za-z0-9._-] segments separated by /`,
    );
  }
}

const isCode = (err: unknown, code: string) =>
  (err as NodeJS.ErrnoException | undefined)?.code === code;

/**
 * The embedded {@link ObjectStore}: a folder on the local disk, safe to share between processes
 * (CLI runs and a server on one data folder). Writes are atomic (temp file, fsync, link); keys that
 * differ only in case and Windows device names never collide.
 *
 * @example
 * ```ts
 * const store = createFileStore({ dir: './market-pulse-data/store' });
 * await store.put('config/rules.json', bytes, { ifNoneMatch: '*' });
 * ```
 */
export function createFileStore(options: FileStoreOptions): ObjectStore {
  const objectsRoot = join(options.dir, 'objects');
  const tmpRoot = join(options.dir, 'tmp');
  const durable = options.durable ?? true;
  const retireAfterMs = options.retireAfterMs ?? RETIRE_MS;

  const objectDir = (key: string) => join(objectsRoot, ...objectDirSegments(key));

  async function versionNumbers(dir: string): Promise<number[]> {
    try {
      const names = await readdir(dir);
      return names
        .filter((n) => VERSION_NAME.test(n))
        .map(Number)
        .sort((a, b) => a - b);
    } catch (err) {
      if (isCode(err, 'ENOENT') || isCode(err, 'ENOTDIR')) return [];
      throw unavailable(err);
    }
  }

  /**
   * The current version of a key, or null when it never existed. A version with a damaged header
   * is returned as one (etag ''), for writers; `get` refuses it, and any checksum mismatch.
   */
  async function latest(key: string): Promise<(Version & { raw: Buffer }) | null> {
    const dir = objectDir(key);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const number = (await versionNumbers(dir)).at(-1);
      if (number === undefined) return null;
      let raw: Buffer;
      try {
        raw = await readFile(join(dir, versionName(number)));
      } catch (err) {
        if (isCode(err, 'ENOENT')) continue;
        throw unavailable(err);
      }
      // Superseded while we read it (and maybe truncated): read the new one instead.
      if ((await versionNumbers(dir)).at(-1) !== number) continue;
      const header = parseHeader(raw) ?? damagedHeader(raw.length);
      return { ...header, number, raw, body: new Uint8Array(raw.subarray(header.length)) };
    }
    throw new MarketPulseError('UNAVAILABLE', `${key} kept changing while being read`);
  }

  async function readHeader(
    path: string,
  ): Promise<(Header & { size: number; mtimeMs: number }) | null> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      if (isCode(err, 'ENOENT')) return null;
      throw unavailable(err);
    }
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEADER_MAX), 0, HEADER_MAX, 0);
      const { size, mtimeMs } = await handle.stat();
      return { ...(parseHeader(buffer.subarray(0, bytesRead)) ?? damagedHeader(0)), size, mtimeMs };
    } finally {
      await handle.close();
    }
  }

  /** The current version's header and size, without reading its body (for listings). */
  async function head(
    key: string,
  ): Promise<{ deleted: boolean; etag: string; size: number } | null> {
    const dir = objectDir(key);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const number = (await versionNumbers(dir)).at(-1);
      if (number === undefined) return null;
      const header = await readHeader(join(dir, versionName(number)));
      if (!header || (await versionNumbers(dir)).at(-1) !== number) continue;
      return { deleted: header.deleted, etag: header.etag, size: header.size - header.length };
    }
    throw new MarketPulseError('UNAVAILABLE', `${key} kept changing while being read`);
  }

  let swept: Promise<void> | undefined;

  async function writeTemp(header: string, body: Uint8Array): Promise<string> {
    swept ??= sweepDeadWriters(tmpRoot);
    await swept;
    await mkdir(tmpRoot, { recursive: true });
    const path = join(tmpRoot, `${process.pid}-${randomBytes(8).toString('hex')}`);
    const handle = await open(path, 'wx');
    try {
      // Two writes at the file position, not one concatenated copy of a body of tens of MB.
      await handle.writeFile(Buffer.from(header, 'latin1'));
      await handle.writeFile(body);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    return path;
  }

  async function syncDir(dir: string): Promise<void> {
    if (!durable) return;
    try {
      const handle = await open(dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch {
      // Directory fsync is not supported everywhere (e.g. Windows); the version file itself is synced.
    }
  }

  /** Writes the next version of `key` if `allowed(current)` holds; retries when another process wins the slot. */
  async function writeNext(
    key: string,
    kind: 'D' | 'X',
    body: Uint8Array,
    allowed: (current: Version | null) => undefined | 'skip',
  ): Promise<string | undefined> {
    const etag = etagOf(body);
    const nonce = randomBytes(8).toString('hex');
    const dir = objectDir(key);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await latest(key);
      if (allowed(current) === 'skip') return undefined;
      const next = (current?.number ?? 0) + 1;
      const mine = join(dir, versionName(next));
      const temp = await writeTemp(`MP1 ${kind} ${etag} ${nonce} ${current?.nonce ?? '-'}\n`, body);
      try {
        await mkdir(dir, { recursive: true });
        await link(temp, mine);
      } catch (err) {
        if (isCode(err, 'EEXIST')) continue; // another writer took version `next`: re-check the condition
        throw unavailable(err);
      } finally {
        await unlink(temp).catch(() => undefined);
      }
      const numbers = await versionNumbers(dir);
      if ((numbers.at(-1) as number) > next) {
        const successor = await readHeader(join(dir, versionName(next + 1)));
        if (successor?.base !== nonce) {
          await unlink(mine).catch(() => undefined); // a stale write into a retired number
          continue;
        }
      }
      await syncDir(dir);
      await retire(
        dir,
        numbers.filter((n) => n < next),
      );
      return etag;
    }
    throw new MarketPulseError(
      'CONFLICT',
      `${key} is being written too often to win a write; retry`,
    );
  }

  /**
   * Truncates superseded versions to their header and deletes those superseded long ago. Versions
   * are superseded in number order, so this looks only at the newest ones until it meets one
   * already truncated, and at the oldest ones until it meets one not yet due: a key written
   * thousands of times costs a few header reads per write, not thousands.
   */
  async function retire(dir: string, superseded: number[]): Promise<void> {
    const now = Date.now();
    for (let i = superseded.length - 1; i >= 0; i--) {
      const path = join(dir, versionName(superseded[i] as number));
      const header = await readHeader(path).catch(() => null);
      if (!header) continue;
      if (header.size <= header.length) break;
      await truncate(path, header.length).catch(() => undefined);
    }
    for (const number of superseded) {
      const path = join(dir, versionName(number));
      const header = await readHeader(path).catch(() => null);
      if (!header) continue;
      if (header.size > header.length || now - header.mtimeMs <= retireAfterMs) break;
      await unlink(path).catch(() => undefined);
    }
  }

  function requireMatch(key: string, current: Version | null, ifMatch: string | undefined): void {
    if (ifMatch === undefined) return;
    if (!current || current.deleted)
      throw new MarketPulseError('NOT_FOUND', `${key} does not exist`, { details: { key } });
    if (current.etag !== ifMatch)
      throw new MarketPulseError('PRECONDITION_FAILED', `${key} has changed`, { details: { key } });
  }

  /** Every key under `dir`; subfolders whose keys all sort at or before `after` are skipped. */
  async function* walk(dir: string, segments: string[], after?: string): AsyncGenerator<string> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if (isCode(err, 'ENOENT') || isCode(err, 'ENOTDIR')) return;
      throw unavailable(err);
    }
    for (const name of names) {
      if (name.endsWith(OBJECT_DIR_SUFFIX))
        yield [...segments, name.slice(0, -1)].map(decodeSegment).join('/');
      else {
        const inside = [...segments, name];
        // Every key in there starts with this prefix; a prefix below `after` that `after` does not
        // extend sorts every one of them before `after` (listing the runs above a counter).
        const prefix = `${inside.map(decodeSegment).join('/')}/`;
        if (after !== undefined && prefix < after && !after.startsWith(prefix)) continue;
        yield* walk(join(dir, name), inside, after);
      }
    }
  }

  return {
    async get(key: string): Promise<StoredObject | null> {
      checkKey(key);
      const current = await latest(key);
      // Every read is checked against the MD5 its writer recorded: a damaged file is an error
      // naming the key, never data.
      const damage = damageOf(current, current?.raw ?? Buffer.alloc(0));
      if (damage) throw damagedObject(key, damage);
      return current && !current.deleted ? { body: current.body, etag: current.etag } : null;
    },

    async put(key: string, body: Uint8Array, condition: PutCondition = {}) {
      checkKey(key);
      const etag = await writeNext(key, 'D', body, (current) => {
        if (condition.ifNoneMatch === '*' && current && !current.deleted) {
          throw new MarketPulseError('PRECONDITION_FAILED', `${key} already exists`, {
            details: { key },
          });
        }
        requireMatch(key, current, condition.ifMatch);
        return undefined;
      });
      return { etag: etag as string };
    },

    async delete(key: string, condition: { ifMatch?: string } = {}) {
      checkKey(key);
      await writeNext(key, 'X', new Uint8Array(0), (current) => {
        requireMatch(key, current, condition.ifMatch);
        return !current || current.deleted ? 'skip' : undefined;
      });
    },

    async *list(
      prefix: string,
      opts: { after?: string; limit?: number } = {},
    ): AsyncIterable<ObjectListing> {
      const segments = prefixDirSegments(prefix);
      const keys: string[] = [];
      for await (const key of walk(join(objectsRoot, ...segments), segments, opts.after)) {
        if (key.startsWith(prefix) && (opts.after === undefined || key > opts.after))
          keys.push(key);
      }
      keys.sort();
      const limit = opts.limit ?? Number.POSITIVE_INFINITY;
      let yielded = 0;
      for (const key of keys) {
        if (yielded >= limit) return;
        const current = await head(key);
        if (!current || current.deleted) continue;
        yielded++;
        yield { key, etag: current.etag, size: current.size };
      }
    },
  };
}

function unavailable(err: unknown): MarketPulseError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'unknown';
  return new MarketPulseError('UNAVAILABLE', `file store I/O failed (${code})`, { cause: err });
}

/**
 * Removes temp files of writers that died mid-write on this host (their name starts with the
 * writer's PID). Files of live processes are left alone; nothing here is a lock.
 */
async function sweepDeadWriters(tmpRoot: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(tmpRoot);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !isProcessAlive(pid))
      await unlink(join(tmpRoot, name)).catch(() => undefined);
  }
}
