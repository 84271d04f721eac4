/**
 * A full run of 100,000 rows on S3 (a Ceph RGW started here on 127.0.0.1) against the same run on
 * the file store, rounds alternating, with every store call counted (and, on S3, every HTTP
 * request by operation). Needs the Debian packages radosgw ceph-mon ceph-osd.
 *
 *   TSX_TSCONFIG_PATH=tsconfig.build.json node --max-old-space-size=6144 --import tsx \
 *     bench/s3-full-run.bench.ts [--rows N] [--rounds N]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock, ExportSink, ObjectStore } from '@market-pulse/core';
import { createPipeline, initializeStore } from '@market-pulse/core';
import { REALISTIC_RULES } from '@market-pulse/core/sample';
import {
  fileColorSource,
  fileStorage,
  loadConfig,
  pipelineSettingsOf,
  randomIds,
  spreadsheetCodec,
  systemTimers,
} from '@market-pulse/node';
import { createS3Sink, createS3Store } from '@market-pulse/storage-s3';
import { startRgw } from '../../storage-s3/test/rgw-server.js';
import { testClient } from '../../storage-s3/test/s3-clients.js';
import { writeSampleWorkbook } from './sample-workbook.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback;
const rows = flag('--rows', 100_000);
const rounds = flag('--rounds', 2);
const dir = await mkdtemp(join(tmpdir(), 'mp-s3-bench-'));
const rgw = await startRgw();

/** The store with each call counted by kind. */
function counted(store: ObjectStore, counts: Record<string, number>): ObjectStore {
  const bump = (op: string) => {
    counts[op] = (counts[op] ?? 0) + 1;
  };
  return {
    get(key) {
      bump('get');
      return store.get(key);
    },
    put(key, body, condition) {
      bump(condition ? 'put-conditional' : 'put');
      return store.put(key, body, condition);
    },
    delete(key, condition) {
      bump('delete');
      return store.delete(key, condition);
    },
    list(prefix, options) {
      bump('list');
      return store.list(prefix, options);
    },
  };
}

const onBusinessDate: Clock = {
  now: () => new Date('2026-03-13T21:00:00Z'),
  monotonicMs: () => performance.now(),
};

async function fullRun(kind: 'file' | 's3', round: number) {
  (globalThis as { gc?: () => void }).gc?.();
  const storeCalls: Record<string, number> = {};
  const http: Record<string, number> = {};
  let store: ObjectStore;
  let sink: ExportSink;
  const close: (() => void)[] = [];
  if (kind === 'file') {
    const storage = fileStorage(join(dir, `file-${round}`));
    ({ store, sink } = storage);
  } else {
    const client = testClient(rgw);
    client.middlewareStack.add(
      (next, context) => async (a) => {
        http[context.commandName as string] = (http[context.commandName as string] ?? 0) + 1;
        return next(a);
      },
      { step: 'finalizeRequest', name: 'count' },
    );
    const bucket = await rgw.createBucket();
    const options = { bucket, region: rgw.region, forcePathStyle: true, client };
    const s3 = createS3Store({ ...options, prefix: 'desk' });
    s3.setConditionalDelete(false);
    const exportsStore = createS3Store({ ...options, prefix: 'desk/exports' });
    store = s3;
    sink = createS3Sink(exportsStore);
    close.push(() => client.destroy());
  }
  const countedStore = counted(store, storeCalls);
  await initializeStore(countedStore, { rules: REALISTIC_RULES });
  for (const key of Object.keys(storeCalls)) delete storeCalls[key];
  for (const key of Object.keys(http)) delete http[key];
  const config = loadConfig({});
  const pipeline = createPipeline({
    store: countedStore,
    clock: onBusinessDate,
    ids: randomIds,
    timers: systemTimers,
    sink,
    codec: spreadsheetCodec,
    settings: pipelineSettingsOf(config),
  });
  const start = performance.now();
  const { record, exports } = await pipeline.run({
    requestedBy: 'cli:tester',
    trigger: 'cli',
    source: fileColorSource(join(dir, 'colors.xlsx'), { limits: config.uploadLimits }),
  });
  const ms = performance.now() - start;
  for (const c of close) c();
  console.log(
    JSON.stringify({
      kind,
      round,
      rows,
      status: record.status,
      output: record.counts.output,
      exports: exports.length,
      ms: Math.round(ms),
      storeCalls,
      ...(kind === 's3' ? { httpRequests: http } : {}),
    }),
  );
  return ms;
}

try {
  await writeSampleWorkbook(join(dir, 'colors.xlsx'), rows);
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternate the sides round by round (the machine's speed drifts, TOOLING.md).
    const [a, b] = round % 2 === 0 ? (['file', 's3'] as const) : (['s3', 'file'] as const);
    const times = { [a]: await fullRun(a, round), [b]: await fullRun(b, round) };
    ratios.push((times.s3 as number) / (times.file as number));
  }
  ratios.sort((x, y) => x - y);
  console.log(JSON.stringify({ medianRatioS3ToFile: ratios[Math.floor(ratios.length / 2)] }));
} finally {
  await rgw.stop();
  await rm(dir, { recursive: true, force: true });
}
