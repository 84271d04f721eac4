// A sample CSV of `rows` generated colors (core's sample generator), cached in the temp folder:
// generating a million rows takes a while and its bytes never change for a given size and seed.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { access, mkdir, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { stringify } from 'csv-stringify/sync';

const CHUNK = 50_000;

/** The path of the cached CSV of `rows` rows (seed `seed`), written first if missing. */
export async function sampleCsv(
  rows: number,
  seed = 1,
  businessDate = '2026-03-13',
): Promise<string> {
  const dir = join(tmpdir(), 'mp-bench-csv');
  const path = join(dir, `colors-${rows}-${seed}-${businessDate}.csv`);
  if (
    await access(path).then(
      () => true,
      () => false,
    )
  )
    return path;
  await mkdir(dir, { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  const out = createWriteStream(temp);
  const records = generateColors({ rows, seed, businessDate });
  for (let start = 0; start < records.length; start += CHUNK) {
    const { header, rows: cells } = colorsToTable(records.slice(start, start + CHUNK));
    const text = stringify(start === 0 ? [header, ...cells] : cells, { record_delimiter: '\r\n' });
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  await rename(temp, path);
  return path;
}

if (process.argv[1]?.endsWith('sample-csv.ts')) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  console.log(await sampleCsv(rows));
}
