// The golden test: for a fixed input, the stored rows of its runs and every export file are the
// same bytes from one version of the code to the next (a refactor must not change them). Refresh
// the fixture only for an intended change of output: `UPDATE_GOLDEN=1 pnpm vitest run golden`.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { inflateSync } from 'node:zlib';
import {
  addUpload,
  columnKinds,
  createPipeline,
  defaultColumnConfig,
  initializeStore,
} from '@market-pulse/core';
import { colorsToTable, generateColors, REALISTIC_RULES } from '@market-pulse/core/sample';
import { createManualClock } from '@market-pulse/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import yauzl from 'yauzl';
import {
  createFileStore,
  createFolderSink,
  fileColorSource,
  loadConfig,
  pipelineSettingsOf,
  randomIds,
  readColorFile,
  spreadsheetCodec,
  systemTimers,
  writeCsvFile,
  writeXlsxFile,
} from '../src/index.js';

const FIXTURE = new URL('./golden/digests.json', import.meta.url);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mp-golden-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const sha = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** The entries of a zip (an xlsx), each inflated; the writer's timestamps are not content. */
async function zipEntries(path: string): Promise<Record<string, string>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  const entries: Record<string, string> = {};
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, async (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        let text = Buffer.concat(chunks).toString('utf8');
        if (entry.fileName === 'docProps/core.xml')
          text = text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>');
        entries[entry.fileName] = sha(text);
        zip.readEntry();
      });
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  return entries;
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

it('stores the same run rows and writes the same export files for a fixed input', async () => {
  const clock = createManualClock('2026-03-13T22:30:00Z');
  const exportsDir = join(dir, 'exports');
  const store = createFileStore({ dir: join(dir, 'store'), durable: false });
  const columns = defaultColumnConfig.columns.map((c) => c.name);
  const kinds = columnKinds(defaultColumnConfig);
  const day1 = join(dir, 'day1.xlsx');
  await writeXlsxFile(day1, [{ name: 'Colors', rows: generateColors({ rows: 1500, seed: 11 }) }], {
    columns,
    kinds,
  });
  const day2 = join(dir, 'day2.csv');
  const { header, rows } = colorsToTable(generateColors({ rows: 900, seed: 12 }));
  await writeCsvFile(
    day2,
    rows.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? null]))),
    { columns: header },
  );
  await initializeStore(store, { rules: REALISTIC_RULES });
  const uploadFile = join(dir, 'upload.csv');
  const upload = colorsToTable(generateColors({ rows: 200, seed: 13 }));
  await writeCsvFile(
    uploadFile,
    upload.rows.map((cells) =>
      Object.fromEntries(upload.header.map((h, i) => [h, cells[i] ?? null])),
    ),
    { columns: upload.header },
  );
  const bytes = await readFile(uploadFile);
  await addUpload(
    { store, clock, ids: { nextId: () => 'upload-1' } },
    {
      fileName: 'upload.csv',
      bytes,
      contentHash: sha(bytes),
      parsed: await readColorFile(uploadFile),
      acceptValidRows: true,
      force: false,
    },
  );

  const pipeline = createPipeline({
    store,
    clock,
    ids: randomIds,
    timers: systemTimers,
    sink: createFolderSink(exportsDir),
    codec: spreadsheetCodec,
    settings: pipelineSettingsOf(loadConfig({ MP_SECTOR_EXPORT_FORMATS: 'xlsx,csv' })),
  });
  const first = await pipeline.run({
    requestedBy: 'cli:tester',
    trigger: 'cli',
    source: fileColorSource(day1),
  });
  clock.advance(60 * 60_000);
  const second = await pipeline.run({
    requestedBy: 'cli:tester',
    trigger: 'cli',
    source: fileColorSource(day2),
  });
  expect([first.record.status, second.record.status]).toEqual(['success', 'success']);

  const digests: Record<string, unknown> = {};
  for await (const { key } of store.list('runs/')) {
    if (key.endsWith('running.json') || key === 'runs/index.json') continue;
    const stored = (await store.get(key))?.body as Uint8Array;
    // Row partitions by their rows (the JSON lines inside), so a change of compression alone
    // leaves their digests as they were; commit.json records the stored bytes' SHA-256.
    let body = new TextDecoder().decode(key.endsWith('.zlib') ? inflateSync(stored) : stored);
    // The source workbook written above carries its writer's time, so its hash is not content.
    if (key.endsWith('commit.json'))
      body = body.replace(/"contentHash":"[0-9a-f]+"/g, '"contentHash":"…"');
    digests[`store/${key}`] = sha(body);
  }
  for (const file of await filesUnder(exportsDir)) {
    if (file.startsWith('.')) continue;
    const path = join(exportsDir, file);
    digests[`exports/${file}`] = file.endsWith('.xlsx')
      ? await zipEntries(path)
      : sha(await readFile(path));
  }
  if (process.env.UPDATE_GOLDEN) await writeFile(FIXTURE, `${JSON.stringify(digests, null, 2)}\n`);
  const golden = JSON.parse(await readFile(FIXTURE, 'utf8')) as Record<string, unknown>;
  expect(digests).toEqual(golden);
});
