import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testObjectStore } from '@market-pulse/core/testing';
import { describe, expect, it } from 'vitest';
import { createFileStore } from './file-store.js';

const text = (s: string) => new TextEncoder().encode(s);
const read = async (store: ReturnType<typeof createFileStore>, key: string) =>
  new TextDecoder().decode((await store.get(key))?.body ?? new Uint8Array());

async function tempStore() {
  const dir = await mkdtemp(join(tmpdir(), 'mp-file-store-'));
  return {
    dir,
    store: createFileStore({ dir }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

testObjectStore('file store', tempStore);

describe('file store layout', () => {
  it('holds a key and keys under it, Windows device names and trailing dots', async () => {
    const { store, dispose } = await tempStore();
    try {
      await store.put('a', text('file'));
      await store.put('a/b', text('nested'));
      await store.put('con/nul.json', text('reserved'));
      await store.put('x./y.', text('dots'));
      expect(await read(store, 'a')).toBe('file');
      expect(await read(store, 'a/b')).toBe('nested');
      expect(await read(store, 'con/nul.json')).toBe('reserved');
      const keys = [];
      for await (const item of store.list('')) keys.push(item.key);
      expect(keys).toEqual(['a', 'a/b', 'con/nul.json', 'x./y.']);
    } finally {
      await dispose();
    }
  });

  it('keeps superseded versions as headers only, and a deleted key can be created again', async () => {
    const { dir, store, dispose } = await tempStore();
    try {
      for (let i = 0; i < 5; i++) await store.put('doc/v', text(`body ${i} ${'x'.repeat(1000)}`));
      const versionDir = join(dir, 'objects', 'doc', 'v~');
      const sizes = await Promise.all(
        (await readdir(versionDir)).sort().map(async (n) => (await stat(join(versionDir, n))).size),
      );
      expect(sizes).toHaveLength(5);
      expect(sizes.slice(0, 4).every((size) => size < 100)).toBe(true);
      expect(sizes[4]).toBeGreaterThan(1000);
      await store.delete('doc/v');
      expect(await store.get('doc/v')).toBeNull();
      await store.put('doc/v', text('again'), { ifNoneMatch: '*' });
      expect(await read(store, 'doc/v')).toBe('again');
      expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    } finally {
      await dispose();
    }
  });

  it('reads what another store instance on the same folder wrote', async () => {
    const { dir, store, dispose } = await tempStore();
    try {
      const other = createFileStore({ dir, durable: false });
      const { etag } = await store.put('shared/doc', text('1'));
      await other.put('shared/doc', text('2'), { ifMatch: etag });
      expect(await read(store, 'shared/doc')).toBe('2');
    } finally {
      await dispose();
    }
  });

  it('refuses to read a file that is not a version file', async () => {
    const { dir, store, dispose } = await tempStore();
    try {
      await store.put('doc/x', text('ok'));
      await writeFile(join(dir, 'objects', 'doc', 'x~', '0000000000000001'), 'garbage');
      await expect(store.get('doc/x')).rejects.toMatchObject({
        code: 'INTERNAL',
        details: { key: 'doc/x' },
      });
    } finally {
      await dispose();
    }
  });

  it('checks every read against the MD5 its writer recorded: a damaged file is an error naming the key', async () => {
    const { dir, store, dispose } = await tempStore();
    try {
      const file = join(dir, 'objects', 'runs', 'rows~', '0000000000000001');
      await store.put('runs/rows', text('{"PX":93.82}\n{"PX":96.5}\n'));
      const good = await readFile(file);
      const damaged = /stored object runs\/rows is damaged/;
      // One flipped digit (93.82 → 13.82), as in issue 10.
      await writeFile(
        file,
        Buffer.from(good.toString('latin1').replace('93.82', '13.82'), 'latin1'),
      );
      await expect(store.get('runs/rows')).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringMatching(damaged),
        details: { key: 'runs/rows' },
      });
      // A truncated body, and a truncated header.
      await writeFile(file, good);
      await truncate(file, good.length - 5);
      await expect(store.get('runs/rows')).rejects.toMatchObject({ details: { key: 'runs/rows' } });
      await truncate(file, 10);
      await expect(store.get('runs/rows')).rejects.toMatchObject({ details: { key: 'runs/rows' } });
      // Still listed (so a listing can name it), refused to a create, replaced by a plain put.
      const listed = [];
      for await (const item of store.list('runs/')) listed.push(item.key);
      expect(listed).toEqual(['runs/rows']);
      await expect(store.put('runs/rows', text('x'), { ifNoneMatch: '*' })).rejects.toMatchObject({
        code: 'PRECONDITION_FAILED',
      });
      await store.put('runs/rows', text('repaired'));
      expect(await read(store, 'runs/rows')).toBe('repaired');
    } finally {
      await dispose();
    }
  });

  it('tells a deleted key from a damaged one whose header says deleted', async () => {
    const { dir, store, dispose } = await tempStore();
    try {
      await store.put('doc/y', text('data'));
      const file = join(dir, 'objects', 'doc', 'y~', '0000000000000001');
      const raw = (await readFile(file)).toString('latin1');
      await writeFile(file, Buffer.from(raw.replace('MP1 D', 'MP1 X'), 'latin1'));
      await expect(store.get('doc/y')).rejects.toMatchObject({ details: { key: 'doc/y' } });
    } finally {
      await dispose();
    }
  });
});
