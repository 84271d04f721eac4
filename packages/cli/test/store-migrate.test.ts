// `market-pulse store migrate` on a data folder written in store format 1: a dry run, the refusal
// to run before migrating, and a real process killed at every failpoint of the migration.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  listRuns,
  MIGRATE_STEPS,
  type ObjectStore,
  readCurrentView,
  readRunRows,
  readStoreFormat,
} from '@market-pulse/core';
import { colorsToTable, downgradeToFormat1, generateColors } from '@market-pulse/core/testing';
import { createFileStore } from '@market-pulse/node';
import { describe, expect, it } from 'vitest';
import { cli, useWorkspaces } from './helpers.js';
import { start, stopChildren } from './processes.js';

const workspace = useWorkspaces('mp-migrate-', stopChildren);
const storeOf = (cwd: string) => createFileStore({ dir: join(cwd, 'market-pulse-data', 'store') });

/** A data folder with two runs (the second over part of the first's securities), in format 1. */
async function format1Folder() {
  const cwd = await workspace();
  const csv = (rows: number, seed: number) => {
    const table = colorsToTable(generateColors({ rows, seed, businessDate: '2026-11-20' }));
    return [
      table.header.join(','),
      ...table.rows.map((r) => r.map((c) => String(c ?? '')).join(',')),
    ].join('\n');
  };
  await writeFile(join(cwd, 'a.csv'), csv(600, 1));
  await writeFile(join(cwd, 'b.csv'), csv(300, 2));
  expect((await cli(cwd, ['init'])).code).toBe(0);
  expect((await cli(cwd, ['run', '--source', 'a.csv'])).code).toBe(0);
  expect((await cli(cwd, ['run', '--source', 'b.csv'])).code).toBe(0);
  await downgradeToFormat1(storeOf(cwd));
  return cwd;
}

/** What readers see: every run's rows and the current view. */
async function contents(store: ObjectStore) {
  const runs = [];
  for (const run of await listRuns(store))
    if (run.state === 'committed') runs.push(await readRunRows(store, run.record));
  return { runs, view: (await readCurrentView(store)).rows };
}

async function oldObjects(store: ObjectStore) {
  const keys: string[] = [];
  for await (const { key } of store.list('')) if (key.endsWith('.jsonl')) keys.push(key);
  return keys;
}

describe('market-pulse store migrate', () => {
  it('--dry-run says what it would convert; runs are refused until the store is migrated', async () => {
    const cwd = await format1Folder();
    expect((await cli(cwd, ['status'])).stdout).toMatch(/store format: 1 \(.*store migrate/);
    const refused = await cli(cwd, ['run', '--source', 'a.csv']);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('market-pulse store migrate');
    const dry = await cli(cwd, ['store', 'migrate', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/store format 1 → 2: would convert 2 runs/);
    expect(dry.stdout).toContain('nothing changed (dry run)');
    expect(await readStoreFormat(storeOf(cwd))).toBe(1);
    const done = await cli(cwd, ['store', 'migrate', '--json']);
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ from: 1, to: 2, runs: [1, 2] });
    expect((await cli(cwd, ['store', 'migrate'])).stdout).toContain('nothing to migrate');
    expect((await cli(cwd, ['status'])).stdout).toContain('store format: 2\n');
    expect((await cli(cwd, ['run', '--source', 'a.csv'])).code).toBe(0);
  }, 120_000);

  it.each(MIGRATE_STEPS)(
    'killed at %s: the store reads the same, and a second migrate finishes the job',
    async (step) => {
      const cwd = await format1Folder();
      const before = await contents(storeOf(cwd));
      const killed = await start(cwd, ['store', 'migrate'], { MP_FAILPOINT: `${step}:kill` }).done;
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      expect(await contents(storeOf(cwd))).toEqual(before);
      expect(await readStoreFormat(storeOf(cwd))).toBe(1);
      const again = await start(cwd, ['store', 'migrate', '--json']).done;
      expect(again.code, again.stderr).toBe(0);
      const store = storeOf(cwd);
      expect(await readStoreFormat(store)).toBe(2);
      expect(await contents(store)).toEqual(before);
      expect(await oldObjects(store)).toEqual([]);
      const next = await start(cwd, ['run', '--source', join(cwd, 'a.csv')]).done;
      expect(next.code, next.stderr).toBe(0);
    },
    180_000,
  );
});
