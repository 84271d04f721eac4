import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from './dependencies.js';
import { startedStream } from './streams.js';

const MIME = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

/** The `format` of an export: a workbook or CSV. */
export const Format = z.enum(['xlsx', 'csv']).default('xlsx');

/** The documented response of an export: an xlsx or a CSV file. */
export const fileResponse = (description: string) => ({
  description,
  content: {
    [MIME.xlsx]: { schema: z.string().openapi({ format: 'binary' }) },
    'text/csv': { schema: z.string() },
  },
});

/** An export as a download. */
export async function download(
  c: Context<AppEnv>,
  exported: { bytes: AsyncIterable<Uint8Array>; rows: number },
  format: 'xlsx' | 'csv',
  name: string,
) {
  // Streamed: a 1,000,000-row export is never held whole. The first chunk is encoded before the
  // status is sent, so a refusal or an encoder that fails at once is still an error response; a
  // failure after it aborts the response (the client sees an incomplete transfer, not a file).
  const body = await startedStream(exported.bytes);
  return c.body(body, 200, {
    'Content-Type': MIME[format],
    'Content-Disposition': `attachment; filename="${name}.${format}"`,
    'X-Row-Count': String(exported.rows),
  });
}
