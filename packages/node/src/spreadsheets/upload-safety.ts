import { MarketPulseError, type SpreadsheetFormat } from '@market-pulse/core';
import type yauzl from 'yauzl';
import { inputOf, openZipInput, type SpreadsheetInput } from './spreadsheet-input.js';

/** Limits checked before a spreadsheet is parsed (SPEC §10). */
export interface SpreadsheetLimits {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Most zip entries an xlsx may have. */
  maxZipEntries: number;
  /** Largest total uncompressed size of an xlsx, in bytes. */
  maxUncompressedBytes: number;
  /** Highest uncompressed/compressed ratio, for the whole file and for any one entry. */
  maxCompressionRatio: number;
}

/** The limits uploads and color files are checked against unless configured (`MP_UPLOAD_MAX_*`). */
export const DEFAULT_SPREADSHEET_LIMITS: Readonly<SpreadsheetLimits> = Object.freeze({
  maxBytes: 50 * 1024 * 1024,
  maxZipEntries: 1_000,
  maxUncompressedBytes: 1024 * 1024 * 1024,
  maxCompressionRatio: 200,
});

export type { SpreadsheetFormat };

/** The format a file name says, or UNSUPPORTED_MEDIA_TYPE. */
export function formatOf(path: string): SpreadsheetFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.xlsx')) return 'xlsx';
  if (lower.endsWith('.csv')) return 'csv';
  throw new MarketPulseError(
    'UNSUPPORTED_MEDIA_TYPE',
    `${path}: only .xlsx workbooks and .csv files are read`,
  );
}

interface ZipSummary {
  entries: number;
  uncompressed: number;
  worstRatio: number;
  hasWorkbook: boolean;
}

async function summarizeZip(input: SpreadsheetInput): Promise<ZipSummary> {
  const zip = await openZipInput(input, { autoClose: true });
  return new Promise((resolve, reject) => {
    const summary: ZipSummary = {
      entries: zip.entryCount,
      uncompressed: 0,
      worstRatio: 0,
      hasWorkbook: false,
    };
    zip.on('entry', (entry: yauzl.Entry) => {
      summary.uncompressed += entry.uncompressedSize;
      const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
      summary.worstRatio = Math.max(summary.worstRatio, ratio);
      if (entry.fileName === 'xl/workbook.xml') summary.hasWorkbook = true;
      zip.readEntry();
    });
    zip.on('end', () => resolve(summary));
    zip.on('error', reject);
    zip.readEntry();
  });
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Checks a spreadsheet before any parser sees it: size; for xlsx also that it is a zip holding a
 * workbook, its entry count, total uncompressed size and compression ratios (zip bombs). Throws
 * VALIDATION_ERROR (empty), PAYLOAD_TOO_LARGE or UNSUPPORTED_MEDIA_TYPE with what to fix.
 */
export async function checkSpreadsheetFile(
  file: string | SpreadsheetInput,
  format: SpreadsheetFormat,
  limits: SpreadsheetLimits = DEFAULT_SPREADSHEET_LIMITS,
): Promise<void> {
  const input = inputOf(file);
  const path = input.name;
  const size = await input.size();
  if (size === 0) throw new MarketPulseError('VALIDATION_ERROR', `${path} is empty`);
  if (size > limits.maxBytes) {
    throw new MarketPulseError(
      'PAYLOAD_TOO_LARGE',
      `${path} is ${mib(size)}; the limit is ${mib(limits.maxBytes)}`,
      {
        details: { size, limit: limits.maxBytes },
      },
    );
  }
  if (format === 'csv') return;
  let zip: ZipSummary;
  try {
    zip = await summarizeZip(input);
  } catch (err) {
    throw new MarketPulseError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${path} is not an xlsx workbook (not a zip archive: was another file renamed .xlsx?)`,
      {
        cause: err,
      },
    );
  }
  if (!zip.hasWorkbook) {
    throw new MarketPulseError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${path} is a zip archive but not an xlsx workbook (no xl/workbook.xml)`,
    );
  }
  if (zip.entries > limits.maxZipEntries) {
    throw new MarketPulseError(
      'PAYLOAD_TOO_LARGE',
      `${path} has ${zip.entries} zip entries; the limit is ${limits.maxZipEntries}`,
    );
  }
  const ratio = Math.max(zip.worstRatio, zip.uncompressed / size);
  if (zip.uncompressed > limits.maxUncompressedBytes || ratio > limits.maxCompressionRatio) {
    throw new MarketPulseError(
      'PAYLOAD_TOO_LARGE',
      `${path} expands to ${mib(zip.uncompressed)} (compression ratio ${Math.round(ratio)}:1); the limits are ${mib(limits.maxUncompressedBytes)} and ${limits.maxCompressionRatio}:1 — refusing a possible zip bomb`,
      { details: { uncompressed: zip.uncompressed, ratio } },
    );
  }
}
