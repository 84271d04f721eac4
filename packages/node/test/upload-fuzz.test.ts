// The upload path under fuzzing (issue 10): generated CSV and xlsx files — zip entry orders,
// stored and deflated entries, shared and inline strings, delimiters, quoting, BOMs, UTF-16,
// invalid bytes, truncations, look-alike identifiers, ambiguous numbers — each read the way an
// upload is read (fileColorSource + readColors) and compared with an independent reading of the
// same file (test/fuzz/oracle.ts). Every file is either refused clearly (VALIDATION_ERROR /
// UNSUPPORTED_MEDIA_TYPE / PAYLOAD_TOO_LARGE with the expected message) or read to exactly the
// records and row errors the oracle reads: never a silently changed value.
//
// Seeded: MP_FUZZ_SEED (default below) and MP_FUZZ_FILES (default 1200) pick the files;
// MP_FUZZ_FILE=<n> replays one. A failure names the seed and the file to replay.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ColorFile, isMarketPulseError, readColors } from '@market-pulse/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileColorSource } from '../src/spreadsheets/file-color-source.js';
import { DEFAULT_SPREADSHEET_LIMITS } from '../src/spreadsheets/upload-safety.js';
import { type GeneratedFile, generateFile } from './fuzz/generate.js';
import { type OracleResult, oracleCsv, oracleRead } from './fuzz/oracle.js';

const SEED = Number(process.env.MP_FUZZ_SEED ?? 20261129);
const FILES = Number(process.env.MP_FUZZ_FILES ?? 1200);
const ONLY = process.env.MP_FUZZ_FILE === undefined ? undefined : Number(process.env.MP_FUZZ_FILE);

type Expected =
  | { refusal: { codes: string[]; message: RegExp } }
  | { result: Extract<OracleResult, { records: unknown }> };

const headerRefusal = {
  codes: ['VALIDATION_ERROR'],
  message: /cannot read the header|has no header row/,
};

/** What the oracle makes of a generated file. */
function expectationOf(file: GeneratedFile): Expected {
  const e = file.expect;
  if (e.kind === 'refusal') return { refusal: { codes: e.codes, message: e.message } };
  const ctx = { style: e.style, impreciseIds: file.parse.impreciseIds };
  if (e.kind === 'cells') {
    const read = oracleRead(e.table, ctx);
    return 'refused' in read ? { refusal: headerRefusal } : { result: read };
  }
  const csv = oracleCsv(file.bytes, e.delimiter);
  if ('rows' in csv) {
    // The oracle's own decoding must give back what the generator wrote.
    if (e.written) expect(csv.rows, 'the oracle decodes the CSV as written').toEqual(e.written);
    const read = oracleRead(csv.rows, ctx);
    return 'refused' in read ? { refusal: headerRefusal } : { result: read };
  }
  switch (csv.refused) {
    case 'empty':
      return { refusal: { codes: ['VALIDATION_ERROR'], message: /is empty/ } };
    case 'utf16':
      return { refusal: { codes: ['UNSUPPORTED_MEDIA_TYPE'], message: /UTF-16/ } };
    case 'malformed':
      return { refusal: { codes: ['VALIDATION_ERROR'], message: /CSV file is malformed/ } };
    case 'utf8':
      return {
        refusal: {
          codes: ['UNSUPPORTED_MEDIA_TYPE'],
          message: new RegExp(`not UTF-8 text: .*byte offset ${csv.offset}\\b`),
        },
      };
  }
}

/** The rows with errors, as the oracle lists them: row number and sorted columns. */
function errorRows(file: ColorFile): [number, string[]][] {
  const byRow = new Map<number, Set<string>>();
  for (const e of file.errors) byRow.set(e.row, (byRow.get(e.row) ?? new Set()).add(e.column));
  return [...byRow].sort(([a], [b]) => a - b).map(([row, columns]) => [row, [...columns].sort()]);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mp-fuzz-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function check(index: number): Promise<'refused' | 'read'> {
  const file = generateFile(SEED, index);
  const replay = `seed ${SEED}, file ${index} (replay: MP_FUZZ_SEED=${SEED} MP_FUZZ_FILE=${index}) — ${file.description}`;
  try {
    const path = join(dir, `f${index}.${file.format}`);
    await writeFile(path, file.bytes);
    const expected = expectationOf(file);
    let read: ColorFile | undefined;
    let error: unknown;
    try {
      const limits =
        file.maxBytes === undefined
          ? {}
          : { limits: { ...DEFAULT_SPREADSHEET_LIMITS, maxBytes: file.maxBytes } };
      read = await readColors(fileColorSource(path, { parse: file.parse, ...limits }));
    } catch (err) {
      error = err;
    }
    await rm(path, { force: true });
    if ('refusal' in expected) {
      expect(read?.records, 'refused, not read').toBeUndefined();
      expect(isMarketPulseError(error), String(error)).toBe(true);
      const err = error as { code: string; message: string };
      expect(expected.refusal.codes).toContain(err.code);
      expect(err.message).toMatch(expected.refusal.message);
      return 'refused';
    }
    if (error !== undefined) throw error;
    const got = read as ColorFile;
    expect(errorRows(got), 'rows with errors').toEqual(expected.result.errorRows);
    expect(got.records, 'records').toEqual(expected.result.records);
    expect(
      got.notices.some((n) => n.kind === 'imprecise-ids'),
      'imprecise notice',
    ).toBe(expected.result.imprecise);
    return 'read';
  } catch (err) {
    if (err instanceof Error) err.message = `${replay}\n${err.message}`;
    throw err;
  }
}

describe('upload fuzz', () => {
  it(`reads ${ONLY === undefined ? FILES : 1} generated file(s) as an independent reading does, or refuses them clearly (seed ${SEED})`, async () => {
    const outcomes = { refused: 0, read: 0 };
    const indexes = ONLY === undefined ? Array.from({ length: FILES }, (_, i) => i) : [ONLY];
    for (const index of indexes) outcomes[await check(index)]++;
    // Both kinds are exercised: a reader that refused everything would not pass.
    if (ONLY === undefined) {
      expect(outcomes.read).toBeGreaterThan(FILES * 0.6);
      expect(outcomes.refused).toBeGreaterThan(FILES * 0.1);
    }
  }, 240_000);
});
